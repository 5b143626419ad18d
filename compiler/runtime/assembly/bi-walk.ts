// Relations over documents: walk (every [path, value] pair of a value, the value itself first, children in
// iteration order) and graph.reachable / graph.reachable_paths over an adjacency object.

import { T_ARRAY, T_OBJECT, T_SET, typeOf, arrLen, arrGet, newArray, arrPush, newArrayFrom, arrElems, newPair, newInt } from "./value";
import { tableNewSized, tableCount, entryKey, entryValue, objGet, setAdd, tableAppend, tableFind } from "./table";
import { valueEqual } from "./compare";
import { hashValue } from "./hash";
import { typeError } from "./error";
import { oneOf } from "./bi-objects";
import { alloc } from "./alloc";

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
  neighbours(initial, starts);
  const result = tableNewSized(T_SET, 0);
  for (let i: u32 = 0; i < arrLen(starts); i++) {
    const s = arrGet(starts, i);
    if (objGet(graph, s) == 0) continue;
    const path = newArray(4);
    arrPush(path, s);
    extendPaths(graph, path, result);
  }
  return result;
}

// Depth-first: a path ends where a node has no unvisited neighbour in the graph.
function extendPaths(graph: usize, path: usize, result: usize): void {
  const last = arrGet(path, arrLen(path) - 1);
  const next = newArray(4);
  neighbours(objGet(graph, last), next);
  let extended = false;
  for (let i: u32 = 0; i < arrLen(next); i++) {
    const x = arrGet(next, i);
    if (objGet(graph, x) == 0) continue;
    let seen = false;
    for (let j: u32 = 0; j < arrLen(path) && !seen; j++) seen = valueEqual(arrGet(path, j), x);
    if (seen) continue;
    const p = newArrayFrom(arrElems(path), arrLen(path));
    arrPush(p, x);
    extendPaths(graph, p, result);
    extended = true;
  }
  if (!extended) setAdd(result, path);
}
