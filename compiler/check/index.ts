/**
 * The check stage: takes parsed modules (or a query against a checked program) and produces the `Program` /
 * `CheckedQuery` the planner reads (`program.ts`), diagnostics sorted by location. Stages run in OPA's order
 * and stop after the first that reports errors: rules.ts + resolve.ts → locals.ts → safety.ts → recursion.ts.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics";
import type { Module, Query, Rule } from "../syntax/ast";
import { LocalRenamer } from "./locals";
import type { CheckedQuery, CheckedRule, Program } from "./program";
import { checkRecursion } from "./recursion";
import { resolveModules, resolveQuery } from "./resolve";
import { checkRules, classifyRule, ruleTail, type RuleInfo } from "./rules";
import { SafetyChecker } from "./safety";
import { Signatures, type CheckOptions } from "./signatures";

export type { CheckOptions } from "./signatures";

export function checkProgram(modules: Module[], opts: CheckOptions = {}): { program: Program; diagnostics: Diagnostic[] } {
  const infos: RuleInfo[] = [];
  for (const m of modules) for (const r of m.rules) infos.push(classifyRule(r, m, infos.length));
  const diagnostics = checkRules(infos, modules);
  const sigs = new Signatures(infos, opts);
  const resolved = resolveModules(modules, sigs);
  diagnostics.push(...resolved.diagnostics);

  let rules = resolved.modules.flatMap((m) => m.rules);
  if (!hasErrors(diagnostics)) {
    const renamer = new LocalRenamer(diagnostics);
    rules = rules.map((r) => renamer.renameRule(r));
    if (!hasErrors(diagnostics)) {
      const safety = new SafetyChecker(sigs, diagnostics, renamer.original);
      rules = rules.map((r) => safety.checkRule(r));
      if (!hasErrors(diagnostics)) {
        diagnostics.push(...checkRecursion(infos.map((info, i) => ({ rule: rules[i], kind: info.kind, path: info.path, index: i }))));
      }
    }
  }
  return { program: buildProgram(resolved.modules, infos, rules), diagnostics: sortDiagnostics(diagnostics) };
}

/** Checks a query against a program: resolves calls, renames locals, orders the body for safety. */
export function checkQuery(query: Query, program: Program, opts: CheckOptions = {}): { query: CheckedQuery; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const sigs = new Signatures(program.rules, opts);
  let body = resolveQuery(query.body, sigs, diagnostics);
  let outputVars: string[] = [];
  if (!hasErrors(diagnostics)) {
    const renamer = new LocalRenamer(diagnostics);
    const renamed = renamer.renameQuery(body);
    body = renamed.body;
    outputVars = renamed.outputVars;
    if (!hasErrors(diagnostics)) body = new SafetyChecker(sigs, diagnostics, renamer.original).checkQuery(body);
  }
  return { query: { body, outputVars, loc: query.loc }, diagnostics: sortDiagnostics(diagnostics) };
}

function buildProgram(modules: Module[], infos: RuleInfo[], rules: Rule[]): Program {
  const checkedModules: Module[] = [];
  const checked: CheckedRule[] = [];
  let i = 0;
  for (const m of modules) {
    const own = rules.slice(i, i + m.rules.length);
    const module: Module = { ...m, rules: own };
    checkedModules.push(module);
    for (const rule of own) {
      const info = infos[i];
      checked.push({ rule, module, kind: info.kind, path: info.path, tail: ruleTail(rule, info), index: i });
      i++;
    }
  }
  return { modules: checkedModules, rules: checked };
}
