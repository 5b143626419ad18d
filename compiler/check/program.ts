/**
 * The checked program: what the check stage (`checkProgram`) hands the planner. Modules are resolved (every
 * rule and import reference spelt as a full `data…`/`input…` ref, every call's operator resolved to a user
 * function path or a builtin name), local variables renamed so each distinct variable of a rule or query has a
 * distinct name, and every body ordered so that each expression's inputs are bound by the expressions before it.
 */
import type { Body, Location, Module, Rule, Term } from "../syntax/ast";

/**
 * How a rule contributes to the document at its path.
 *  - `complete`: `p := v`, `p.q.r := v`, `p if …` — one value for the whole path; conflicts are errors.
 *  - `multi`: `p contains x`, `p.q contains x` — a set of all values of x.
 *  - `single-ref`: `p[k] := v`, `p.q[k].r := v`, `p[k] if …` — object entries under the path, keyed by the
 *    rule's `tail` terms (which contain variables or non-string constants).
 *  - `function`: `f(x) := v`.
 */
export type RuleKind = "complete" | "multi" | "single-ref" | "function";

export interface CheckedRule {
  /** The rule, rewritten as described in the file header. `else` clauses are rewritten the same way. */
  rule: Rule;
  /** The module it came from (resolved). */
  module: Module;
  kind: RuleKind;
  /**
   * The rule's ground path below `data`: the package path followed by the leading head-ref elements that are
   * string literals. `package a.b` + `p.q[r] := 1` gives `["a", "b", "p", "q"]`.
   */
  path: string[];
  /** The head-ref elements after `path` (empty for complete, multi and function rules). */
  tail: Term[];
  /** Position of the rule among all rules of the program, in source order: a stable id. */
  index: number;
}

export interface CheckedQuery {
  body: Body;
  /** Variables a result binding reports, in order of first appearance (user-written, not generated). */
  outputVars: string[];
  loc: Location;
}

export interface Program {
  modules: Module[];
  rules: CheckedRule[];
}
