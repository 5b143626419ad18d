/**
 * The test-support Rego formatter behind Regal's `regal.is_formatted` (scripts/realworld/rego-format.ts): OPA's
 * `opa fmt` layout for v1 and v0 modules, loud failure outside what it implements, and Regal's own bundle sources
 * (formatted with `opa fmt` upstream) all judged formatted. Expected layouts follow OPA's format rules
 * (v1/format/format.go) and its test files (v1/format/testfiles).
 */
import * as fs from "fs";
import * as path from "path";
import { FormatError, UnsupportedFormatError, formatRego, isFormatted } from "../../scripts/realworld/rego-format";

describe("formatRego (opa fmt layout)", () => {
  it("Regal's opa-fmt test inputs: formatted v1 and v0 sources, trailing spaces and a v1 rule under v0", () => {
    expect(isFormatted("package p\n", 1)).toBe(true);
    expect(isFormatted("package p    ", 1)).toBe(false);
    expect(isFormatted('package p\n\none["1"]\n', 0)).toBe(true);
    // `contains` is no keyword in v0 without an import: OPA's parser fails, and so does the formatter.
    expect(() => formatRego("package p\n\none contains 1\n", 0)).toThrow(FormatError);
  });

  it("writes v1 heads with `:=`, `if` and `contains`, one body expression per tab-indented line", () => {
    const src = "package p\nimport data.b\nimport data.a\np = 1\nq[x] { x := input[_]\n y := 2 }\nf(x) = y { y := x }\n";
    expect(() => formatRego(src, 1)).toThrow(FormatError); // v1 needs `if`/`contains`
    const v0 = formatRego(src, 0);
    expect(v0).toBe("package p\n\nimport data.a\nimport data.b\n\np = 1\n\nq[x] {\n\tx := input[_]\n\ty := 2\n}\n\nf(x) = y {\n\ty := x\n}\n");
    const v1 = "package p\n\nimport data.a\n\np = 1\n\nq contains x if { x := input[_]; y := 2 }\n\nf(x) = y if y := x\n";
    expect(formatRego(v1, 1)).toBe("package p\n\nimport data.a\n\np := 1\n\nq contains x if {\n\tx := input[_]\n\ty := 2\n}\n\nf(x) := y if y := x\n");
  });

  it("keeps comments at their places, groups adjacent one-liners and collapses extra blank lines", () => {
    const src = "package p\n\n# about a\na := 1 # one\nb := 2\n\n\n\nc if {\n\t# first\n\tinput.x\n\n\tinput.y # why\n}\n";
    expect(formatRego(src, 1)).toBe("package p\n\n# about a\na := 1 # one\nb := 2\n\nc if {\n\t# first\n\tinput.x\n\n\tinput.y # why\n}\n");
  });

  it("lays out collections, calls, comprehensions, `some`/`every`/`with` and `else` by the source rows", () => {
    const src = [
      "package p",
      "",
      "x := [1,",
      "  2]",
      "",
      "y := {\"a\": 1, \"b\": [v | some v in input.v; v > 1]}",
      "",
      "z if {",
      "\tevery k, v in input.o { k == v }",
      "\tcount(input.v) > 1 with input as {}",
      "\t\twith data.q as 1",
      "}",
      "",
      "w := 1 if input.a",
      "else := 2",
      "",
      "s := `raw \\n` if input[\"if\"] == input.b[\"c-d\"]",
      "",
    ].join("\n");
    // Only the array written over two rows and the `else` on its own row change.
    const formatted = src
      .replace("x := [1,\n  2]", "x := [\n\t1,\n\t2,\n]")
      .replace("if input.a\nelse := 2", "if input.a\n\nelse := 2");
    expect(formatted).not.toBe(src);
    expect(formatRego(src, 1)).toBe(formatted);
    expect(isFormatted(formatted, 1)).toBe(true);
  });

  it("keeps a `with` on its expression's row and indents those on rows of their own (OPA 1.16)", () => {
    // A single argument written on a row of its own joins the parentheses again in 1.16.
    const src = "package p\n\nt if {\n\tx := f(1)\n\t\twith input as 1\n\ty := f(\n\t\t2,\n\t) with input as 2\n\tz := f(\n\t\t3,\n\t\t4,\n\t) with input as 3\n}\n";
    expect(formatRego(src, 1)).toBe(
      "package p\n\nt if {\n\tx := f(1)\n\t\twith input as 1\n\ty := f(2)\n\t\twith input as 2\n\tz := f(\n\t\t3,\n\t\t4,\n\t)\n\t\twith input as 3\n}\n",
    );
  });

  it("parenthesises nested infix calls and rewrites bracketed names as dots", () => {
    expect(formatRego('package p\n\nx := a + b * c if input["name"]\n', 1)).toBe("package p\n\nx := a + (b * c) if input.name\n");
  });

  it("writes template strings, raw and multi-line ones as written, embedded expressions formatted", () => {
    const src = 'package p\n\nx := $"a \\{ {input.b} c"\n\ny := $`line\n{concat(",", ["a","b"])}`\n';
    expect(formatRego(src, 1)).toBe('package p\n\nx := $"a \\{ {input.b} c"\n\ny := $`line\n{concat(",", ["a", "b"])}`\n');
  });

  it("keeps a collection with a comment inside one source line as written, as OPA falls back to", () => {
    const src = "package p\n\nx := {\n\t# why\n\t\"a\": 1,\n}\n\ny if {\n\tz := [{\n\t\t# note\n\t\t\"b\": 2,\n\t}]\n}\n";
    expect(isFormatted(src, 1)).toBe(true);
  });

  it("fails loudly on what it does not implement instead of answering", () => {
    // A body chained onto a rule (`p if { a } { b }`), unary minus on an expression, and OPA's unformatted
    // fallback for a rule value followed by a body.
    expect(() => formatRego("package p\n\np if { input.a } { input.b }\n", 1)).toThrow(UnsupportedFormatError);
    expect(() => formatRego("package p\n\nx := -input.a\n", 1)).toThrow(UnsupportedFormatError);
    expect(() => formatRego('package p\n\np := {"a": #\n"b"} # c\nif {\n\tinput.x\n}\n', 1)).toThrow(UnsupportedFormatError);
  });
});

describe("Regal's bundle sources (formatted with opa fmt upstream)", () => {
  const root = path.resolve(__dirname, "../../../shared/realworld-rego/regal/bundle");
  if (!fs.existsSync(root)) {
    it.skip(`needs ../shared/realworld-rego (not found at ${root})`, () => undefined);
    return;
  }
  it("every module is judged formatted", () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(".rego")) files.push(p);
      }
    };
    walk(root);
    const verdicts = files.map((f) => {
      try {
        return isFormatted(fs.readFileSync(f, "utf8"), 1) ? "formatted" : `unformatted: ${f}`;
      } catch (e) {
        if (e instanceof UnsupportedFormatError) return "unsupported";
        throw e;
      }
    });
    expect(files.length).toBeGreaterThan(300);
    expect(verdicts.filter((v) => v !== "formatted")).toEqual([]);
  });
});
