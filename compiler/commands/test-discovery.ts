/**
 * Finds the tests in parsed modules as `opa test` does: every rule whose name (the ground prefix of its head)
 * has a part starting `test_` (or `todo_test_`, reported as skipped). Each definition of a repeated name is its
 * own test, reported as `test_x#01`, `test_x#02`…: since the compiler would join them into one rule, the
 * runner gives each repeat a name of its own in the source before compiling. A parameterised test
 * `test_x[name] if { … }` gets a companion rule collecting every case the body reaches once `name` is bound
 * (where OPA injects its `internal.test_case` call), so a case whose checks fail is reported as failed, not lost.
 */
import type { SourceFile } from "../index";
import type { Module, Rule, Term } from "../syntax/ast";

export interface DiscoveredTest {
  /** `data.pkg` */
  pkg: string;
  /** The name OPA reports: `test_x`, `test_x#01`, `a.test_x`. */
  name: string;
  /** The compiler entrypoint evaluating this definition, `pkg/test_x` (renamed for repeats). */
  entrypoint: string;
  file: string;
  row: number;
  col: number;
  skip: boolean;
  /** `test_x[name]`: a partial object whose keys are the cases (OPA's parameterised tests). */
  parameterised: boolean;
  /** For a parameterised test, the companion rule's entrypoint: the set of every case the body started. */
  casesEntrypoint?: string;
}

export interface Discovery {
  tests: DiscoveredTest[];
  /** The modules with repeated test names renamed. */
  sources: SourceFile[];
  /** The same, with the parameterised tests' companion rules added. */
  sourcesWithCases: SourceFile[];
}

const CASES_MARK = "__regoc_cases_";

const REPEAT_MARK = "__regoc_repeat_";

/** The rule's name parts up to and including the first `test_`/`todo_test_` part, or undefined when it is no test. */
function testPrefix(rule: Rule): { parts: string[]; index: number } | undefined {
  const parts: string[] = [];
  for (const [i, t] of rule.head.ref.entries()) {
    const n = groundName(t);
    if (n === undefined) return undefined;
    parts.push(n);
    if (n.startsWith("test_") || n.startsWith("todo_test_")) return { parts, index: i };
  }
  return undefined;
}

function groundName(t: Term): string | undefined {
  if (t.type === "var") return t.name;
  if (t.type === "string") return t.value;
  return undefined;
}

export function discoverTests(parsed: ReadonlyArray<{ source: SourceFile; module: Module | undefined }>): Discovery {
  const tests: DiscoveredTest[] = [];
  const seen = new Map<string, number>();
  const sources: SourceFile[] = [];
  const sourcesWithCases: SourceFile[] = [];
  for (const { source, module } of parsed) {
    if (!module) {
      sources.push(source);
      sourcesWithCases.push(source);
      continue;
    }
    const edits: Array<{ offset: number; end: number; text: string }> = [];
    const companions: string[] = [];
    for (const rule of module.rules) {
      const prefix = testPrefix(rule);
      if (!prefix || rule.head.args) continue;
      const key = [...module.package.path, ...prefix.parts].join("/");
      const repeat = seen.get(key) ?? 0;
      seen.set(key, repeat + 1);
      const last = prefix.parts[prefix.parts.length - 1];
      let entryParts = prefix.parts;
      let shown = prefix.parts.join(".");
      if (repeat > 0) {
        const term = rule.head.ref[prefix.index];
        const renamed = `${last}${REPEAT_MARK}${String(repeat).padStart(2, "0")}`;
        // Only a name written as itself can be renamed in place (`test_x`, `a.test_x`), which is every case seen.
        if (source.source.slice(term.loc.offset, term.loc.end) !== last) continue;
        edits.push({ offset: term.loc.offset, end: term.loc.end, text: renamed });
        entryParts = [...prefix.parts.slice(0, -1), renamed];
        shown = [...prefix.parts.slice(0, -1), `${last}#${String(repeat).padStart(2, "0")}`].join(".");
      }
      const parameterised = rule.head.ref.length > prefix.index + 1 && !rule.head.contains;
      const test: DiscoveredTest = {
        pkg: ["data", ...module.package.path].join("."),
        name: shown,
        entrypoint: [...module.package.path, ...entryParts].join("/"),
        file: source.file,
        row: rule.loc.row,
        col: rule.loc.col,
        skip: last.startsWith("todo_test_"),
        parameterised,
      };
      if (parameterised && module.regoVersion === 1 && rule.head.ref.length === prefix.index + 2 && prefix.parts.length === 1) {
        const companion = casesRule(rule, source.source, `${CASES_MARK}${entryParts[entryParts.length - 1]}`);
        if (companion) {
          companions.push(companion);
          test.casesEntrypoint = [...module.package.path, `${CASES_MARK}${entryParts[entryParts.length - 1]}`].join("/");
        }
      }
      tests.push(test);
    }
    let text = source.source;
    for (const e of edits.sort((a, b) => b.offset - a.offset)) text = text.slice(0, e.offset) + e.text + text.slice(e.end);
    sources.push(edits.length > 0 ? { ...source, source: text } : source);
    sourcesWithCases.push(companions.length > 0 ? { ...source, source: `${text}\n${companions.join("\n")}` } : sources[sources.length - 1]);
  }
  return { tests, sources, sourcesWithCases };
}

/** The names of the variables a node mentions. */
function varsIn(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) varsIn(n, out);
  else if (typeof node === "object" && node !== null) {
    const o = node as { type?: string; name?: string };
    if (o.type === "var" && typeof o.name === "string" && !o.name.startsWith("$")) out.add(o.name);
    for (const [k, v] of Object.entries(node)) if (k !== "loc") varsIn(v, out);
  }
  return out;
}

/**
 * `name contains <key> if { <the body up to where the key's variables are all bound> }`, as source text: the
 * cases a parameterised test started. Undefined when the key's variables are not bound by the body.
 */
function casesRule(rule: Rule, text: string, name: string): string | undefined {
  const key = rule.head.ref[rule.head.ref.length - 1];
  const keyVars = varsIn(key);
  if (keyVars.size === 0) return undefined;
  let last = -1;
  for (const v of keyVars) {
    const at = rule.body.findIndex((e) => e.body.type !== "some" && varsIn(e).has(v));
    if (at < 0) return undefined;
    last = Math.max(last, at);
  }
  const exprs = rule.body.slice(0, last + 1).map((e) => text.slice(e.loc.offset, e.loc.end));
  return `${name} contains ${text.slice(key.loc.offset, key.loc.end)} if {\n\t${exprs.join("\n\t")}\n}\n`;
}
