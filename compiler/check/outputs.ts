/**
 * Output variables, as OPA's outputVarsForExpr: which variables an expression binds given those bound in
 * `safe`. `=`/`:=` unify (destructuring arrays and objects), `a[i]` binds `i` once `a` is bound, calls bind only
 * their extra output argument, `some … in` binds like `value = collection[key]`, negations and `every` bind
 * nothing. Nested calls run first (OPA lifts them), so their arguments must be bound. Used by `safety.ts`.
 */
import type { CallTerm, Expr, Term } from "../syntax/ast";
import { isUnification } from "./resolve";
import type { Signatures } from "./signatures";
import { bodyVars, isFunctionValue, SAFETY, termVars, type VarOptions } from "./walk";

/** The parameters OPA uses for call arguments and unification patterns (nested calls are lifted values). */
const PATTERN: VarOptions = { skipClosures: true, skipSets: true, skipObjectKeys: true, skipRefHeads: true, skipCalls: true };
const SOME_KEY = "$some_key";

export function outputVarsForExpr(e: Expr, safe: ReadonlySet<string>, sigs: Signatures): Set<string> {
  if (e.negated) return new Set();
  for (const w of e.with) {
    if (isFunctionValue(w.value)) continue;
    for (const v of termVars(w.value, SAFETY)) if (!safe.has(v)) return new Set();
  }
  const b = e.body;
  switch (b.type) {
    case "term": {
      const t = b.term;
      if (t.type === "call" && isUnification(t)) return guarded(t.args, safe, () => outputVarsForEq(t.args[0], t.args[1], safe));
      if (t.type === "call") {
        const arity = sigs.arityOf(t.op);
        if (arity < 0) return new Set();
        return guarded(t.args, safe, () => outputVarsForCall(t, arity, safe));
      }
      return guarded([t], safe, () => outputVarsForTerms([t], safe));
    }
    case "somein": {
      const key: Term = b.key ?? { type: "var", name: SOME_KEY, loc: b.loc };
      const c = b.collection;
      const ref: Term = c.type === "ref" ? { ...c, path: [...c.path, key] } : { type: "ref", head: c, path: [key], loc: c.loc };
      const out = guarded([b.value, ref], safe, () => outputVarsForEq(b.value, ref, safe));
      out.delete(SOME_KEY);
      return out;
    }
    case "every":
      return guarded([b.domain], safe, () => outputVarsForTerms([b.domain], safe));
    default:
      return new Set();
  }
}

/** Every variable inside the closures of an expression (comprehensions, `every` bodies, template parts). */
export function closureVars(e: Expr): Set<string> {
  const out = new Set<string>();
  const visit = (t: Term): void => {
    switch (t.type) {
      case "ref":
        visit(t.head);
        t.path.forEach(visit);
        break;
      case "call":
        t.args.forEach(visit);
        break;
      case "array":
      case "set":
        t.items.forEach(visit);
        break;
      case "object":
        for (const [k, v] of t.entries) {
          visit(k);
          visit(v);
        }
        break;
      case "arraycomp":
      case "setcomp":
      case "objectcomp":
      case "template":
        termVars(t, {}, out);
        break;
      default:
        break;
    }
  };
  const b = e.body;
  if (b.type === "term") visit(b.term);
  else if (b.type === "somein") {
    if (b.key) visit(b.key);
    visit(b.value);
    visit(b.collection);
  } else if (b.type === "every") {
    visit(b.domain);
    bodyVars(b.body, {}, out);
  }
  for (const w of e.with) if (!isFunctionValue(w.value)) visit(w.value);
  return out;
}

/**
 * Nested calls run first, so an expression binds nothing until their arguments are bound (refs inside those
 * arguments may bind their own key variables, as evaluating the lifted call would).
 */
function guarded(terms: Term[], safe: ReadonlySet<string>, outputs: () => Set<string>): Set<string> {
  const calls: CallTerm[] = [];
  const collect = (t: Term, top: boolean): void => {
    switch (t.type) {
      case "call":
        // The variables of a call's arguments include those of the calls nested in them: checking the
        // outermost nested calls is enough, and keeps deep nesting (`f(f(f(…)))`) linear.
        if (!top) calls.push(t);
        else t.args.forEach((a) => collect(a, false));
        break;
      case "ref":
        collect(t.head, false);
        t.path.forEach((p) => collect(p, false));
        break;
      case "array":
      case "set":
        t.items.forEach((i) => collect(i, false));
        break;
      case "object":
        for (const [k, v] of t.entries) {
          collect(k, false);
          collect(v, false);
        }
        break;
      default:
        break;
    }
  };
  for (const t of terms) collect(t, false);
  if (calls.length === 0) return outputs();
  const refOutputs = outputVarsForTerms(terms, safe);
  for (const call of calls) {
    for (const a of call.args) {
      for (const v of termVars(a, SAFETY)) if (!safe.has(v) && !refOutputs.has(v)) return new Set();
    }
  }
  return outputs();
}

/** Keys bound by refs whose heads are bound: `a[i]` binds `i` (and `a[b[j]]` binds `j` too). */
export function outputVarsForTerms(terms: Term[], safe: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const visit = (t: Term): void => {
    switch (t.type) {
      case "ref":
        // Refs inside a computed head (`split(xs[_], "/")[0]`, `[xs[_]][0]`) bind their keys first, as they
        // do once OPA lifts the head into its own expression.
        visit(t.head);
        if (!refHeadBound(t.head, (v) => safe.has(v) || out.has(v))) return;
        for (const p of t.path) termVars(p, PATTERN, out);
        t.path.forEach(visit);
        break;
      case "call":
        t.args.forEach(visit);
        break;
      case "array":
      case "set":
        t.items.forEach(visit);
        break;
      case "object":
        for (const [k, v] of t.entries) {
          visit(k);
          visit(v);
        }
        break;
      default:
        break;
    }
  };
  terms.forEach(visit);
  return out;
}

function refHeadBound(head: Term, isSafe: (v: string) => boolean): boolean {
  if (head.type === "var") return isSafe(head.name);
  for (const v of termVars(head, SAFETY)) if (!isSafe(v)) return false;
  return true;
}

function outputVarsForEq(a: Term, b: Term, safe: ReadonlySet<string>): Set<string> {
  const known = outputVarsForTerms([a, b], safe);
  // Consulted, not copied: `safe` holds every variable bound before, so a copy per expression is quadratic.
  const unifier = new Unifier({ has: (v) => safe.has(v) || known.has(v) });
  unifier.unify(a, b);
  for (const v of unifier.unified) known.add(v);
  for (const v of known) if (safe.has(v)) known.delete(v);
  return known;
}

function outputVarsForCall(call: CallTerm, arity: number, safe: ReadonlySet<string>): Set<string> {
  const out = outputVarsForTerms(call.args, safe);
  if (call.args.length <= arity) return out;
  const inputs = new Set<string>();
  for (const a of call.args.slice(0, arity)) termVars(a, PATTERN, inputs);
  for (const v of inputs) if (!out.has(v) && !safe.has(v)) return new Set();
  for (const a of call.args.slice(arity)) termVars(a, PATTERN, out);
  return out;
}

/** OPA's unifier: which variables `a = b` binds given those already bound. */
class Unifier {
  readonly unified = new Set<string>();
  private readonly unknown = new Map<string, Set<string>>();

  constructor(private readonly safe: { has(v: string): boolean }) {}

  private isSafe(v: string): boolean {
    return this.safe.has(v) || this.unified.has(v);
  }

  unify(a: Term, b: Term): void {
    switch (a.type) {
      case "var":
        switch (b.type) {
          case "var":
            if (this.isSafe(b.name)) this.markSafe(a.name);
            else if (this.isSafe(a.name)) this.markSafe(b.name);
            else {
              this.markUnknown(a.name, b.name);
              this.markUnknown(b.name, a.name);
            }
            return;
          case "array":
          case "object":
            this.unifyAll(a.name, b);
            return;
          case "ref":
            if (refHeadBound(b.head, (v) => this.isSafe(v))) this.markSafe(a.name);
            return;
          default:
            this.markSafe(a.name);
            return;
        }
      case "ref":
        if (!refHeadBound(a.head, (v) => this.isSafe(v))) return;
        this.bindFromValue(b);
        return;
      case "arraycomp":
      case "setcomp":
      case "objectcomp":
      case "call":
      case "template":
        this.bindFromValue(b);
        return;
      case "array":
        switch (b.type) {
          case "var":
            this.unifyAll(b.name, a);
            return;
          case "arraycomp":
          case "setcomp":
          case "objectcomp":
          case "call":
          case "template":
            this.markAllSafe(a);
            return;
          case "ref":
            if (refHeadBound(b.head, (v) => this.isSafe(v))) this.markAllSafe(a);
            return;
          case "array":
            if (a.items.length === b.items.length) a.items.forEach((item, i) => this.unify(item, b.items[i]));
            return;
          default:
            return;
        }
      case "object":
        switch (b.type) {
          case "var":
            this.unifyAll(b.name, a);
            return;
          case "call":
          case "template":
            this.markAllSafe(a);
            return;
          case "ref":
            if (refHeadBound(b.head, (v) => this.isSafe(v))) this.markAllSafe(a);
            return;
          case "object":
            if (a.entries.length !== b.entries.length) return;
            for (const [k, v] of a.entries) {
              const match = b.entries.find(([k2]) => sameValue(k, k2));
              if (match) this.unify(v, match[1]);
            }
            return;
          default:
            return;
        }
      default:
        if (b.type === "var") this.markSafe(b.name);
        return;
    }
  }

  /** `a` is a known value: a var on the other side is bound, a pattern has all its variables bound. */
  private bindFromValue(b: Term): void {
    if (b.type === "var") this.markSafe(b.name);
    else if (b.type === "array" || b.type === "object") this.markAllSafe(b);
  }

  private markAllSafe(t: Term): void {
    for (const v of termVars(t, PATTERN)) this.markSafe(v);
  }

  private unifyAll(a: string, b: Term): void {
    if (this.isSafe(a)) {
      this.markAllSafe(b);
      return;
    }
    const pending = [...termVars(b, PATTERN)].filter((v) => !this.isSafe(v));
    if (pending.length === 0) this.markSafe(a);
    else for (const v of pending) this.markUnknown(a, v);
  }

  private markSafe(x: string): void {
    if (this.unified.has(x) && !this.unknown.has(x)) return;
    this.unified.add(x);
    const deps = this.unknown.get(x);
    this.unknown.delete(x);
    if (deps) for (const v of deps) this.markSafe(v);
    for (const [v, waiting] of this.unknown) {
      if (waiting.delete(x) && waiting.size === 0) this.markSafe(v);
    }
  }

  private markUnknown(a: string, b: string): void {
    let set = this.unknown.get(a);
    if (!set) {
      set = new Set();
      this.unknown.set(a, set);
    }
    set.add(b);
  }
}

/** Structural equality of ground terms (object keys), ignoring locations. */
function sameValue(a: Term, b: Term): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case "null":
      return true;
    case "boolean":
      return b.type === "boolean" && a.value === b.value;
    case "number":
      return b.type === "number" && Number(a.text) === Number(b.text);
    case "string":
      return b.type === "string" && a.value === b.value;
    case "var":
      return b.type === "var" && a.name === b.name;
    case "array":
      return b.type === "array" && a.items.length === b.items.length && a.items.every((x, i) => sameValue(x, b.items[i]));
    default:
      return false;
  }
}

