/**
 * Traversal helpers shared by the check stages: collecting the variables of terms, expressions and bodies
 * under OPA's visitor options (skip closures, ref heads, object keys, sets), naming refs for messages, and
 * small constructors. Call operators never count as variables: after `resolve.ts` they name a function.
 */
import type { Body, Expr, Location, RefTerm, Term, VarTerm } from "../syntax/ast";

export interface VarOptions {
  /** Do not look inside comprehensions, `every` bodies and template-string parts. */
  skipClosures?: boolean;
  /** Do not count the head of a ref (`a` in `a[i]`). */
  skipRefHeads?: boolean;
  skipObjectKeys?: boolean;
  skipSets?: boolean;
  /** Do not look inside call arguments (nested calls are evaluated before their expression). */
  skipCalls?: boolean;
}

/** OPA's SafetyCheckVisitorParams: every variable an expression uses, closures aside. */
export const SAFETY: VarOptions = { skipClosures: true };

export function termVars(t: Term, opts: VarOptions, out: Set<string> = new Set()): Set<string> {
  switch (t.type) {
    case "var":
      out.add(t.name);
      break;
    case "ref":
      if (!(opts.skipRefHeads && t.head.type === "var")) termVars(t.head, opts, out);
      for (const p of t.path) termVars(p, opts, out);
      break;
    case "call":
      if (!opts.skipCalls) for (const a of t.args) termVars(a, opts, out);
      break;
    case "array":
      for (const i of t.items) termVars(i, opts, out);
      break;
    case "set":
      if (!opts.skipSets) for (const i of t.items) termVars(i, opts, out);
      break;
    case "object":
      for (const [k, v] of t.entries) {
        if (!opts.skipObjectKeys) termVars(k, opts, out);
        termVars(v, opts, out);
      }
      break;
    case "arraycomp":
    case "setcomp":
      if (!opts.skipClosures) {
        termVars(t.head, opts, out);
        bodyVars(t.body, opts, out);
      }
      break;
    case "objectcomp":
      if (!opts.skipClosures) {
        termVars(t.key, opts, out);
        termVars(t.value, opts, out);
        bodyVars(t.body, opts, out);
      }
      break;
    case "template":
      if (!opts.skipClosures) {
        for (const part of t.parts) {
          if (typeof part === "string") continue;
          if (isExpr(part)) exprVars(part, opts, out);
          else termVars(part, opts, out);
        }
      }
      break;
    default:
      break;
  }
  return out;
}

/** Variables of an expression, including `with` values but never `with` targets (they are paths). */
export function exprVars(e: Expr, opts: VarOptions, out: Set<string> = new Set()): Set<string> {
  const b = e.body;
  switch (b.type) {
    case "term":
      termVars(b.term, opts, out);
      break;
    case "some":
      for (const v of b.vars) out.add(v.name);
      break;
    case "somein":
      if (b.key) termVars(b.key, opts, out);
      termVars(b.value, opts, out);
      termVars(b.collection, opts, out);
      break;
    case "every":
      termVars(b.domain, opts, out);
      if (!opts.skipClosures) {
        if (b.key) out.add(b.key.name);
        out.add(b.value.name);
        bodyVars(b.body, opts, out);
      }
      break;
  }
  for (const w of e.with) if (!isFunctionValue(w.value)) termVars(w.value, opts, out);
  return out;
}

export function bodyVars(body: Body, opts: VarOptions, out: Set<string> = new Set()): Set<string> {
  for (const e of body) exprVars(e, opts, out);
  return out;
}

/** Template-string parts and `every` bodies hold expressions; an `Expr` has no `type` field. */
export function isExpr(x: Term | Expr): x is Expr {
  return !("type" in x);
}

/**
 * `with` values that name a builtin function (`with count as object.union_n`). `resolve.ts` spells them as
 * the builtin's ref, like a call operator, and marks the node here so that later check stages do not take
 * the name for a variable; those stages keep marked nodes as they are.
 */
const builtinValues = new WeakSet<Term>();

export function markFunctionValue(t: Term): Term {
  builtinValues.add(t);
  return t;
}

export function isFunctionValue(t: Term): boolean {
  return builtinValues.has(t);
}

/** `data.a.b[x]`-style text of a ref, for messages. */
export function refText(ref: RefTerm | Term[]): string {
  const [head, ...path] = Array.isArray(ref) ? ref : [ref.head, ...ref.path];
  let out = head.type === "var" ? head.name : termText(head);
  for (const p of path) {
    out += p.type === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.value) ? `.${p.value}` : `[${termText(p)}]`;
  }
  return out;
}

/** A short rendering of a term, for messages. */
export function termText(t: Term): string {
  switch (t.type) {
    case "null":
      return "null";
    case "boolean":
      return String(t.value);
    case "number":
      return t.text;
    case "string":
      return JSON.stringify(t.value);
    case "var":
      return t.name;
    case "ref":
      return refText(t);
    case "call":
      return `${refText(t.op)}(${t.args.map(termText).join(", ")})`;
    case "array":
      return `[${t.items.map(termText).join(", ")}]`;
    case "set":
      return t.items.length === 0 ? "set()" : `{${t.items.map(termText).join(", ")}}`;
    case "object":
      return `{${t.entries.map(([k, v]) => `${termText(k)}: ${termText(v)}`).join(", ")}}`;
    case "arraycomp":
      return `[${termText(t.head)} | ...]`;
    case "setcomp":
      return `{${termText(t.head)} | ...}`;
    case "objectcomp":
      return `{${termText(t.key)}: ${termText(t.value)} | ...}`;
    case "template":
      return '$"..."';
  }
}

/** The dotted name of a call operator or builtin ref (`strings.replace_n`), or null if it is not one. */
export function dottedName(ref: RefTerm): string | null {
  if (ref.head.type !== "var") return null;
  let name = ref.head.name;
  for (const p of ref.path) {
    if (p.type !== "string") return null;
    name += `.${p.value}`;
  }
  return name;
}

export function varTerm(name: string, loc: Location): VarTerm {
  return { type: "var", name, loc };
}

/** A ref of a var head and string path, every node at `loc`. */
export function pathRef(head: string, path: readonly string[], loc: Location): RefTerm {
  return { type: "ref", head: varTerm(head, loc), path: path.map((value) => ({ type: "string", value, loc })), loc };
}

/** The first location at which `name` occurs in a term, expression or body, for diagnostics. */
export function findVar(node: Term | Expr | Body, name: string): Location | null {
  if (Array.isArray(node)) {
    for (const e of node) {
      const loc = findVar(e, name);
      if (loc) return loc;
    }
    return null;
  }
  if (isExpr(node)) {
    const b = node.body;
    const terms: Array<Term | Expr | Body> = [];
    switch (b.type) {
      case "term":
        terms.push(b.term);
        break;
      case "some":
        terms.push(...b.vars);
        break;
      case "somein":
        if (b.key) terms.push(b.key);
        terms.push(b.value, b.collection);
        break;
      case "every":
        if (b.key) terms.push(b.key);
        terms.push(b.value, b.domain, b.body);
        break;
    }
    for (const w of node.with) terms.push(w.value);
    for (const t of terms) {
      const loc = findVar(t, name);
      if (loc) return loc;
    }
    return null;
  }
  const t = node;
  switch (t.type) {
    case "var":
      return t.name === name ? t.loc : null;
    case "ref":
      return findVar(t.head, name) ?? firstOf(t.path, name);
    case "call":
      return firstOf(t.args, name);
    case "array":
    case "set":
      return firstOf(t.items, name);
    case "object":
      return firstOf(t.entries.flat(), name);
    case "arraycomp":
    case "setcomp":
      return findVar(t.head, name) ?? findVar(t.body, name);
    case "objectcomp":
      return findVar(t.key, name) ?? findVar(t.value, name) ?? findVar(t.body, name);
    case "template":
      for (const part of t.parts) {
        if (typeof part === "string") continue;
        const loc = findVar(part, name);
        if (loc) return loc;
      }
      return null;
    default:
      return null;
  }
}

function firstOf(terms: Term[], name: string): Location | null {
  for (const t of terms) {
    const loc = findVar(t, name);
    if (loc) return loc;
  }
  return null;
}
