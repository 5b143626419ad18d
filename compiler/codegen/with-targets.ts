/**
 * Finds every `with` target in a program before code generation, because a rule or function that some `with`
 * may replace needs a check at its entry, and every call of a replaceable function needs a dispatch. Targets
 * under `data` that hold values become override paths; functions and builtins become mock targets.
 */
import type { Body, Expr, RefTerm, Term, VarTerm } from "../syntax/ast";
import type { Program } from "../check/program";
import { buildRuleTree, findNode } from "./tree";

export interface WithTargets {
  /** `data` paths replaced by some `with` (keys are `pathKey`s), value paths only. */
  dataPaths: string[][];
  /** Function names (`data.a.f` as "data.a.f", builtins by name) replaced by some `with`. */
  functions: Set<string>;
  /** For each replaced function, the names the `with` values give (some may name functions, some values). */
  replacements: Map<string, string[]>;
}

/** The dotted name of a with target or call operator: `data.a.f`, `count`, `strings.replace_n`. */
export function refName(target: RefTerm | VarTerm): string | undefined {
  return refSegments(target)?.join(".");
}

/** The keys of a constant ref: `data.b["json.filter"]` is `["data", "b", "json.filter"]` (keys may hold dots). */
export function refSegments(target: RefTerm | VarTerm): string[] | undefined {
  if (target.type === "var") return [target.name];
  if (target.head.type !== "var") return undefined;
  const parts = [target.head.name];
  for (const p of target.path) {
    if (p.type !== "string") return undefined;
    parts.push(p.value);
  }
  return parts;
}

export function collectWithTargets(program: Program, extraBodies: readonly Body[]): WithTargets {
  const tree = buildRuleTree(program.rules);
  const dataKeys = new Map<string, string[]>();
  const functions = new Set<string>();
  const replacements = new Map<string, string[]>();
  const visitExpr = (expr: Expr): void => {
    for (const w of expr.with) {
      const name = refName(w.target);
      if (name === undefined || name === "input" || name.startsWith("input.")) continue;
      if (name === "data" || name.startsWith("data.")) {
        const path = refSegments(w.target)!.slice(1);
        const node = findNode(tree, path);
        if (node && node.kind === "function") functions.add(name);
        else dataKeys.set(JSON.stringify(path), path);
      } else {
        functions.add(name);
      }
      const replacement = w.value.type === "var" || w.value.type === "ref" ? refName(w.value) : undefined;
      if (functions.has(name) && replacement !== undefined) {
        replacements.set(name, [...(replacements.get(name) ?? []), replacement]);
      }
      visitTerm(w.value);
    }
  };
  const visitBody = (body: Body): void => {
    for (const expr of body) {
      visitExpr(expr);
      const b = expr.body;
      if (b.type === "term") visitTerm(b.term);
      else if (b.type === "somein") {
        visitTerm(b.collection);
      } else if (b.type === "every") {
        visitTerm(b.domain);
        visitBody(b.body);
      }
    }
  };
  const visitTerm = (t: Term): void => forEachNestedBody(t, visitBody);
  for (const rule of program.rules) {
    visitBody(rule.rule.body);
    for (const clause of rule.rule.else) visitBody(clause.body);
  }
  extraBodies.forEach(visitBody);
  return { dataPaths: [...dataKeys.values()], functions, replacements };
}

/** Calls `visit` on each body nested inside a term (comprehension bodies), at any depth. */
export function forEachNestedBody(term: Term, visit: (body: Body) => void): void {
  switch (term.type) {
    case "arraycomp":
    case "setcomp":
      forEachNestedBody(term.head, visit);
      visit(term.body);
      return;
    case "objectcomp":
      forEachNestedBody(term.key, visit);
      forEachNestedBody(term.value, visit);
      visit(term.body);
      return;
    case "array":
    case "set":
      term.items.forEach((t) => forEachNestedBody(t, visit));
      return;
    case "object":
      term.entries.forEach(([k, v]) => {
        forEachNestedBody(k, visit);
        forEachNestedBody(v, visit);
      });
      return;
    case "ref":
      forEachNestedBody(term.head, visit);
      term.path.forEach((t) => forEachNestedBody(t, visit));
      return;
    case "call":
      term.args.forEach((t) => forEachNestedBody(t, visit));
      return;
    case "template":
      for (const p of term.parts) {
        if (typeof p === "string") continue;
        if ("type" in p) forEachNestedBody(p, visit);
        else visit([p]);
      }
      return;
    default:
      return;
  }
}
