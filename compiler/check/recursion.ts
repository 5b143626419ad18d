/**
 * Recursion: takes the checked rules and reports every rule that depends on itself, directly or through
 * other rules, as `rego_recursion_error: rule data.a.p is recursive: data.a.p -> data.a.q -> data.a.p`.
 * A rule depends on every rule whose document a `data…` ref in it may read (refs to a prefix read everything
 * below; variables in a ref match any key), including function calls and `with` targets. Last check stage.
 */
import { diagnostic, type Diagnostic } from "../diagnostics";
import type { Body, Expr, Rule, Term } from "../syntax/ast";
import type { RuleKind } from "./program";
import { isExpr } from "./walk";

export interface RuleNode {
  rule: Rule;
  kind: RuleKind;
  path: string[];
  index: number;
}

interface Trie {
  rules: number[];
  children: Map<string, Trie>;
}

export function checkRecursion(rules: readonly RuleNode[]): Diagnostic[] {
  const root: Trie = { rules: [], children: new Map() };
  rules.forEach((r, i) => {
    let node = root;
    for (const seg of r.path) {
      let child = node.children.get(seg);
      if (!child) {
        child = { rules: [], children: new Map() };
        node.children.set(seg, child);
      }
      node = child;
    }
    node.rules.push(i);
  });

  const edges = rules.map((r) => {
    const deps = new Set<number>();
    for (const ref of dataRefs(r.rule)) collect(root, ref, 0, deps);
    return [...deps].sort((a, b) => a - b);
  });

  const diagnostics: Diagnostic[] = [];
  const recursive = recursiveRules(edges);
  rules.forEach((r, i) => {
    if (!recursive.has(i)) return;
    const cycle = shortestCycle(edges, i).map((j) => `data.${rules[j].path.join(".")}`);
    const name = `data.${r.path.join(".")}`;
    diagnostics.push(diagnostic("rego_recursion_error", `rule ${name} is recursive: ${cycle.join(" -> ")}`, r.rule.loc));
  });
  return diagnostics;
}

/** Rules a ref may read: those on the way down (they may produce the document) and all below its end. */
function collect(node: Trie, ref: Term[], i: number, out: Set<number>): void {
  for (const r of node.rules) out.add(r);
  if (i === ref.length) {
    for (const child of node.children.values()) collect(child, ref, i, out);
    return;
  }
  const seg = ref[i];
  if (seg.type === "string") {
    const child = node.children.get(seg.value);
    if (child) collect(child, ref, i + 1, out);
  } else if (seg.type !== "number" && seg.type !== "boolean" && seg.type !== "null") {
    // A variable or computed key may name any child; a number, boolean or null names no rule.
    for (const child of node.children.values()) collect(child, ref, i + 1, out);
  }
}

/** The path elements of every `data…` ref in a rule (heads, bodies, else clauses, `with`, call operators). */
function dataRefs(rule: Rule): Term[][] {
  const out: Term[][] = [];
  const term = (t: Term): void => {
    switch (t.type) {
      case "ref":
        if (t.head.type === "var" && t.head.name === "data") out.push(t.path);
        term(t.head);
        t.path.forEach(term);
        break;
      case "call":
        term(t.op);
        t.args.forEach(term);
        break;
      case "array":
      case "set":
        t.items.forEach(term);
        break;
      case "object":
        for (const [k, v] of t.entries) {
          term(k);
          term(v);
        }
        break;
      case "arraycomp":
      case "setcomp":
        term(t.head);
        body(t.body);
        break;
      case "objectcomp":
        term(t.key);
        term(t.value);
        body(t.body);
        break;
      case "template":
        for (const p of t.parts) if (typeof p !== "string") (isExpr(p) ? expr(p) : term(p));
        break;
      default:
        break;
    }
  };
  const expr = (e: Expr): void => {
    const b = e.body;
    switch (b.type) {
      case "term":
        term(b.term);
        break;
      case "somein":
        if (b.key) term(b.key);
        term(b.value);
        term(b.collection);
        break;
      case "every":
        term(b.domain);
        body(b.body);
        break;
      default:
        break;
    }
    for (const w of e.with) {
      term(w.target);
      term(w.value);
    }
  };
  const body = (b: Body): void => b.forEach(expr);
  rule.head.ref.slice(1).forEach(term);
  if (rule.head.key) term(rule.head.key);
  if (rule.head.value) term(rule.head.value);
  body(rule.body);
  for (const clause of rule.else) {
    if (clause.value) term(clause.value);
    body(clause.body);
  }
  return out;
}

/** Rules on a cycle: members of strongly connected components with more than one rule, or a self-edge. */
function recursiveRules(edges: number[][]): Set<number> {
  const index = new Array<number>(edges.length).fill(-1);
  const low = new Array<number>(edges.length).fill(0);
  const onStack = new Array<boolean>(edges.length).fill(false);
  const stack: number[] = [];
  const result = new Set<number>();
  let counter = 0;
  for (let start = 0; start < edges.length; start++) {
    if (index[start] !== -1) continue;
    // Iterative Tarjan: deep dependency chains must not overflow the JS stack.
    const work: Array<{ v: number; next: number }> = [{ v: start, next: 0 }];
    index[start] = low[start] = counter++;
    stack.push(start);
    onStack[start] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const { v } = frame;
      if (frame.next < edges[v].length) {
        const w = edges[v][frame.next++];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push({ v: w, next: 0 });
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w]);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].v;
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || edges[v].includes(v)) for (const c of component) result.add(c);
      }
    }
  }
  return result;
}

/** The shortest dependency path from a rule back to itself, both ends included. */
function shortestCycle(edges: number[][], start: number): number[] {
  const previous = new Map<number, number>();
  const queue = [...edges[start]];
  for (const n of edges[start]) previous.set(n, start);
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi];
    if (v === start) break;
    for (const w of edges[v]) {
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  const path = [start];
  let v = previous.get(start);
  while (v !== undefined && v !== start && path.length <= edges.length) {
    path.push(v);
    v = previous.get(v);
  }
  path.push(start);
  return path.reverse();
}
