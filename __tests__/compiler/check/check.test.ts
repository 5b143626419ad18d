import { checkProgram, checkQuery, type CheckOptions } from "../../../compiler/check";
import type { Program } from "../../../compiler/check/program";
import { formatDiagnostic, renderDiagnostic } from "../../../compiler/diagnostics";
import type { Module } from "../../../compiler/syntax/ast";
import { parseModule, parseQuery } from "../../../compiler/syntax/parser";
import { formatBody, formatRule } from "../../../compiler/syntax/printer";

const infix = { infix: true };

function parse(sources: string[]): Module[] {
  return sources.map((src, i) => {
    const r = parseModule(src, `m${i}.rego`);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    return r.module!;
  });
}

function check(sources: string | string[], opts?: CheckOptions): { program: Program; errors: string[] } {
  const { program, diagnostics } = checkProgram(parse(Array.isArray(sources) ? sources : [sources]), opts);
  return { program, errors: diagnostics.map(formatDiagnostic) };
}

/** The checked rules printed back as Rego, with no errors expected. */
function checked(src: string, opts?: CheckOptions): string[] {
  const { program, errors } = check(src, opts);
  expect(errors).toEqual([]);
  return program.rules.map((r) => formatRule(r.rule, infix));
}

function errors(src: string | string[], opts?: CheckOptions): string[] {
  return check(src, opts).errors;
}

function query(q: string, modules: string[] = [], opts?: CheckOptions): { body: string; outputVars: string[]; errors: string[] } {
  const { program } = checkProgram(parse(modules), opts);
  const parsed = parseQuery(q);
  expect(parsed.diagnostics).toEqual([]);
  const result = checkQuery(parsed.query!, program, opts);
  return { body: formatBody(result.query.body, infix), outputVars: result.query.outputVars, errors: result.diagnostics.map(formatDiagnostic) };
}

describe("resolve", () => {
  it("spells rule and import references as full data/input refs", () => {
    const rules = checked(
      [
        "package a.b",
        "import data.lib.helpers",
        "import data.lib.x as y",
        "import input.user",
        "p := q",
        "q := helpers.v",
        "r if { y.z; user.name == \"u\"; s.t.u }",
        "s.t.u := 1",
      ].join("\n"),
    );
    expect(rules).toEqual([
      "p := $head1 if { $head1 = data.a.b.q }",
      "q := $head2 if { $head2 = data.lib.helpers.v }",
      'r if { data.lib.x.z; input.user.name == "u"; data.a.b.s.t.u }',
      "s.t.u := 1",
    ]);
  });

  it("lets local variables shadow rules where OPA does", () => {
    expect(checked("package a\np := 1\nq if { p := 2; p > 1 }\nf(p) := p + 1\nr if { some p in [1]; p }")).toEqual([
      "p := 1",
      "q if { $p_1 := 2; $p_1 > 1 }",
      "f(p) := $head1 if { $head1 = p + 1 }",
      "r if { some $p_1 in [1]; $p_1 }",
    ]);
  });

  it("names builtins by their dotted name and user functions by their data path", () => {
    const { program } = check("package a\nf(x) := x\np := f(strings.replace_n({}, count([1])))");
    const call = program.rules[1].rule.body[0].body;
    expect(call.type === "term" && call.term.type === "call" && call.term.args[1]).toMatchObject({
      type: "call",
      op: { head: { name: "data" }, path: [{ value: "a" }, { value: "f" }] },
      args: [{ type: "call", op: { head: { name: "strings" }, path: [{ value: "replace_n" }] }, args: [{ type: "object" }, { type: "call", op: { head: { name: "count" }, path: [] } }] }],
    });
  });

  it("reports undefined functions and wrong arities, allowing one output argument", () => {
    expect(errors("package a\np if { nope(1) }")).toEqual(["m0.rego:2:8: rego_type_error: undefined function nope"]);
    expect(errors("package a\np if { data.a.g(1) }")).toEqual(["m0.rego:2:8: rego_type_error: undefined function data.a.g"]);
    expect(errors("package a\np if { count(1, 2, 3) }")).toEqual(["m0.rego:2:8: rego_type_error: count: too many arguments (have 3, want 1)"]);
    expect(errors("package a\np if { x := count(1, 2) }")).toEqual(["m0.rego:2:13: rego_type_error: count: too many arguments (have 2, want 1)"]);
    expect(errors("package a\nf(x, y) := 1\np if { f(1) }")).toEqual(["m0.rego:3:8: rego_type_error: data.a.f: too few arguments (have 1, want 2)"]);
    expect(errors("package a\np if { count([1], n); n == 1; print(1, 2, 3) }")).toEqual([]);
  });

  it("rejects deprecated builtins in modules but not in queries", () => {
    expect(errors("package a\np if { re_match(\"a\", \"a\") }")).toEqual([
      "m0.rego:2:8: rego_type_error: deprecated built-in function calls in expression: re_match",
    ]);
    expect(query("x = any([true])").errors).toEqual([]);
  });

  it("knows custom builtins by name and arity", () => {
    expect(query("x = custom_builtin_test(100)").errors).toEqual(["query:1:5: rego_type_error: undefined function custom_builtin_test"]);
    expect(query("x = custom_builtin_test(100)", [], { customBuiltins: { custom_builtin_test: { arity: 1 } } }).errors).toEqual([]);
  });

  it("resolves with targets and function-valued with values", () => {
    expect(checked("package a\nmock(_) := 1\np if { count([]) == 1 with count as mock }\nq if { time.now_ns() with time.now_ns as opa.runtime }")).toEqual([
      "mock($_0) := 1",
      "p if { count([]) == 1 with count as data.a.mock }",
      "q if { time.now_ns() with time.now_ns as opa.runtime }",
    ]);
    expect(errors("package a\np if { true with foo as 1 }")).toEqual([
      "m0.rego:2:18: rego_type_error: with keyword target must reference existing input, data, or a function",
    ]);
  });
});

describe("locals", () => {
  it("gives declared and closure-local variables fresh names and drops `some x`", () => {
    expect(checked("package a\np if { some x; x = 1; y := [x | x := 2]; z := [w | w = 3]; every v in [1] { v > 0; u = v; u } }")).toEqual([
      "p if { $x_1 = 1; $y_3 := [$x_2 | $x_2 := 2]; $z_4 := [$w_6 | $w_6 = 3]; every $v_5 in [1] { $v_5 > 0; $u_7 = $v_5; $u_7 } }",
    ]);
  });

  it("captures outer variables in comprehensions", () => {
    expect(checked("package a\np if { x := 1; y = [z | z = x + w; w = 2] }")).toEqual(["p if { $x_1 := 1; y = [$z_2 | $w_3 = 2; $z_2 = $x_1 + $w_3] }"]);
  });

  it("renames plain variables of else clauses so no two clauses share a name", () => {
    expect(checked("package a\np := x if { x = input.a } else := x if { x = input.b }")).toEqual([
      "p := x if { x = input.a } else := $x_1 if { $x_1 = input.b }",
    ]);
  });

  it("reports redeclaration and unused declarations", () => {
    expect(errors("package a\np if { x := 1; x := 2 }")).toEqual(["m0.rego:2:16: rego_compile_error: var x assigned above"]);
    expect(errors("package a\np if { x == 1; x := 2 }")).toEqual(["m0.rego:2:16: rego_compile_error: var x referenced above"]);
    expect(errors("package a\np if { some x; x := 2 }")).toEqual(["m0.rego:2:16: rego_compile_error: var x declared above"]);
    expect(errors("package a\np if { some x; true }")).toEqual(["m0.rego:2:8: rego_compile_error: declared var x unused"]);
    expect(errors("package a\np if { not x := 1 }")).toEqual(["m0.rego:2:8: rego_compile_error: cannot assign vars inside negated expression"]);
    expect(errors("package a\np if { 1 := 1 }")).toEqual(["m0.rego:2:8: rego_compile_error: cannot assign to number"]);
    expect(errors("package a\np if { input := 1 }")).toEqual([
      "m0.rego:2:8: rego_compile_error: variables must not shadow input (use a different variable name)",
    ]);
  });

  it("keeps a query's top-level names and lists them as output variables", () => {
    const r = query("x := 1; some y in [1]; z = [w | w = x]; data.a.p = v", ["package a\np := 1"]);
    expect(r.errors).toEqual([]);
    expect(r.body).toBe("x := 1; some y in [1]; z = [$w_1 | $w_1 = x]; data.a.p = v");
    expect(r.outputVars).toEqual(["x", "y", "z", "v"]);
  });
});

describe("safety", () => {
  it("reorders bodies so every expression's inputs are bound first, stably", () => {
    expect(checked("package a\np if { y = x + 1; z = y; x = input.a; w = 1 }")).toEqual(["p if { x = input.a; w = 1; y = x + 1; z = y }"]);
    expect(checked("package a\np if { count(xs, n); xs = [1]; n > 0 }")).toEqual(["p if { xs = [1]; count(xs, n); n > 0 }"]);
    expect(checked("package a\np if { [a, b] = [1, c]; c = 2 }")).toEqual(["p if { c = 2; [a, b] = [1, c] }"]);
    expect(checked("package a\np if { not q[x]; x = 1 }\nq[x] := 1 if x := 2")).toEqual(["p if { x = 1; not data.a.q[x] }", "q[$x_1] := 1 if { $x_1 := 2 }"]);
  });

  it("orders expressions before closures that capture their variables", () => {
    expect(checked("package a\np if { y = [z | z = x]; x = 1 }")).toEqual(["p if { x = 1; y = [$z_1 | $z_1 = x] }"]);
    expect(checked("package a\np if { every v in xs { v > x }; xs = [1]; x = 0 }")).toEqual(["p if { xs = [1]; x = 0; every $v_1 in xs { $v_1 > x } }"]);
  });

  it("binds ref keys, some-in patterns and call outputs", () => {
    expect(checked("package a\np if { input.a[i][j] == 1; some [k, v] in input.pairs; walk(input, [path, value]) }")).toHaveLength(1);
  });

  it("reports unsafe variables at the variable, rendered with its source line", () => {
    const src = "package a\n\np if {\n  x > 1\n}\n";
    const { diagnostics } = checkProgram(parse([src]));
    expect(diagnostics.map((d) => renderDiagnostic(d, { "m0.rego": src }))).toEqual([
      ["m0.rego:4:3: rego_unsafe_var_error: var x is unsafe", "4 |   x > 1", "      ^"].join("\n"),
    ]);
  });

  it.each([
    ["head variables must be bound", "package a\np[x] := 1 if true", "m0.rego:2:3: rego_unsafe_var_error: var x is unsafe"],
    ["negation binds nothing", "package a\np if { not input[x]; x }", "m0.rego:2:18: rego_unsafe_var_error: var x is unsafe"],
    ["every binds nothing outside", "package a\np if { every k, v in input { k == v }; v }", "m0.rego:2:40: rego_unsafe_var_error: var v is unsafe"],
    ["with values must be bound", "package a\np if { input.a with input as x }", "m0.rego:2:30: rego_unsafe_var_error: var x is unsafe"],
    ["comprehension heads must be bound", "package a\np := [x | true]", "m0.rego:2:7: rego_unsafe_var_error: var x is unsafe"],
    ["function calls need bound inputs", "package a\np if { count(x) == 1 }", "m0.rego:2:14: rego_unsafe_var_error: var x is unsafe"],
    ["wildcards report the expression", "package a\np if { _ > 1 }", "m0.rego:2:8: rego_unsafe_var_error: expression is unsafe"],
  ])("%s", (_name, src, expected) => {
    expect(errors(src)).toEqual([expected]);
  });

  it("names renamed variables as the user wrote them", () => {
    expect(errors("package a\np if { x := 1 + y }")).toEqual([
      "m0.rego:2:8: rego_unsafe_var_error: var x is unsafe",
      "m0.rego:2:17: rego_unsafe_var_error: var y is unsafe",
    ]);
  });

  it("binds function arguments on entry", () => {
    expect(checked("package a\nf([x, {\"k\": y}]) := x + y")).toEqual(['f([x, {"k": y}]) := $head1 if { $head1 = x + y }']);
  });

  it("orders query bodies", () => {
    expect(query("y = x + 1; x = 1").body).toBe("x = 1; y = x + 1");
    expect(query("y = x + 1").errors).toEqual(["query:1:1: rego_unsafe_var_error: var y is unsafe", "query:1:5: rego_unsafe_var_error: var x is unsafe"]);
  });
});

describe("rules", () => {
  it("fills kind, path, tail and index", () => {
    const { program } = check(["package a.b\np := 1\nq.r[x] := 1 if x := 2\ns contains 1\nf(x) := x", "package a.b\nt.u := 2"]);
    expect(program.rules.map((r) => [r.kind, r.path.join("."), r.tail.length, r.index, r.module.file])).toEqual([
      ["complete", "a.b.p", 0, 0, "m0.rego"],
      ["single-ref", "a.b.q.r", 1, 1, "m0.rego"],
      ["multi", "a.b.s", 0, 2, "m0.rego"],
      ["function", "a.b.f", 0, 3, "m0.rego"],
      ["complete", "a.b.t.u", 0, 4, "m1.rego"],
    ]);
  });

  it.each([
    ["complete and partial", "package a\np := 1\np[x] := 1 if x := 1", "m0.rego:2:1: rego_type_error: conflicting rules data.a.p found"],
    ["set and object", "package a\np contains 1\np[x] := 1 if x := 1", "m0.rego:2:1: rego_type_error: conflicting rules data.a.p found"],
    ["function arities", "package a\nf(x) := 1\nf(x, y) := 2", "m0.rego:2:1: rego_type_error: conflicting rules data.a.f found"],
    ["function and value", "package a\nf(x) := 1\nf := 2", "m0.rego:2:1: rego_type_error: conflicting rules data.a.f found"],
    ["rules inside a complete rule", "package a\np.q := 1\np.q.r := 2", "m0.rego:2:1: rego_type_error: rule data.a.p.q conflicts with [data.a.p.q.r]"],
    ["several defaults", "package a\ndefault p := 1\ndefault p := 2", "m0.rego:3:1: rego_type_error: multiple default rules data.a.p found at m0.rego:2:1, m0.rego:3:1"],
    ["rules shadowing input", "package a\ninput := 1", "m0.rego:2:1: rego_compile_error: rules must not shadow input (use a different rule name)"],
    ["duplicate imports", "package a\nimport data.x\nimport data.y.x\np := 1", "m0.rego:3:1: rego_compile_error: import must not shadow import data.x"],
  ])("reports %s", (_name, src, expected) => {
    expect(errors(src)).toEqual([expected]);
  });

  it("allows rules inside the extent of a rule with a variable key", () => {
    expect(errors("package a\np.q[r] := 1 if r := \"x\"\np.q.s := 2")).toEqual([]);
  });

  it("reports a package that collides with a rule", () => {
    expect(errors(["package a\nb := 1", "package a.b\nc := 2"])).toEqual([
      "m0.rego:2:1: rego_type_error: rule data.a.b conflicts with [data.a.b.c]",
      "m1.rego:1:1: rego_type_error: package a.b conflicts with rule b defined at m0.rego:2:1",
    ]);
  });
});

describe("recursion", () => {
  it("names the cycle", () => {
    expect(errors("package a\np if q\nq if p\nr if r")).toEqual([
      "m0.rego:2:1: rego_recursion_error: rule data.a.p is recursive: data.a.p -> data.a.q -> data.a.p",
      "m0.rego:3:1: rego_recursion_error: rule data.a.q is recursive: data.a.q -> data.a.p -> data.a.q",
      "m0.rego:4:1: rego_recursion_error: rule data.a.r is recursive: data.a.r -> data.a.r",
    ]);
  });

  it("counts refs to enclosing documents and function calls", () => {
    expect(errors("package a\np := data.a")).toEqual(["m0.rego:2:1: rego_recursion_error: rule data.a.p is recursive: data.a.p -> data.a.p"]);
    expect(errors("package a\nf(x) := f(x)")).toEqual(["m0.rego:2:1: rego_recursion_error: rule data.a.f is recursive: data.a.f -> data.a.f"]);
    expect(errors("package a\np := data.b\nq := 1")).toEqual([]);
  });
});
