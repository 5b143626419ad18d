/**
 * Finds the tests in parsed modules as `opa test` does: every rule whose name (the ground prefix of its head)
 * has a part starting `test_` (or `todo_test_`, reported as skipped). Each definition of a repeated name is its
 * own test, reported as `test_x#01`, `test_x#02`…: since the compiler would join them into one rule, the
 * runner gives each repeat a name of its own in the source before compiling (`renameRepeatedTests`).
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
}

export interface Discovery {
  tests: DiscoveredTest[];
  /** The modules with repeated test names renamed. */
  sources: SourceFile[];
}

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
  for (const { source, module } of parsed) {
    if (!module) {
      sources.push(source);
      continue;
    }
    const edits: Array<{ offset: number; end: number; text: string }> = [];
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
      tests.push({
        pkg: ["data", ...module.package.path].join("."),
        name: shown,
        entrypoint: [...module.package.path, ...entryParts].join("/"),
        file: source.file,
        row: rule.loc.row,
        col: rule.loc.col,
        skip: last.startsWith("todo_test_"),
        parameterised: rule.head.ref.length > prefix.index + 1 && !rule.head.contains,
      });
    }
    let text = source.source;
    for (const e of edits.sort((a, b) => b.offset - a.offset)) text = text.slice(0, e.offset) + e.text + text.slice(e.end);
    sources.push(edits.length > 0 ? { ...source, source: text } : source);
  }
  return { tests, sources };
}
