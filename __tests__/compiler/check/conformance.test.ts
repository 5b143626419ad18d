/**
 * Every module, query and input term of OPA's conformance suites (read in place from ../shared) must parse
 * and check without diagnostics: none of the cases expects a compile-time error.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { checkProgram, checkQuery } from "../../../compiler/check";
import { formatDiagnostic, type Diagnostic } from "../../../compiler/diagnostics";
import type { Module } from "../../../compiler/syntax/ast";
import { parseModule, parseQuery, parseTerm } from "../../../compiler/syntax/parser";
import { CONFORMANCE_DIR, describeWithConformance } from "../conformance-corpus";

const SHARED = CONFORMANCE_DIR ?? "";
/** The host builtins OPA's Wasm test cases register. */
const CUSTOM_BUILTINS = {
  custom_builtin_test: { arity: 1 },
  custom_builtin_test_impure: { arity: 0 },
  custom_builtin_test_memoization: { arity: 0 },
};

interface Case {
  note: string;
  query?: string;
  modules?: string[];
  input_term?: string;
}

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : e.name.endsWith(".yaml") ? [path.join(dir, e.name)] : []))
    .sort();
}

/** Parses and checks one case; returns its diagnostics as `file note: diagnostic` lines. */
function frontEnd(file: string, c: Case, counts: { modules: number; queries: number }): string[] {
  const problems: Diagnostic[] = [];
  const modules: Module[] = [];
  (c.modules ?? []).forEach((src, i) => {
    counts.modules++;
    const r = parseModule(src, `module-${i}.rego`);
    problems.push(...r.diagnostics);
    if (r.module) modules.push(r.module);
  });
  if (c.input_term !== undefined) problems.push(...parseTerm(c.input_term, "input_term").diagnostics);
  if (problems.length === 0) {
    const { program, diagnostics } = checkProgram(modules, { customBuiltins: CUSTOM_BUILTINS });
    problems.push(...diagnostics);
    if (c.query !== undefined) {
      counts.queries++;
      const q = parseQuery(c.query);
      problems.push(...q.diagnostics);
      if (q.query) problems.push(...checkQuery(q.query, program, { customBuiltins: CUSTOM_BUILTINS }).diagnostics);
    }
  }
  return problems.map((d) => `${path.relative(SHARED, file)} ${c.note}: ${formatDiagnostic(d)}`);
}

describeWithConformance().each([
  ["cases", 1800],
  ["wasm-cases", 369],
])("OPA conformance suite %s", (dir, expectedCases) => {
  it("parses and checks every module and query without diagnostics", () => {
    const root = path.join(SHARED, dir);
    expect(fs.existsSync(root)).toBe(true);
    const counts = { modules: 0, queries: 0 };
    let cases = 0;
    const problems: string[] = [];
    for (const file of yamlFiles(root)) {
      const doc = parseYaml(fs.readFileSync(file, "utf8")) as { cases?: Case[] };
      for (const c of doc.cases ?? []) {
        cases++;
        problems.push(...frontEnd(file, c, counts));
      }
    }
    expect(problems).toEqual([]);
    expect(cases).toBe(expectedCases);
    expect(counts.queries).toBe(expectedCases);
  });
});
