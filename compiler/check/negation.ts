/**
 * What OPA evaluates before a `not`: its compiler pulls nested calls (rewriteExprTerms) and then the refs in a
 * call's arguments (rewriteDynamicTerms) out of every expression into fresh variables bound just before it, so
 * for a negated expression they sit outside the negation. `not startswith(input.missing, "a")` is therefore
 * undefined, while `not input.missing == 1` (an equality: its sides stay in place) and `not input.missing` are
 * true. Runs on ordered (safe) bodies, so every variable the hoisted terms use is already bound.
 */
import type { Body, Expr, Term, VarTerm } from "../syntax/ast";
import { dottedName, pathRef } from "./walk";

/** Equalities keep ref operands in place (OPA rewrites `==` to `=` before hoisting dynamic terms). */
const EQUALITIES = new Set(["eq", "equal", "assign"]);
const NOT_HOISTED = new Set(["print", "internal.print"]);

export class NegationHoister {
  private count = 0;

  /** The body with each negated expression preceded by the bindings OPA evaluates outside the negation. */
  hoist(body: Body): Body {
    if (!body.some((e) => e.negated && e.body.type === "term")) return body;
    return body.flatMap((e) => (e.negated && e.body.type === "term" ? this.hoistExpr(e, e.body.term) : [e]));
  }

  private hoistExpr(expr: Expr, term: Term): Expr[] {
    const before: Expr[] = [];
    const bind = (t: Term): VarTerm => {
      const v: VarTerm = { type: "var", name: `$not${++this.count}`, loc: t.loc };
      const eq: Term = { type: "call", op: pathRef("eq", [], t.loc), args: [v, t], loc: t.loc };
      before.push({ negated: false, with: expr.with, body: { type: "term", term: eq, loc: t.loc }, loc: t.loc });
      return v;
    };
    let rewritten: Term;
    const name = term.type === "call" ? dottedName(term.op) : null;
    if (term.type === "call" && name !== null && NOT_HOISTED.has(name)) {
      return [expr];
    } else if (term.type === "call") {
      const args = term.args.map((a) => this.nestedCalls(a, bind));
      const equality = name !== null && EQUALITIES.has(name) && args.length === 2;
      rewritten = { ...term, args: args.map((a) => (equality ? this.dynamicParts(a, bind) : this.dynamic(a, bind))) };
    } else {
      rewritten = this.dynamicParts(this.nestedCalls(term, bind), bind);
    }
    if (before.length === 0) return [expr];
    return [...before, { ...expr, body: { type: "term", term: rewritten, loc: expr.body.loc } }];
  }

  /** rewriteExprTerms: a call nested in a term (or heading a ref) becomes a variable bound before the expression. */
  private nestedCalls(t: Term, bind: (t: Term) => VarTerm): Term {
    switch (t.type) {
      case "call":
        return bind({ ...t, args: t.args.map((a) => this.nestedCalls(a, bind)) });
      case "ref": {
        const path = t.path.map((p) => this.nestedCalls(p, bind));
        return { ...t, head: t.head.type === "call" ? this.nestedCalls(t.head, bind) : t.head, path };
      }
      case "array":
      case "set":
      case "object":
        return mapElements(t, (e) => this.nestedCalls(e, bind));
      default:
        return t;
    }
  }

  /** rewriteDynamicsInTerm: an operand that stays in place, with the refs inside its path or elements hoisted. */
  private dynamicParts(t: Term, bind: (t: Term) => VarTerm): Term {
    switch (t.type) {
      case "ref":
        return { ...t, path: t.path.map((p) => this.dynamic(p, bind)) };
      case "arraycomp":
      case "setcomp":
      case "objectcomp":
        return t;
      default:
        return this.dynamic(t, bind);
    }
  }

  /** rewriteDynamicsOne: refs and comprehensions, also inside collection literals, become bound variables. */
  private dynamic(t: Term, bind: (t: Term) => VarTerm): Term {
    switch (t.type) {
      case "ref":
        return bind({ ...t, path: t.path.map((p) => this.dynamic(p, bind)) });
      case "arraycomp":
      case "setcomp":
      case "objectcomp":
        return bind(t);
      case "array":
      case "set":
      case "object":
        return mapElements(t, (e) => this.dynamic(e, bind));
      default:
        return t;
    }
  }
}

/** A collection literal with each element (an object's keys and values too) replaced by `f`'s result. */
function mapElements(t: Term, f: (e: Term) => Term): Term {
  switch (t.type) {
    case "array":
    case "set":
      return { ...t, items: t.items.map(f) };
    case "object":
      return { ...t, entries: t.entries.map(([k, v]): [Term, Term] => [f(k), f(v)]) };
    default:
      return t;
  }
}
