/**
 * Plans rule bodies into Wasm, continuation-passing: each expression is emitted with the rest of the body nested
 * inside it, so iteration becomes a loop around "the rest" and failure is a branch to the innermost failure label
 * (the next iteration, or the end of the enclosing block). Terms, references into base and virtual documents,
 * unification, calls, negation, `every`, comprehensions and `with` live here; whole rules are in rules.ts.
 */
import type { Body, Expr, Location, RefTerm, Term, VarTerm } from "../syntax/ast";
import { Op } from "../wasm/encoding";
import { FunctionBuilder, Label } from "../wasm/function";
import { constantKey, isConstant, ModuleContext } from "./module";
import { hasDocument, hasValueRules, RuleNode } from "./tree";
import { refName } from "./with-targets";
import type { RuleFunctions } from "./rules";
import type { CheckedRule } from "../check/program";
import { planCall } from "./calls";
import { calleeOf } from "./callee";
import { planWith } from "./with";
import { exprSite, querySite } from "../trace/sites";

/** A value produced by planning a term: held in a local or (constants) in a global. */
export type Val = { readonly local: number } | { readonly global: number };

/** Comparisons used as a whole expression are planned as a branch on the runtime's compare, not a call. */
const COMPARISONS = new Set(["equal", "neq", "lt", "lte", "gt", "gte"]);

export class BodyPlanner {
  private readonly vars = new Map<string, number>();
  private bound = new Set<string>();
  /** Bumped whenever `bound` changes: the straight-line verdicts cached for terms hold until then. */
  private boundChanges = 0;
  private readonly straightLineCache = new WeakMap<Term, { at: number; straight: boolean }>();
  /** Where a failing expression branches: the innermost enclosing failure block or scan step. */
  fail!: Label;
  /** The rule being planned (for `rego.metadata.*`); undefined in queries. */
  rule?: CheckedRule;
  /**
   * When tracing, the local holding the id of the query the planned expressions belong to; -1 when not tracing
   * (or for bodies that report nothing).
   */
  query = -1;

  constructor(
    readonly ctx: ModuleContext,
    readonly fb: FunctionBuilder,
    readonly rules: RuleFunctions,
  ) {}

  // -------------------------------------------------------------------------------------------------------
  // Variables and values

  localFor(name: string): number {
    let local = this.vars.get(name);
    if (local === undefined) {
      local = this.fb.local();
      this.vars.set(name, local);
    }
    return local;
  }

  isBound(name: string): boolean {
    return this.bound.has(name);
  }

  /** Binds a variable to a value (copying it into the variable's local) for the rest of the plan. */
  bind(name: string, v: Val): void {
    this.load(v);
    this.fb.set(this.localFor(name));
    this.bound.add(name);
    this.boundChanges++;
  }

  /** Runs `plan` and forgets every binding it made afterwards: for scopes whose bindings must not leak. */
  scoped(plan: () => void): void {
    const saved = new Set(this.bound);
    plan();
    this.bound = saved;
    this.boundChanges++;
  }

  load(v: Val): void {
    if ("local" in v) this.fb.get(v.local);
    else this.fb.globalGet(v.global);
  }

  /** Copies the i32 on the stack into a fresh local. */
  temp(): Val {
    const local = this.fb.local();
    this.fb.set(local);
    return { local };
  }

  failIfZero(v: Val): void {
    this.load(v);
    this.fb.op(Op.I32Eqz).brIf(this.fail);
  }

  withFail(label: Label, plan: () => void): void {
    const saved = this.fail;
    this.fail = label;
    plan();
    this.fail = saved;
  }

  /** Emits `call rt(name)` on the given values; the result (if any) stays on the stack. */
  callRt(name: string, ...args: Array<Val | number>): void {
    for (const a of args) {
      if (typeof a === "number") this.fb.i32Const(a);
      else this.load(a);
    }
    this.fb.call(this.ctx.rt(name));
  }

  /**
   * Iterates over the elements of a collection (nothing for scalars). `body` is planned once with the key and
   * value of the current element; its failures continue with the next element.
   */
  scan(coll: Val, body: (key: () => Val, value: () => Val, next: Label) => void): void {
    const fb = this.fb;
    const count = fb.local();
    const pos = fb.local();
    const current = fb.local();
    this.callRt("rt_iter_count", coll);
    fb.set(count).i32Const(0).set(pos);
    fb.block((exit) =>
      fb.loop((top) => {
        fb.get(pos).get(count).op(Op.I32GeS).brIf(exit);
        fb.get(pos).set(current).get(pos).i32Const(1).op(Op.I32Add).set(pos);
        let keyVal: Val | undefined;
        let valueVal: Val | undefined;
        fb.block((next) =>
          this.withFail(next, () =>
            body(
              () => (keyVal ??= (this.callRt("rt_iter_key", coll, { local: current }), this.temp())),
              () => (valueVal ??= (this.callRt("rt_iter_value", coll, { local: current }), this.temp())),
              next,
            ),
          ),
        );
        fb.br(top);
      }),
    );
  }

  // -------------------------------------------------------------------------------------------------------
  // Bodies and expressions

  planBody(body: Body, k: () => void): void {
    this.planExprs(body, 0, k);
  }

  private planExprs(body: Body, i: number, k: () => void): void {
    // Expressions that neither iterate nor collect are planned one after another rather than each inside the
    // previous one's continuation, so long bodies do not exhaust the JS stack. A traced expression reports its
    // Redo when the rest of the body backtracks, so it needs the rest inside it.
    while (this.query < 0 && i < body.length && this.isStraightLineExpr(body[i])) {
      let continued = false;
      this.planExpr(body[i], () => {
        continued = true;
      });
      if (!continued) throw new CodegenError("internal: straight-line expression without a continuation", body[i]);
      i++;
    }
    if (i === body.length) k();
    else this.planBodyExpr(body[i], i, () => this.planExprs(body, i + 1, k));
  }

  /**
   * An expression of a body; when tracing, with OPA's events around it: `Eval` before it, `Redo` each time the
   * rest of the body backtracks into it, `Fail` when it has no solution at all.
   */
  private planBodyExpr(expr: Expr, index: number, k: () => void): void {
    const tracer = this.ctx.tracer;
    if (!tracer || this.query < 0 || expr.body.type === "some") return this.planExpr(expr, k);
    const fb = this.fb;
    const q = this.query;
    const outer = this.fail;
    const shown = tracer.shown.get(expr);
    tracer.event(fb, exprSite("Eval", expr, index, shown), q);
    const defined = fb.local();
    fb.i32Const(0).set(defined);
    fb.block((failed) =>
      this.withFail(failed, () =>
        this.planExpr(expr, () => {
          fb.i32Const(1).set(defined);
          const retry = this.fail;
          fb.block((backtracked) => this.withFail(backtracked, k));
          // As OPA's evalNot, a negation continues without a Redo of its own.
          if (!expr.negated) tracer.event(fb, exprSite("Redo", expr, index, shown), q);
          fb.br(retry);
        }),
      ),
    );
    fb.get(defined).op(Op.I32Eqz).ifElse(() => tracer.event(fb, exprSite("Fail", expr, index, shown), q));
    fb.br(outer);
  }

  /**
   * A nested query (a comprehension's, a negation's or an `every` body): when tracing it gets its own query id,
   * an `Enter`, and `Exit`/`Redo` around what each solution does (`solved(then)`).
   */
  traceQuery(body: Body, loc: Location, plan: (solved: (then: () => void) => void) => void): void {
    const tracer = this.ctx.tracer;
    if (!tracer || this.query < 0) return plan((then) => then());
    const fb = this.fb;
    const parent = this.query;
    const q = tracer.newQuery(fb);
    tracer.event(fb, querySite("Enter", body, loc), q, parent);
    this.query = q;
    plan((then) => {
      tracer.event(fb, querySite("Exit", body, loc), q);
      then();
      tracer.event(fb, querySite("Redo", body, loc), q);
    });
    this.query = parent;
  }

  /** Calls a rule's function; when tracing, the rule's bodies are children of this query. */
  callRule(fn: number): void {
    this.ctx.tracer?.beforeCall(this.fb, this.query);
    this.fb.call(fn);
  }

  /** Whether an expression's continuation runs once, after all of its code (negations run it after theirs). */
  private isStraightLineExpr(e: Expr): boolean {
    if (e.with.length > 0) return false;
    if (e.negated || e.body.type === "some") return true;
    if (e.body.type !== "term") return false;
    const t = e.body.term;
    if (t.type === "call") {
      const name = refName(t.op);
      if ((name === "eq" || name === "assign") && t.args.length === 2) {
        const [a, b] = t.args;
        const fresh = (x: Term): boolean => x.type === "var" && !this.bound.has(x.name) && x.name !== "input" && x.name !== "data";
        return (fresh(a) && this.isStraightLine(b)) || (fresh(b) && this.isStraightLine(a)) || (this.isStraightLine(a) && this.isStraightLine(b));
      }
    }
    return this.isStraightLine(t);
  }

  planExpr(expr: Expr, k: () => void): void {
    if (expr.with.length > 0) return this.planWith(expr, k);
    if (expr.negated) return this.planNot(expr, k);
    const b = expr.body;
    switch (b.type) {
      case "some":
        for (const v of b.vars) this.bound.delete(v.name);
        this.boundChanges++;
        return k();
      case "somein":
        return this.planTerm(b.collection, (coll) =>
          this.scan(coll, (key, value) => {
            const withValue = (): void => this.destructure(b.value, value(), k);
            if (b.key) this.destructure(b.key, key(), withValue);
            else withValue();
          }),
        );
      case "every":
        return this.planEvery(b.key, b.value, b.domain, b.body, k);
      case "term":
        return this.planTermExpr(b.term, k);
    }
  }

  private planTermExpr(t: Term, k: () => void): void {
    if (t.type === "call") {
      const name = refName(t.op);
      if ((name === "eq" || name === "assign") && t.args.length === 2) return this.unify(t.args[0], t.args[1], k);
      if (name !== undefined && COMPARISONS.has(name) && t.args.length === 2 && !this.ctx.withTargets.functions.has(name)) {
        return this.planTerms(t.args, ([a, b]) => {
          if (name === "equal" || name === "neq") {
            this.callRt("opa_value_equal", a, b);
            if (name === "equal") this.fb.op(Op.I32Eqz);
          } else {
            this.callRt("opa_value_compare", a, b);
            comparisonFails(this.fb, name);
          }
          this.fb.brIf(this.fail);
          k();
        });
      }
    }
    this.planTerm(t, (v) => {
      this.callRt("rt_is_false", v);
      this.fb.brIf(this.fail);
      k();
    });
  }

  private planNot(expr: Expr, k: () => void): void {
    const outer = this.fail;
    const negation: Body = [{ ...expr, negated: false }];
    this.scoped(() =>
      this.fb.block((inner) =>
        this.withFail(inner, () =>
          this.traceQuery(negation, expr.loc, (solved) =>
            this.planBodyExpr(negation[0], 0, () => solved(() => this.fb.br(outer))),
          ),
        ),
      ),
    );
    k();
  }

  private planEvery(key: VarTerm | null, value: VarTerm, domain: Term, body: Body, k: () => void): void {
    const outer = this.fail;
    this.planTerm(domain, (coll) => {
      // Only collections can be quantified over: `every` over a scalar fails, as in OPA.
      this.callRt("opa_value_type", coll);
      this.fb.i32Const(5).op(Op.I32LtS).brIf(this.fail);
      this.scoped(() =>
        this.scan(coll, (keyOf, valueOf, next) => {
          if (key) this.bind(key.name, keyOf());
          this.bind(value.name, valueOf());
          this.fb.block((bodyFailed) =>
            this.withFail(bodyFailed, () =>
              this.scoped(() =>
                this.traceQuery(body, domain.loc, (solved) => this.planBody(body, () => solved(() => this.fb.br(next)))),
              ),
            ),
          );
          this.fb.br(outer);
        }),
      );
      k();
    });
  }

  // -------------------------------------------------------------------------------------------------------
  // Unification

  /** Whether a term has an unbound variable where unification would bind it (not inside refs or calls). */
  needsBinding(t: Term): boolean {
    switch (t.type) {
      case "var":
        return !this.bound.has(t.name) && t.name !== "input" && t.name !== "data";
      case "array":
      case "set":
        return t.items.some((i) => this.needsBinding(i));
      case "object":
        return t.entries.some(([k, v]) => this.needsBinding(k) || this.needsBinding(v));
      default:
        return false;
    }
  }

  unify(a: Term, b: Term, k: () => void): void {
    const pa = this.needsBinding(a);
    const pb = this.needsBinding(b);
    if (!pa && !pb) {
      return this.planTerms([a, b], ([va, vb]) => {
        this.callRt("opa_value_equal", va, vb);
        this.fb.op(Op.I32Eqz).brIf(this.fail);
        k();
      });
    }
    if (pa && !pb) return this.planTerm(b, (vb) => this.destructure(a, vb, k));
    if (!pa && pb) return this.planTerm(a, (va) => this.destructure(b, va, k));
    if (a.type === "array" && b.type === "array") {
      if (a.items.length !== b.items.length) return this.alwaysFail(k);
      return this.unifyPairs(a.items.map((x, i) => [x, b.items[i]]), 0, k);
    }
    if (a.type === "object" && b.type === "object") {
      const pairs = matchObjectPatterns(a, b);
      if (!pairs) return this.alwaysFail(k);
      return this.unifyPairs(pairs, 0, k);
    }
    if (a.type === "var" || b.type === "var") {
      throw new CodegenError(`unsafe unification of unbound variables`, a);
    }
    return this.alwaysFail(k);
  }

  private unifyPairs(pairs: Array<[Term, Term]>, i: number, k: () => void): void {
    if (i === pairs.length) return k();
    this.unify(pairs[i][0], pairs[i][1], () => this.unifyPairs(pairs, i + 1, k));
  }

  /** A statically impossible unification: the expression always fails (the rest is still planned, unreachable). */
  private alwaysFail(k: () => void): void {
    this.fb.br(this.fail);
    k();
  }

  /** Unifies a pattern (possibly with unbound variables) with an evaluated value. */
  destructure(pattern: Term, v: Val, k: () => void): void {
    if (pattern.type === "var" && !this.bound.has(pattern.name) && pattern.name !== "input" && pattern.name !== "data") {
      this.bind(pattern.name, v);
      return k();
    }
    if (!this.needsBinding(pattern)) {
      return this.planTerm(pattern, (pv) => {
        this.callRt("opa_value_equal", pv, v);
        this.fb.op(Op.I32Eqz).brIf(this.fail);
        k();
      });
    }
    if (pattern.type === "array") {
      this.callRt("opa_value_type", v);
      this.fb.i32Const(5).op(Op.I32Ne).brIf(this.fail);
      this.callRt("opa_value_length", v);
      this.fb.i32Const(pattern.items.length).op(Op.I32Ne).brIf(this.fail);
      const step = (i: number): void => {
        if (i === pattern.items.length) return k();
        this.callRt("rt_array_get", v, i);
        this.destructure(pattern.items[i], this.temp(), () => step(i + 1));
      };
      return step(0);
    }
    if (pattern.type === "object") {
      this.callRt("opa_value_type", v);
      this.fb.i32Const(6).op(Op.I32Ne).brIf(this.fail);
      this.callRt("opa_value_length", v);
      this.fb.i32Const(pattern.entries.length).op(Op.I32Ne).brIf(this.fail);
      const step = (i: number): void => {
        if (i === pattern.entries.length) return k();
        const [keyTerm, valueTerm] = pattern.entries[i];
        this.planTerm(keyTerm, (key) => {
          this.callRt("opa_value_get", v, key);
          const elem = this.temp();
          this.failIfZero(elem);
          this.destructure(valueTerm, elem, () => step(i + 1));
        });
      };
      return step(0);
    }
    if (pattern.type === "set") {
      throw new CodegenError("sets cannot contain unbound variables", pattern);
    }
    throw new CodegenError(`cannot unify ${pattern.type} pattern`, pattern);
  }

  // -------------------------------------------------------------------------------------------------------
  // Terms

  /**
   * Evaluates several terms (call arguments, collection items). A term that needs a variable another term's ref
   * binds (`foo == input.foos[foo]`) waits until that ref has been planned; otherwise the order is as written.
   */
  planTerms(terms: readonly Term[], k: (vals: Val[]) => void): void {
    const vals: Val[] = [];
    const done = new Set<number>();
    // Terms before `pending` are all planned: the search for the next one starts there, so a literal of tens of
    // thousands of elements is planned in linear time.
    let pending = 0;
    const step = (): void => {
      for (;;) {
        if (done.size === terms.length) return k(vals);
        while (done.has(pending)) pending++;
        let next = -1;
        for (let i = pending; i < terms.length && next < 0; i++) {
          if (!done.has(i) && (this.isStraightLine(terms[i]) || !this.waitsForBinding(terms[i]))) next = i;
        }
        if (next < 0) next = pending;
        done.add(next);
        // Straight-line terms are planned in a loop, not nested in each other's continuations, so that long
        // literals and operator chains (`[e0, …, e699]`, `0 + 1 + … + 999`) do not exhaust the JS stack.
        if (this.isStraightLine(terms[next])) {
          vals[next] = this.straightLine(terms[next]);
          continue;
        }
        return this.planTerm(terms[next], (v) => {
          vals[next] = v;
          step();
        });
      }
    };
    step();
  }

  /**
   * Whether a term yields at most one value without iterating or binding: constants, bound variables, refs
   * with known keys into input or a bound value, and calls of non-relation functions on such terms.
   */
  private isStraightLine(t: Term): boolean {
    const cached = this.straightLineCache.get(t);
    if (cached && cached.at === this.boundChanges) return cached.straight;
    const straight = this.computeStraightLine(t);
    this.straightLineCache.set(t, { at: this.boundChanges, straight });
    return straight;
  }

  private computeStraightLine(t: Term): boolean {
    if (isConstant(t)) return true;
    switch (t.type) {
      case "var":
        return this.bound.has(t.name) || t.name === "input";
      case "ref":
        return (
          t.head.type === "var" &&
          (this.bound.has(t.head.name) || t.head.name === "input") &&
          t.path.every((p) => isConstant(p) || (p.type === "var" && this.bound.has(p.name)))
        );
      case "array":
      case "set":
        return t.items.every((i) => this.isStraightLine(i));
      case "object":
        return t.entries.every(([key, value]) => this.isStraightLine(key) && this.isStraightLine(value));
      case "call": {
        const name = refName(t.op);
        if (name === undefined || name.startsWith("rego.metadata.")) return false;
        const callee = calleeOf(this.ctx, t);
        return callee !== undefined && callee.kind !== "print" && !callee.relation && t.args.length === callee.arity && t.args.every((a) => this.isStraightLine(a));
      }
      default:
        return false;
    }
  }

  /** Plans a straight-line term: its continuation runs exactly once, after all of its code. */
  private straightLine(t: Term): Val {
    let result: Val | undefined;
    this.planTerm(t, (v) => {
      result = v;
    });
    if (result === undefined) throw new CodegenError("internal: straight-line term without a value", t);
    return result;
  }

  /** Whether evaluating a term needs a variable that is still unbound (outside ref keys, which bind it). */
  private waitsForBinding(t: Term): boolean {
    switch (t.type) {
      case "var":
        return this.needsBinding(t);
      case "ref":
        return this.waitsForBinding(t.head);
      case "array":
      case "set":
        return t.items.some((i) => this.waitsForBinding(i));
      case "object":
        return t.entries.some(([key, value]) => this.waitsForBinding(key) || this.waitsForBinding(value));
      case "call":
        return t.args.some((a) => this.waitsForBinding(a));
      default:
        return false;
    }
  }

  /** Evaluates a term; `k` is planned where it is defined (failures branch out, iteration loops around k). */
  planTerm(t: Term, k: (v: Val) => void): void {
    if (isConstant(t)) return k({ global: this.ctx.constant(t) });
    switch (t.type) {
      case "var":
        return this.planVar(t, k);
      case "ref":
        return this.planRef(t, k);
      case "array":
      case "set":
      case "object":
        if (this.isStraightLine(t)) return k(this.straightLineCollection(t));
        return this.planCollection(t, k);
      case "arraycomp":
      case "setcomp":
        return this.planCollectionComprehension(t.type, t.head, t.body, k);
      case "objectcomp":
        return this.planObjectComprehension(t.key, t.value, t.body, k);
      case "call":
        return this.planCall(t, k);
      case "template":
        return this.planTemplate(t.parts, k);
      default:
        throw new CodegenError(`unexpected ${t.type} term`, t);
    }
  }

  /**
   * A literal whose elements are straight-line: each element goes into the collection as soon as it is computed,
   * in the order `planTerms` would compute them, so its temporary is dead before the next element's and a literal
   * of any length needs a few Wasm locals, not one per element.
   */
  private straightLineCollection(t: Term & { type: "array" | "set" | "object" }): Val {
    if (t.type === "array") {
      this.callRt("opa_array_with_cap", t.items.length);
      const arr = this.temp();
      for (const item of t.items) this.callRt("opa_array_append", arr, this.straightLine(item));
      return arr;
    }
    if (t.type === "set") {
      this.callRt("opa_set");
      const set = this.temp();
      for (const item of t.items) this.callRt("opa_set_add", set, this.straightLine(item));
      return set;
    }
    this.callRt("opa_object");
    const obj = this.temp();
    for (const [key, value] of t.entries) {
      const kv = this.straightLine(key);
      this.callRt("opa_object_insert", obj, kv, this.straightLine(value));
    }
    return obj;
  }

  /** A literal with an element that iterates or binds: every element is planned first, nested in continuations. */
  private planCollection(t: Term & { type: "array" | "set" | "object" }, k: (v: Val) => void): void {
    switch (t.type) {
      case "array":
        return this.planTerms(t.items, (vals) => {
          this.callRt("opa_array_with_cap", vals.length);
          const arr = this.temp();
          for (const v of vals) this.callRt("opa_array_append", arr, v);
          k(arr);
        });
      case "set":
        return this.planTerms(t.items, (vals) => {
          this.callRt("opa_set");
          const set = this.temp();
          for (const v of vals) this.callRt("opa_set_add", set, v);
          k(set);
        });
      case "object":
        return this.planTerms(
          t.entries.flatMap(([key, value]) => [key, value]),
          (vals) => {
            this.callRt("opa_object");
            const obj = this.temp();
            for (let i = 0; i < vals.length; i += 2) this.callRt("opa_object_insert", obj, vals[i], vals[i + 1]);
            k(obj);
          },
        );
    }
  }

  private planVar(t: VarTerm, k: (v: Val) => void): void {
    if (this.bound.has(t.name)) return k({ local: this.localFor(t.name) });
    if (t.name === "input") {
      const v: Val = { global: this.ctx.gInput };
      this.failIfZero(v);
      return k(v);
    }
    if (t.name === "data") return this.planDataRef([], k);
    throw new CodegenError(`var ${t.name} is unsafe`, t);
  }

  private planCollectionComprehension(kind: "arraycomp" | "setcomp", head: Term, body: Body, k: (v: Val) => void): void {
    if (kind === "arraycomp") this.callRt("opa_array_with_cap", 0);
    else this.callRt("opa_set");
    const acc = this.temp();
    const add = kind === "arraycomp" ? "opa_array_append" : "opa_set_add";
    this.nested(() =>
      this.traceQuery(body, head.loc, (solved) =>
        this.planBody(body, () => solved(() => this.planTerm(head, (v) => this.callRt(add, acc, v)))),
      ),
    );
    k(acc);
  }

  private planObjectComprehension(key: Term, value: Term, body: Body, k: (v: Val) => void): void {
    this.callRt("opa_object");
    const acc = this.temp();
    this.nested(() =>
      this.traceQuery(body, key.loc, (solved) =>
        this.planBody(body, () =>
          solved(() =>
            this.planTerms([key, value], ([kv, vv]) => {
              this.callRt("rt_object_insert_unique", acc, kv, vv);
              this.fb.ifElse(() => this.abort(`object insert conflict`, key));
            }),
          ),
        ),
      ),
    );
    k(acc);
  }

  /** Plans a closed sub-body (comprehension, collected `with`) in its own failure block and binding scope. */
  nested(plan: () => void): void {
    this.scoped(() => this.fb.block((done) => this.withFail(done, plan)));
  }

  /**
   * A template string: literal parts as they are, each embedded expression's value (strings as they are, other
   * values in Rego syntax, by the runtime) or `<undefined>` where it has none.
   */
  private planTemplate(parts: Array<string | Term | Expr>, k: (v: Val) => void): void {
    const terms = parts.filter((p): p is Term | Expr => typeof p !== "string");
    this.collectEach(terms, (values) => {
      this.callRt("opa_array_with_cap", parts.length);
      const arr = this.temp();
      let j = 0;
      for (const p of parts) {
        if (typeof p === "string") this.callRt("opa_array_append", arr, { global: this.ctx.stringConstant(p) });
        else this.callRt("opa_array_append", arr, values[j++]);
      }
      this.callRt("rt_template_string", arr);
      const out = this.temp();
      this.failIfZero(out);
      k(out);
    });
  }

  /**
   * Evaluates each term to one value, or the string `<undefined>` where it has none, as `print` and template
   * strings show them (the runtime prints strings as they are, other values in Rego syntax). An embedded
   * expression with `with` modifiers is evaluated under them.
   */
  collectEach(terms: ReadonlyArray<Term | Expr>, k: (values: Val[]) => void): void {
    const values: Val[] = [];
    const undefinedText = this.ctx.stringConstant("<undefined>");
    for (const t of terms) {
      const value = this.fb.local();
      this.fb.globalGet(undefinedText).set(value);
      if ("type" in t) {
        this.nested(() =>
          this.planTerm(t, (v) => {
            this.load(v);
            this.fb.set(value);
          }),
        );
      } else if (t.body.type === "term") {
        const holder: VarTerm = { type: "var", name: `$template${this.fb.localCount}`, loc: t.loc };
        const assign: Term = { type: "call", op: { type: "ref", head: { type: "var", name: "eq", loc: t.loc }, path: [], loc: t.loc }, args: [holder, t.body.term], loc: t.loc };
        this.nested(() =>
          this.planExpr({ ...t, body: { type: "term", term: assign, loc: t.loc } }, () => {
            this.fb.get(this.localFor(holder.name)).set(value);
          }),
        );
      } else {
        throw new CodegenError("a template can only embed terms", t);
      }
      values.push({ local: value });
    }
    k(values);
  }

  // -------------------------------------------------------------------------------------------------------
  // References

  planRef(ref: RefTerm, k: (v: Val) => void): void {
    const head = ref.head;
    if (head.type === "var" && !this.bound.has(head.name)) {
      if (head.name === "data") return this.planDataRef(ref.path, k);
      if (head.name === "input") {
        const base: Val = { global: this.ctx.gInput };
        this.failIfZero(base);
        return this.walk(base, ref.path, 0, k);
      }
    }
    this.planTerm(head, (base) => this.walk(base, ref.path, 0, k));
  }

  /** Follows `path[i..]` from a value: lookups for known keys, scans for unbound ones. */
  walk(base: Val, path: readonly Term[], i: number, k: (v: Val) => void): void {
    if (i === path.length) return k(base);
    const e = path[i];
    if (e.type === "var" && !this.bound.has(e.name) && e.name !== "input" && e.name !== "data") {
      return this.scan(base, (key, value) => {
        this.bind(e.name, key());
        this.walk(value(), path, i + 1, k);
      });
    }
    if (this.needsBinding(e)) {
      return this.scan(base, (key, value) => this.destructure(e, key(), () => this.walk(value(), path, i + 1, k)));
    }
    this.planTerm(e, (key) => {
      this.callRt("opa_value_get", base, key);
      const v = this.temp();
      this.failIfZero(v);
      this.walk(v, path, i + 1, k);
    });
  }

  /** A reference under `data`: static descent through the rule tree, then rule values or base documents. */
  planDataRef(path: readonly Term[], k: (v: Val) => void): void {
    let node: RuleNode = this.ctx.tree;
    let i = 0;
    for (;;) {
      if (hasValueRules(node)) {
        this.callRule(this.rules.valueFunction(node));
        const v = this.temp();
        this.failIfZero(v);
        return this.walk(v, path, i, k);
      }
      if (i === path.length) {
        const v = this.nodeValue(node);
        this.failIfZero(v);
        return k(v);
      }
      const e = path[i];
      if (e.type === "string") {
        const child = node.children.get(e.value);
        if (child && hasDocument(child)) {
          node = child;
          i++;
          continue;
        }
        const v = this.baseDocument([...node.path, e.value]);
        return this.walk(v, path, i + 1, k);
      }
      if (this.needsBinding(e) || (e.type === "var" && !this.bound.has(e.name))) {
        // Only the parts of the document the rest of the path can reach are built.
        const reach = path.slice(i).map((t) => (t.type === "string" ? t.value : null));
        const v = this.nodeValue(node, reach);
        this.failIfZero(v);
        return this.walk(v, path, i, k);
      }
      return this.planTerm(e, (key) => this.walk(this.dispatchChild(node, key), path, i + 1, k));
    }
  }

  /**
   * `data.a[k]` with k known only at run time: the child named k, found by comparing k with each child's name,
   * so only that child's document is built (not the whole of `data.a`, which may contain the rule asking).
   * A key naming no child is looked up in the base document.
   */
  private dispatchChild(node: RuleNode, key: Val): Val {
    const fb = this.fb;
    const v = fb.local();
    fb.block((done) => {
      for (const [segment, child] of node.children) {
        if (!hasDocument(child)) continue;
        this.callRt("opa_value_equal", key, { global: this.ctx.stringConstant(segment) });
        fb.ifElse(() => {
          this.callRule(hasValueRules(child) ? this.rules.valueFunction(child) : this.rules.materializeFunction(child));
          fb.set(v).br(done);
        });
      }
      const base = this.baseDocument(node.path, false);
      this.load(base);
      fb.ifElse(
        () => {
          this.callRt("opa_value_get", base, key);
          fb.set(v);
        },
        () => fb.i32Const(0).set(v),
      );
    });
    this.failIfZero({ local: v });
    return { local: v };
  }

  /** The whole document at a node: its rules' values merged into the base document. */
  private nodeValue(node: RuleNode, reach: ReadonlyArray<string | null> = []): Val {
    if (!hasDocument(node)) return this.baseDocument(node.path, false);
    this.callRule(this.rules.materializeFunction(node, reach));
    return this.temp();
  }

  /** Looks up a base document by a static path; fails (or, with `failing` false, yields 0) when absent. */
  baseDocument(path: readonly string[], failing = true): Val {
    const fb = this.fb;
    const cur = fb.local();
    fb.globalGet(this.ctx.gData).set(cur);
    if (path.length === 0) return { local: cur };
    fb.block((absent) => {
      for (const segment of path) {
        fb.get(cur).op(Op.I32Eqz).brIf(absent);
        fb.get(cur).globalGet(this.ctx.stringConstant(segment)).call(this.ctx.rt("opa_value_get")).set(cur);
      }
    });
    if (failing) this.failIfZero({ local: cur });
    return { local: cur };
  }

  // -------------------------------------------------------------------------------------------------------
  // Calls and with (calls.ts, with.ts)

  planCall(call: Term & { type: "call" }, k: (v: Val) => void): void {
    planCall(this, call, k);
  }

  private planWith(expr: Expr, k: () => void): void {
    planWith(this, expr, k);
  }

  /** The names bound at this point of the plan. */
  boundNames(): Set<string> {
    return new Set(this.bound);
  }

  // -------------------------------------------------------------------------------------------------------
  // Errors

  /** Aborts evaluation with `<file>:<row>:<col>: <message>`, as OPA's Wasm modules report runtime errors. */
  abort(message: string, at: { loc: { file: string; row: number; col: number } }): void {
    const ptr = this.ctx.message(`${at.loc.file}:${at.loc.row}:${at.loc.col}: ${message}`);
    this.fb.i32Const(ptr).call(this.ctx.rt("rt_abort"));
  }
}

/** Leaves 1 on the stack when a comparison result (from opa_value_compare) means the comparison is false. */
function comparisonFails(fb: FunctionBuilder, name: string): void {
  switch (name) {
    case "lt":
      fb.i32Const(0).op(Op.I32GeS);
      return;
    case "lte":
      fb.i32Const(0).op(Op.I32GtS);
      return;
    case "gt":
      fb.i32Const(1).op(Op.I32LtS);
      return;
    case "gte":
      fb.i32Const(0).op(Op.I32LtS);
      return;
  }
}

/** Pairs the entries of two object patterns by constant key; undefined when their key sets differ. */
function matchObjectPatterns(a: Term & { type: "object" }, b: Term & { type: "object" }): Array<[Term, Term]> | undefined {
  if (a.entries.length !== b.entries.length) return undefined;
  const pairs: Array<[Term, Term]> = [];
  for (const [ka, va] of a.entries) {
    if (!isConstant(ka)) return undefined;
    const match = b.entries.find(([kb]) => isConstant(kb) && constantKey(kb) === constantKey(ka));
    if (!match) return undefined;
    pairs.push([va, match[1]]);
  }
  return pairs;
}


export class CodegenError extends Error {
  constructor(
    message: string,
    readonly at: { loc: Term["loc"] },
  ) {
    super(message);
  }
}
