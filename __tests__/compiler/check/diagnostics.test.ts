/**
 * Every front-end diagnostic a user can meet, rendered as the compiler prints it (location, code, message,
 * source line, caret), pinned in a golden file. Regenerate with `UPDATE_GOLDEN=1 npx jest diagnostics`.
 */
import * as fs from "fs";
import * as path from "path";
import { checkProgram } from "../../../compiler/check";
import { renderDiagnostic, type Diagnostic } from "../../../compiler/diagnostics";
import { parseModule } from "../../../compiler/syntax/parser";

const GOLDEN = path.join(__dirname, "golden", "front-end-diagnostics.txt");

/** Each case is a module body (after `package test`). */
const CASES: Array<[string, string]> = [
  ["unexpected token", "p if { x = }"],
  ["unterminated array", "p := [1, 2\nq := 1"],
  ["missing separator", "p if { a b }"],
  ["empty comprehension body", "p := [x | ]"],
  ["non-terminated string", 'p := "abc'],
  ["illegal escape", 'p := "\\x"'],
  ["non-terminated raw string", "p := `abc"],
  ["illegal character", "p := 1 ^ 2"],
  ["leading zero", "p := 007"],
  ["bad template expression", 'p := $"{x := 1}"'],
  ["unterminated template expression", 'p := $"{x y}"'],
  ["rule without if", "p { true }"],
  ["partial set without contains", "p[x] { x := 1 }"],
  ["rule without value or body", "p"],
  ["contains on a function", "f(x) contains 1"],
  ["default without value", "default p"],
  ["default with a variable", "default p := [x]"],
  ["default with repeated args", "default f(x, x) := 1"],
  ["else without body", "p := 1 else := 2"],
  ["else on a multi-value rule", "p contains 1 if true else := 2"],
  ["else on a variable ref head", "p[x] := 1 if x := 1 else := 2"],
  ["negated some", "p if not some x"],
  ["every without body", "p if every x in [1]"],
  ["every with a pattern", "p if every [x] in [1] { x }"],
  ["import outside data/input", "import foo.bar"],
  ["import ending in a keyword", "import data.x.if"],
  ["unknown future keyword", "import future.keywords.maybe"],
  ["aliased future import", "import future.keywords.in as i"],
  ["bad rego import", "import rego.v2"],
  ["second package", "package other"],
  ["annotation scope mismatch", "# METADATA\n# scope: package\np := 1"],
  ["unknown annotation scope", "# METADATA\n# scope: everything\np := 1"],
  ["broken annotation YAML", "# METADATA\n# title: [unclosed\np := 1"],
  ["undefined function", "p if nope(1)"],
  ["too many arguments", "p if count([], n, m)"],
  ["too few arguments", "f(a, b) := a + b\np if f(1) == 1"],
  ["deprecated builtin", 'p if re_match("a", "b")'],
  ["bad with target", "p if { true with foo as 1 }"],
  ["conflicting kinds", "p := 1\np contains 2"],
  ["conflicting function arities", "f(x) := 1\nf(x, y) := 2"],
  ["rule inside a complete rule", "p.q := 1\np.q.r := 2"],
  ["multiple defaults", "default p := 1\ndefault p := 2"],
  ["rule shadowing input", "input := 1"],
  ["arg shadowing data", "f(data) := 1"],
  ["duplicate import", "import data.a.x\nimport data.b.x\np := 1"],
  ["assigned above", "p if { x := 1; x := 2 }"],
  ["referenced above", "p if { x == 1; x := 2 }"],
  ["declared above", "p if { some x; x := 2 }"],
  ["declared unused", "p if { some x; true }"],
  ["arg redeclared", "f(x) := 1 if { x := 2 }"],
  ["assign in negation", "p if { not x := 1 }"],
  ["assign to a constant", 'p if { "a" := 1 }'],
  ["variable shadowing input", "p if { input := 1 }"],
  ["unsafe var", "p if { x > 1 }"],
  ["unsafe head var", "p[x] := 1 if true"],
  ["unsafe with value", "p if { input.a with input as x }"],
  ["unsafe comprehension head", "p := [x | true]"],
  ["unsafe wildcard", "p if { _ > 1 }"],
  ["recursion", "p if q\nq if p"],
];

function render(): string {
  const out: string[] = [];
  for (const [name, body] of CASES) {
    const src = `package test\n${body}\n`;
    const parsed = parseModule(src, "test.rego");
    let diagnostics: Diagnostic[] = parsed.diagnostics;
    if (parsed.module) diagnostics = checkProgram([parsed.module]).diagnostics;
    out.push(`## ${name}`, ...diagnostics.map((d) => renderDiagnostic(d, { "test.rego": src })), "");
  }
  return out.join("\n");
}

describe("front-end diagnostics", () => {
  it("match the golden rendering", () => {
    const actual = render();
    if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(GOLDEN, actual);
    expect(actual).toBe(fs.readFileSync(GOLDEN, "utf8"));
  });

  it("give every case at least one diagnostic", () => {
    for (const [name, body] of CASES) {
      const parsed = parseModule(`package test\n${body}\n`, "test.rego");
      const count = parsed.module ? checkProgram([parsed.module]).diagnostics.length : parsed.diagnostics.length;
      expect([name, count > 0]).toEqual([name, true]);
    }
  });
});
