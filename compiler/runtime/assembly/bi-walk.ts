// Relations over documents: walk (every [path, value] pair of a value, the value itself first, children in
// iteration order) and graph.reachable / graph.reachable_paths over an adjacency object.

import { T_ARRAY, T_OBJECT, T_SET, typeOf, arrLen, arrGet, newArray, arrPush, newArrayFrom, arrElems, newPair, newInt } from "./value";
import { tableNewSized, tableCount, entryKey, entryValue, objGet, setAdd, tableAppend, tableFind } from "./table";
import { valueEqual } from "./compare";
import { hashValue } from "./hash";
import { typeError } from "./error";
import { oneOf } from "./bi-objects";
import { alloc } from "./alloc";
import { sortedKeys } from "./sort";

// Path elements so far live on a stack of addresses; each emitted path is a fresh array copy.
let pathStack: usize = 0;
let pathCap: u32 = 0;

function walkInto(out: usize, v: usize, depth: u32): void {
  if (depth >= pathCap) {
    const ncap = pathCap < 16 ? 16 : pathCap << 1;
    const ns = alloc(<usize>ncap << 2);
    if (depth > 0) memory.copy(ns, pathStack, <usize>depth << 2);
    pathStack = ns;
    pathCap = ncap;
  }
  arrPush(out, newPair(newArrayFrom(pathStack, depth), v));
  const t = typeOf(v);
  if (t == T_ARRAY) {
    const n = arrLen(v);
    for (let i: u32 = 0; i < n; i++) {
      store<u32>(pathStack + (<usize>depth << 2), newInt(i));
      walkInto(out, arrGet(v, i), depth + 1);
    }
  } else if (t == T_OBJECT || t == T_SET) {
    const n = tableCount(v);
    for (let i: u32 = 0; i < n; i++) {
      store<u32>(pathStack + (<usize>depth << 2), entryKey(v, i));
      walkInto(out, entryValue(v, i), depth + 1);
    }
  }
}

export function b_walk(v: usize): usize {
  const out = newArray(16);
  pathStack = 0;
  pathCap = 0;
  walkInto(out, v, 0);
  return out;
}

// Appends the neighbours listed by an array, set or object (its values) to queue.
function neighbours(edges: usize, queue: usize): void {
  const t = typeOf(edges);
  if (t == T_ARRAY) {
    const n = arrLen(edges);
    for (let i: u32 = 0; i < n; i++) arrPush(queue, arrGet(edges, i));
  } else if (t == T_SET || t == T_OBJECT) {
    const n = tableCount(edges);
    for (let i: u32 = 0; i < n; i++) arrPush(queue, entryValue(edges, i));
  }
}

export function b_graph_reachable(graph: usize, initial: usize): usize {
  if (typeOf(graph) != T_OBJECT) return typeError("graph.reachable", 1, "object", graph);
  const ti = typeOf(initial);
  if (ti != T_ARRAY && ti != T_SET) return oneOf("graph.reachable", 2, "set, array", initial);
  const queue = newArray(16);
  neighbours(initial, queue);
  const reached = tableNewSized(T_SET, 0);
  for (let q: u32 = 0; q < arrLen(queue); q++) {
    const node = arrGet(queue, q);
    const h = hashValue(node);
    if (tableFind(reached, node, h) >= 0) continue;
    const edges = objGet(graph, node);
    if (edges == 0) continue;
    tableAppend(reached, node, node, h);
    neighbours(edges, queue);
  }
  return reached;
}

export function b_graph_reachable_paths(graph: usize, initial: usize): usize {
  if (typeOf(graph) != T_OBJECT) return typeError("graph.reachable_paths", 1, "object", graph);
  const ti = typeOf(initial);
  if (ti != T_ARRAY && ti != T_SET) return oneOf("graph.reachable_paths", 2, "set, array", initial);
  const starts = newArray(4);
  vertices(initial, starts);
  const result = tableNewSized(T_SET, 0);
  for (let i: u32 = 0; i < arrLen(starts); i++) {
    const node = arrGet(starts, i);
    const edges = objGet(graph, node);
    if (edges == 0) continue;
    const next = newArray(4);
    vertices(edges, next);
    if (arrLen(next) == 0) {
      const single = newArray(1);
      arrPush(single, node);
      setAdd(result, single);
      continue;
    }
    for (let j: u32 = 0; j < arrLen(next); j++) {
      const start = newArray(1);
      arrPush(start, node);
      const reached = tableNewSized(T_SET, 0);
      setAdd(reached, node);
      pathsFrom(graph, arrGet(next, j), start, result, reached);
    }
  }
  return result;
}

// OPA's path builder, depth first with one `reached` set per start edge: a node already reached ends the path
// there; so does a neighbour that is not in the graph (the path stops before it). Within one node, each
// reached neighbour emits the paths found so far at that node joined end to end, as OPA does.
function pathsFrom(graph: usize, root: usize, path: usize, result: usize, reached: usize): void {
  const edges = objGet(graph, root);
  if (edges == 0) {
    setAdd(result, path);
    return;
  }
  const here = newArrayFrom(arrElems(path), arrLen(path));
  arrPush(here, root);
  const next = newArray(4);
  vertices(edges, next);
  if (arrLen(next) == 0) {
    setAdd(result, here);
    return;
  }
  const joined = newArray(4);
  for (let i: u32 = 0; i < arrLen(next); i++) {
    const neighbour = arrGet(next, i);
    if (tableFind(reached, neighbour, hashValue(neighbour)) >= 0) {
      for (let k: u32 = 0; k < arrLen(here); k++) arrPush(joined, arrGet(here, k));
      setAdd(result, newArrayFrom(arrElems(joined), arrLen(joined)));
    } else {
      setAdd(reached, root);
      pathsFrom(graph, neighbour, here, result, reached);
    }
  }
}

// The vertices an array lists in order, or a set's in Rego's sorted order, as OPA visits them.
function vertices(edges: usize, out: usize): void {
  const t = typeOf(edges);
  if (t == T_ARRAY) {
    const n = arrLen(edges);
    for (let i: u32 = 0; i < n; i++) arrPush(out, arrGet(edges, i));
  } else if (t == T_SET) {
    const n = tableCount(edges);
    const sorted = sortedKeys(edges);
    for (let i: u32 = 0; i < n; i++) arrPush(out, load<u32>(sorted + (<usize>i << 2)));
  }
}
