/**
 * Safety: takes renamed rules and queries and reorders every body, stably, so each expression's inputs are
 * bound before it (OPA's reorderBodyForSafety); closures (comprehensions, `every` bodies, template parts) are
 * checked with what precedes them as globals, and head terms that compute are moved into the body. Unbound
 * variables are `rego_unsafe_var_error`s at the variable. Ordered bodies get OPA's hoisting of terms out of
 * negations (`negation.ts`). Fourth check stage.
 */
import { diagnostic, type Diagnostic } from "../diagnostics";
import type { Body, ElseClause, Expr, Location, Rule, Term } from "../syntax/ast";
import { NegationHoister } from "./negation";
import { closureVars, outputVarsForExpr } from "./outputs";
import type { Signatures } from "./signatures";
import { bodyVars, exprVars, findVar, isExpr, isFunctionValue, SAFETY, termVars } from "./walk";

interface UnsafeVar {
  name: string;
  expr: Expr | null;
  loc: Location;
}

interface Reordered {
  body: Body;
  unsafe: UnsafeVar[];
}

const ROOTS = ["input", "data"];

export class SafetyChecker {
  private headVars = 0;
  private readonly negations = new NegationHoister();

  constructor(
    private readonly sigs: Signatures,
    private readonly diagnostics: Diagnostic[],
    /** Generated name → user's name, to name renamed variables in messages. */
    private readonly original: ReadonlyMap<string, string>,
  ) {}

  checkRule(rule: Rule): Rule {
    const args = new Set<string>(ROOTS);
    for (const a of rule.head.args ?? []) termVars(a, {}, args);
    const headTerms = [...rule.head.ref.slice(1), ...(rule.head.key ? [rule.head.key] : []), ...(rule.head.value ? [rule.head.value] : [])];
    const main = this.checkClause(rule.body, headTerms, args);
    const head = {
      ...rule.head,
      ref: [rule.head.ref[0], ...main.head.slice(0, rule.head.ref.length - 1)],
      key: rule.head.key ? main.head[rule.head.ref.length - 1] : null,
      value: rule.head.value ? main.head[main.head.length - 1] : null,
    };
    const elses = rule.else.map((clause): ElseClause => {
      const checked = this.checkClause(clause.body, clause.value ? [clause.value] : [], args);
      return { ...clause, body: checked.body, value: clause.value ? checked.head[0] : null };
    });
    return { ...rule, head, body: main.body, else: elses };
  }

  checkQuery(body: Body): Body {
    const result = this.reorder(body, new Set(ROOTS));
    this.report(result.unsafe);
    return result.unsafe.length > 0 ? body : result.body;
  }

  /**
   * A rule body (or else clause) with the head terms whose variables it must bind. Head terms that compute
   * something (refs, calls, comprehensions, template strings) become a fresh variable bound by an expression
   * appended to the body, as OPA's rewriteRefsInHead does: `q := xs[_]` is `q := $head1 if { $head1 = xs[_] }`,
   * so the body's ordering and safety cover them.
   */
  private checkClause(original: Body, headTerms: Term[], globals: Set<string>): { body: Body; head: Term[] } {
    const body = [...original];
    headTerms = headTerms.map((t) => {
      if (!requiresEval(t)) return t;
      const v: Term = { type: "var", name: `$head${++this.headVars}`, loc: t.loc };
      const eq: Term = { type: "call", op: { type: "ref", head: { type: "var", name: "eq", loc: t.loc }, path: [], loc: t.loc }, args: [v, t], loc: t.loc };
      body.push({ negated: false, with: [], body: { type: "term", term: eq, loc: t.loc }, loc: t.loc });
      return v;
    });
    const result = this.reorder(body, globals);
    const bound = bodyVars(body, SAFETY, new Set(globals));
    const unsafe = [...result.unsafe];
    for (const t of headTerms) {
      for (const v of termVars(t, SAFETY)) {
        if (!bound.has(v)) unsafe.push({ name: v, expr: null, loc: findVar(t, v) ?? t.loc });
      }
    }
    const closureGlobals = new Set([...bound]);
    const head = headTerms.map((t) => this.closuresInTerm(t, closureGlobals, unsafe));
    this.report(unsafe);
    return { body: result.unsafe.length > 0 ? body : result.body, head };
  }

  /** OPA's reorderBodyForSafety, then the closures of each expression with what precedes it as globals. */
  private reorder(body: Body, globals: ReadonlySet<string>): Reordered {
    const inBody = bodyVars(body, SAFETY);
    const safe = new Set<string>();
    const unsafe = new Map<Expr, Set<string>>();
    for (const e of body) {
      const own = new Set<string>();
      for (const v of exprVars(e, SAFETY)) {
        if (globals.has(v)) safe.add(v);
        else own.add(v);
      }
      if (own.size > 0) unsafe.set(e, own);
    }
    const placed = new Set<Expr>();
    const order: Expr[] = [];
    for (;;) {
      const before = order.length;
      for (const e of body) {
        if (placed.has(e)) continue;
        const outputs = outputVarsForExpr(e, safe, this.sigs);
        const captured = new Set<string>();
        for (const v of closureVars(e)) if (inBody.has(v) && !globals.has(v) && !safe.has(v)) captured.add(v);
        if (captured.size > 0) {
          if (sameSet(captured, outputs)) continue;
          unsafe.set(e, captured);
        }
        const pending = unsafe.get(e);
        if (pending) for (const v of [...pending]) if (outputs.has(v) || safe.has(v)) pending.delete(v);
        if (!pending || pending.size === 0) {
          unsafe.delete(e);
          placed.add(e);
          order.push(e);
          for (const v of outputs) safe.add(v);
        }
      }
      if (order.length === before) break;
    }
    const problems: UnsafeVar[] = [];
    for (const e of body) {
      const vars = unsafe.get(e);
      if (!placed.has(e) && vars) for (const v of vars) problems.push({ name: v, expr: e, loc: findVar(e, v) ?? e.loc });
    }
    // The closure checks only read `g` (copying it where they add variables), so it is passed as is, not copied
    // per expression: a body of tens of thousands of expressions is checked in linear time.
    const g = new Set(globals);
    const out = order.map((e, i) => {
      if (i > 0) exprVars(order[i - 1], SAFETY, g);
      return this.closuresInExpr(e, g, problems);
    });
    for (const e of body) if (!placed.has(e)) out.push(this.closuresInExpr(e, g, problems));
    return { body: problems.length > 0 ? out : this.negations.hoist(out), unsafe: problems };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Closures

  private closuresInExpr(e: Expr, g: ReadonlySet<string>, unsafe: UnsafeVar[]): Expr {
    const withs = e.with.map((w) => (isFunctionValue(w.value) ? w : { ...w, value: this.closuresInTerm(w.value, g, unsafe) }));
    const b = e.body;
    switch (b.type) {
      case "term":
        return { ...e, with: withs, body: { ...b, term: this.closuresInTerm(b.term, g, unsafe) } };
      case "somein":
        return {
          ...e,
          with: withs,
          body: {
            ...b,
            key: b.key && this.closuresInTerm(b.key, g, unsafe),
            value: this.closuresInTerm(b.value, g, unsafe),
            collection: this.closuresInTerm(b.collection, g, unsafe),
          },
        };
      case "every": {
        const domain = this.closuresInTerm(b.domain, g, unsafe);
        const inner = new Set(g);
        if (b.key) inner.add(b.key.name);
        inner.add(b.value.name);
        const result = this.reorder(b.body, inner);
        unsafe.push(...result.unsafe);
        return { ...e, with: withs, body: { ...b, domain, body: result.unsafe.length > 0 ? b.body : result.body } };
      }
      default:
        return { ...e, with: withs };
    }
  }

  private closuresInTerm(t: Term, g: ReadonlySet<string>, unsafe: UnsafeVar[]): Term {
    switch (t.type) {
      case "ref":
        return { ...t, head: this.closuresInTerm(t.head, g, unsafe), path: t.path.map((p) => this.closuresInTerm(p, g, unsafe)) };
      case "call":
        return { ...t, args: t.args.map((a) => this.closuresInTerm(a, g, unsafe)) };
      case "array":
        return { ...t, items: t.items.map((i) => this.closuresInTerm(i, g, unsafe)) };
      case "set":
        return { ...t, items: t.items.map((i) => this.closuresInTerm(i, g, unsafe)) };
      case "object":
        return {
          ...t,
          entries: t.entries.map(([k, v]): [Term, Term] => [this.closuresInTerm(k, g, unsafe), this.closuresInTerm(v, g, unsafe)]),
        };
      case "arraycomp":
      case "setcomp": {
        const body = this.comprehensionBody(t.body, [t.head], g, unsafe);
        const headGlobals = bodyVars(t.body, SAFETY, new Set(g));
        return { ...t, head: this.closuresInTerm(t.head, headGlobals, unsafe), body };
      }
      case "objectcomp": {
        const body = this.comprehensionBody(t.body, [t.key, t.value], g, unsafe);
        const headGlobals = bodyVars(t.body, SAFETY, new Set(g));
        return { ...t, key: this.closuresInTerm(t.key, headGlobals, unsafe), value: this.closuresInTerm(t.value, headGlobals, unsafe), body };
      }
      case "template":
        return {
          ...t,
          parts: t.parts.map((p) => {
            if (typeof p === "string") return p;
            const expr: Expr = isExpr(p) ? p : { negated: false, with: [], body: { type: "term", term: p, loc: p.loc }, loc: p.loc };
            const result = this.reorder([expr], g);
            unsafe.push(...result.unsafe);
            const checked = result.body[0];
            if (isExpr(p)) return checked;
            return checked.body.type === "term" ? checked.body.term : p;
          }),
        };
      default:
        return t;
    }
  }

  /** A comprehension's head variables must be bound by its body or by the variables it closes over. */
  private comprehensionBody(body: Body, head: Term[], g: ReadonlySet<string>, unsafe: UnsafeVar[]): Body {
    const bound = bodyVars(body, SAFETY, new Set(g));
    for (const t of head) {
      for (const v of termVars(t, SAFETY)) if (!bound.has(v)) unsafe.push({ name: v, expr: null, loc: findVar(t, v) ?? t.loc });
    }
    const result = this.reorder(body, g);
    unsafe.push(...result.unsafe);
    return result.unsafe.length > 0 ? body : result.body;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reporting

  /**
   * One error per unsafe user variable. Generated variables (wildcards) mean nothing to the user, so when
   * only they are unsafe the expression is reported instead, as OPA does.
   */
  private report(unsafe: UnsafeVar[]): void {
    const named = new Map<string, Location>();
    const generated: Array<{ expr: Expr | null; loc: Location }> = [];
    for (const u of unsafe) {
      const name = this.original.get(u.name) ?? u.name;
      if (name.startsWith("$")) generated.push({ expr: u.expr, loc: u.expr?.loc ?? u.loc });
      else if (!named.has(name)) named.set(name, u.loc);
    }
    for (const [name, loc] of named) this.diagnostics.push(diagnostic("rego_unsafe_var_error", `var ${name} is unsafe`, loc));
    if (named.size > 0) return;
    const seen = new Set<Expr | null>();
    for (const g of generated) {
      if (g.expr && seen.has(g.expr)) continue;
      seen.add(g.expr);
      this.diagnostics.push(diagnostic("rego_unsafe_var_error", "expression is unsafe", g.loc));
    }
  }
}

/** Whether a head term computes something: it contains a ref, call, comprehension or template string. */
/** Whether a term computes a value (a ref, call, comprehension or template inside), rather than being a pattern. */
export function requiresEval(t: Term): boolean {
  switch (t.type) {
    case "ref":
    case "call":
    case "arraycomp":
    case "setcomp":
    case "objectcomp":
    case "template":
      return true;
    case "array":
    case "set":
      return t.items.some(requiresEval);
    case "object":
      return t.entries.some(([k, v]) => requiresEval(k) || requiresEval(v));
    default:
      return false;
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const v of a) if (!b.has(v)) return false;
  return true;
}
