import { renderDiagnostic, formatDiagnostic } from "../../../compiler/diagnostics";
import type { Expr, Module, Rule, Term } from "../../../compiler/syntax/ast";
import { parseModule, parseQuery, parseTerm } from "../../../compiler/syntax/parser";
import { formatBody, formatRule, formatTerm } from "../../../compiler/syntax/printer";

function mod(src: string): Module {
  const r = parseModule(src, "test.rego");
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  return r.module!;
}
function rules(src: string): Rule[] {
  return mod(`package test\n${src}`).rules;
}
function term(src: string): Term {
  const r = parseTerm(src);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  return r.term!;
}
function query(src: string): Expr[] {
  const r = parseQuery(src);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  return r.query!.body;
}
/** Errors for a module body, one `file:row:col: code: message` line each. */
function errors(src: string): string[] {
  return parseModule(src, "test.rego").diagnostics.map(formatDiagnostic);
}
const infix = { infix: true };

describe("terms", () => {
  it("keeps number text, including big and negative numbers", () => {
    expect(term("12345678901234567890123456789")).toMatchObject({ type: "number", text: "12345678901234567890123456789" });
    expect(term("-1.5e300")).toMatchObject({ type: "number", text: "-1.5e300" });
    expect(term(".5")).toMatchObject({ type: "number", text: ".5" });
  });

  it("decodes JSON escapes, surrogate pairs and raw strings", () => {
    expect(term('"a\\n\\"\\u00e9\\ud83d\\ude00"')).toMatchObject({ type: "string", value: 'a\n"é😀' });
    expect(term("`a\\n\nb`")).toMatchObject({ type: "string", value: "a\\n\nb" });
  });

  it("parses template strings with escapes, nested templates and with-modifiers", () => {
    expect(formatTerm(term('$"a{x}b\\{c}"'))).toBe('$"a{x}b\\{c}"');
    const nested = term('$"{$"{a}"} z"');
    expect(nested).toMatchObject({ type: "template", parts: [{ type: "template", parts: [{ type: "var", name: "a" }] }, " z"] });
    const withPart = term('$"{a with input as 1}"');
    expect(withPart.type === "template" && withPart.parts[0]).toMatchObject({ negated: false, with: [{ value: { text: "1" } }] });
    expect(term("$`multi\n{1}`")).toMatchObject({ type: "template", parts: ["multi\n", { type: "number", text: "1" }] });
  });

  it("parses refs, calls, and the empty set", () => {
    expect(formatTerm(term('a.b[c]["d"][0].e'))).toBe('a.b[c].d[0].e');
    expect(formatTerm(term("f(x).y[0]"))).toBe("f(x).y[0]");
    expect(term("set()")).toMatchObject({ type: "set", items: [] });
    expect(term("input")).toMatchObject({ type: "ref", head: { name: "input" }, path: [] });
    expect(term("data.x.y")).toMatchObject({ type: "ref", head: { name: "data" }, path: [{ value: "x" }, { value: "y" }] });
  });

  it("does not continue a ref across whitespace", () => {
    const r = parseTerm("a [0]");
    expect(r.diagnostics.map((d) => d.message)).toEqual(["unexpected [ token"]);
  });

  it("follows OPA's precedence: in < relations < | < & < + - < * / % < unary minus", () => {
    const tree = (src: string) => formatTerm(term(src));
    expect(tree("1 + 2 * 3 - 4")).toBe("minus(plus(1, mul(2, 3)), 4)");
    expect(tree("a | b & c")).toBe("or(a, and(b, c))");
    expect(tree("x == y | z")).toBe("equal(x, or(y, z))");
    expect(tree("x in xs == true")).toBe("internal.member_2(x, equal(xs, true))");
    expect(tree("k, v in xs")).toBe("internal.member_3(k, v, xs)");
    expect(tree("[k, v in xs]")).toBe("[k, internal.member_2(v, xs)]");
    expect(tree("-x")).toBe("minus(0, x)");
    expect(tree("a - b - c")).toBe("minus(minus(a, b), c)");
    expect(formatTerm(term("a - (b - c)"), infix)).toBe("a - (b - c)");
  });

  it("prefers comprehensions over `|` calls, as OPA does", () => {
    expect(term("[x | x = 1]").type).toBe("arraycomp");
    expect(term("{x | x = 1}").type).toBe("setcomp");
    expect(term("{k: v | k = 1; v = 2}").type).toBe("objectcomp");
    expect(formatTerm(term("{a | b, c}"), infix)).toBe("{a | b, c}");
    expect(term('{"a": 1, "b": [2, 3]}')).toMatchObject({ type: "object", entries: [[{ value: "a" }, { text: "1" }], [{ value: "b" }, { type: "array" }]] });
  });

  it("gives each wildcard a fresh name", () => {
    const t = term("[_, _]");
    expect(t.type === "array" && t.items.map((i) => (i.type === "var" ? i.name : ""))).toEqual(["$_0", "$_1"]);
  });
});

describe("expressions", () => {
  it("parses =, :=, not, with, some, some-in and every", () => {
    const body = query('x := 1; not y = 2; z with input as {"a": 1} with data.p as 2; some a, b; some k, v in xs; every e in xs { e > 0 }');
    expect(formatBody(body, infix)).toBe(
      'x := 1; not y = 2; z with input as {"a": 1} with data.p as 2; some a, b; some k, v in xs; every e in xs { e > 0 }',
    );
    expect(body[4].body).toMatchObject({ type: "somein", key: { name: "k" }, value: { name: "v" }, collection: { name: "xs" } });
  });

  it("separates expressions by newlines or semicolons", () => {
    expect(query("a\nb; c").length).toBe(3);
    expect(parseQuery("a b").diagnostics.map((d) => d.message)).toEqual(["unexpected ident token: expected \\n or ; or EOF"]);
  });

  it("accepts keywords as ref heads and path elements", () => {
    expect(formatBody(query("with.foo == 1; x.if.not == 2"), infix)).toBe("with.foo == 1; x.if.not == 2");
  });
});

describe("rules", () => {
  it("distinguishes complete, single-value ref, multi-value and function heads", () => {
    const rs = rules(
      ["p := 1", "q if true", "r[x] := y if { x := 1; y := 2 }", "s.t[x] if x := 1", "u contains x if x := 1", "f(a, _) := a"].join("\n"),
    );
    expect(rs.map((r) => formatRule(r, infix))).toEqual([
      "p := 1",
      "q if { true }",
      "r[x] := y if { x := 1; y := 2 }",
      "s.t[x] if { x := 1 }",
      "u contains x if { x := 1 }",
      "f(a, $_0) := a",
    ]);
    expect(rs[3].head).toMatchObject({ ref: [{ name: "s" }, { value: "t" }, { name: "x" }], value: null, contains: false });
    expect(rs[4].head).toMatchObject({ key: { name: "x" }, value: null, contains: true });
  });

  it("parses default rules, else chains and chained bodies", () => {
    const rs = rules(["default p := false", "p := 1 if input.a else := 2 if input.b else := 3", "q if { a } { b }"].join("\n"));
    expect(rs[0].default).toBe(true);
    expect(rs[1].else.map((e) => formatTerm(e.value!))).toEqual(["2", "3"]);
    expect(rs[1].else[1].body).toEqual([]);
    expect(rs.slice(2).map((r) => formatRule(r))).toEqual(["q if { a }", "q if { b }"]);
  });

  it("treats `p if { x }` as a body, not a set", () => {
    expect(formatRule(rules("p if { x }")[0])).toBe("p if { x }");
  });

  it("accepts rego.v1 and future.keywords imports", () => {
    const m = mod("package a\nimport rego.v1\nimport future.keywords.in\nimport data.lib.x as y\nimport input.z\np := 1");
    expect(m.imports.map((i) => [formatTerm(i.path), i.alias])).toEqual([
      ["rego.v1", null],
      ["future.keywords.in", null],
      ["data.lib.x", "y"],
      ["input.z", null],
    ]);
  });

  it("records accurate locations", () => {
    const src = "package a\n\np[x] := y if {\n  y := x.z\n}\n";
    const r = mod(src).rules[0];
    expect(r.loc).toMatchObject({ row: 3, col: 1, offset: 11 });
    expect(src.slice(r.loc.offset, r.loc.end)).toBe("p[x] := y if {\n  y := x.z\n}");
    const e = r.body[0];
    expect(e.loc).toMatchObject({ row: 4, col: 3 });
    expect(src.slice(e.loc.offset, e.loc.end)).toBe("y := x.z");
    const rhs = e.body.type === "term" && e.body.term.type === "call" ? e.body.term.args[1] : null;
    expect(rhs && src.slice(rhs.loc.offset, rhs.loc.end)).toBe("x.z");
  });

  it("collects comments and attaches METADATA annotations", () => {
    const m = mod(
      [
        "# METADATA",
        "# description: the package",
        "package a",
        "",
        "# METADATA",
        "# title: rule p",
        "# authors:",
        "# - someone",
        "p := 1",
        "",
        "# METADATA",
        "# scope: document",
        "# title: all of q",
        "q := 2 # trailing",
      ].join("\n"),
    );
    expect(m.package.annotations).toMatchObject([{ scope: "package", fields: { description: "the package" } }]);
    expect(m.rules[0].annotations).toMatchObject([{ scope: "rule", fields: { title: "rule p", authors: ["someone"] } }]);
    expect(m.rules[1].annotations).toMatchObject([{ scope: "document", fields: { title: "all of q" } }]);
    expect(m.rules[1].annotations[0].fields).not.toHaveProperty("scope");
    expect(m.comments.map((c) => c.text)).toContain(" trailing");
  });
});

describe("diagnostics", () => {
  it("renders a syntax error with its source line and a caret", () => {
    const src = "package a\n\np if {\n  x := [1, 2\n}\n";
    const [d] = parseModule(src, "bad.rego").diagnostics;
    expect(renderDiagnostic(d, { "bad.rego": src })).toBe(
      ['bad.rego:5:1: rego_parse_error: unexpected } token: expected "," or "]"', "5 | }", "    ^"].join("\n"),
    );
  });

  it("reports each broken statement and keeps going", () => {
    expect(errors("package a\np if { x = }\nq := [\nr := 1\n")).toEqual([
      "test.rego:2:12: rego_parse_error: unexpected } token",
      "test.rego:4:3: rego_parse_error: unexpected := token: expected \",\" or \"]\"",
    ]);
  });

  it.each([
    ["p := 1", "test.rego:1:1: rego_parse_error: package expected"],
    ["package a\np { true }", "test.rego:2:1: rego_parse_error: `if` keyword is required before rule body"],
    ["package a\np", "test.rego:2:1: rego_parse_error: rule must have value assignment and/or body declaration"],
    ["package a\ndefault p := x", "test.rego:2:14: rego_parse_error: illegal default rule (value cannot contain var)"],
    ["package a\ndefault p", "test.rego:2:9: rego_parse_error: illegal default rule (must have a value)"],
    ["package a\np := 01", "test.rego:2:6: rego_parse_error: unexpected number token: expected number without leading zero"],
    ['package a\np := "\\q"', 'test.rego:2:6: rego_parse_error: illegal string literal: "\\q"'],
    ['package a\np := "abc', "test.rego:2:6: rego_parse_error: non-terminated string"],
    ["package a\np := 1 else := 2", "test.rego:2:8: rego_parse_error: unexpected else keyword"],
    ["package a\np contains x if x := 1 else := 2", "test.rego:2:24: rego_parse_error: else keyword cannot be used on multi-value rules"],
    ["package a\nimport foo.bar", "test.rego:2:8: rego_parse_error: unexpected import path, must begin with one of: {data, future, input, rego}, got: foo"],
    ["package a\np := $\"{x = 1}\"", "test.rego:2:9: rego_parse_error: unexpected unification ('=') in template-string expression"],
    ["package a\np if not some x", "test.rego:2:10: rego_parse_error: unexpected some keyword: illegal negation of 'some'"],
    ["package a\np if every x in xs", "test.rego:2:19: rego_parse_error: unexpected eof token: missing body"],
    ["package a\np := 1 ^ 2", "test.rego:2:8: rego_parse_error: illegal token"],
    ["package a\n# METADATA\n# scope: package\np := 1", "test.rego:2:1: rego_parse_error: annotation scope 'package' must be applied to package (have rule)"],
  ])("%j → %s", (src, expected) => {
    expect(errors(src)[0]).toBe(expected);
  });
});
