import { builtins } from "../../../../compiler/builtins/host/rego-module";
import { evalRule, strictError } from "./policy-runner";

const parse = (source: string) => builtins["rego.parse_module"]("x.rego", source) as Record<string, unknown>;
const v = (value: string) => ({ type: "var", value });
const s = (value: string) => ({ type: "string", value });
const n = (value: number) => ({ type: "number", value });
const ref = (...parts: object[]) => ({ type: "ref", value: parts });

describe("rego.parse_module", () => {
  test("returns OPA's JSON AST of the module", () => {
    const pkg = evalRule(
      'p := rego.parse_module("x.rego", "package foo.bar\\n\\nimport data.a as b\\n\\nq := 1\\n")["package"]',
    );
    expect(pkg).toEqual({ path: [v("data"), s("foo"), s("bar")] });
    expect(evalRule('p := rego.parse_module("x.rego", "package foo\\nq := 1\\n").rules[0].head')).toEqual({
      name: "q",
      ref: [v("q")],
      value: n(1),
      assign: true,
    });
  });

  test("parse errors are undefined, or OPA's error list in strict mode", () => {
    expect(evalRule('p := rego.parse_module("x.rego", "package foo.")')).toBeUndefined();
    expect(strictError('p := rego.parse_module("x.rego", "package foo.")')).toBe(
      "eval_builtin_error: rego.parse_module: 1 error occurred: x.rego:1: rego_parse_error: unexpected eof token: expected ident",
    );
    expect(strictError('p := rego.parse_module(1, "package foo")')).toBe(
      "eval_type_error: rego.parse_module: operand 1 must be string but got number",
    );
  });

  test("expressions: calls as operator and operands, some-in as internal.member_2, negation, with, wildcards", () => {
    const module = parse(`package t
allow if {
  some x in input.xs
  not x == 1
  count(input.ys[_]) > 2 with input as {"ys": [1]}
}
`);
    const [rule] = module.rules as Array<{ head: object; body: object[] }>;
    expect(rule.head).toEqual({ name: "allow", ref: [v("allow")], value: { type: "boolean", value: true } });
    expect(rule.body).toEqual([
      {
        index: 0,
        terms: {
          symbols: [{ type: "call", value: [ref(v("internal"), s("member_2")), v("x"), ref(v("input"), s("xs"))] }],
        },
      },
      { index: 1, terms: [ref(v("equal")), v("x"), n(1)], negated: true },
      {
        index: 2,
        terms: [ref(v("gt")), { type: "call", value: [ref(v("count")), ref(v("input"), s("ys"), v("$0"))] }, n(2)],
        with: [
          { target: ref(v("input")), value: { type: "object", value: [[s("ys"), { type: "array", value: [n(1)] }]] } },
        ],
      },
    ]);
  });

  test("rule forms: default, contains, functions with else, ref heads, every", () => {
    const module = parse(`package t
default d := false
c contains y if { y := [z | z := 1] }
f(x) := 1 if x > 2 else := 2
a.b[k] := 1 if k := "k"
e if every k, w in {"a": 1} { w > 0 }
`);
    const rules = module.rules as Array<Record<string, unknown>>;
    expect(rules[0]).toEqual({
      default: true,
      head: { name: "d", ref: [v("d")], value: { type: "boolean", value: false }, assign: true },
      body: [{ index: 0, terms: { type: "boolean", value: true } }],
    });
    expect(rules[1].head).toEqual({ name: "c", ref: [v("c")], key: v("y") });
    expect((rules[2].else as { head: object }).head).toEqual({
      name: "f",
      ref: [v("f")],
      args: [v("x")],
      value: n(2),
      assign: true,
    });
    expect(rules[3].head).toEqual({ ref: [v("a"), s("b"), v("k")], value: n(1), assign: true });
    expect((rules[4].body as Array<{ terms: Record<string, unknown> }>)[0].terms).toMatchObject({
      key: v("k"),
      value: v("w"),
    });
  });
});
