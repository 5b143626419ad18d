/**
 * Rule forms and expressions real policy libraries use that OPA accepts: function heads without a body,
 * zero-argument functions, computed ref heads that iterate, `some` patterns reading refs, `with` targets
 * whose keys hold dots, and `trace`. Each expectation is OPA's documented or observed result (cited).
 */
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile } from "../../../compiler";
import { evaluate, valueOf } from "./run-policy";

describe("function heads without a body", () => {
  // OPA's ParseRuleFromCallExpr: a call statement `f(args)` defines f with value true for those arguments
  // (gatekeeper-library psp users `accept_users("RunAsAny", _)`, regal ast.rego `_is_name("var", 0)`).
  const policy = `package h
allowed("RunAsAny", _)
allowed("MustRunAs", x) := x > 0
a := allowed("RunAsAny", 7)
b := allowed("MustRunAs", 3)
c if not allowed("Other", 1)
`;
  it.each([
    ["a", true],
    ["b", true],
    ["c", true],
  ])("%s is %j", (rule, want) => expect(valueOf(policy, `h/${rule}`)).toBe(want));
});

describe("zero-argument functions are rules", () => {
  // OPA: `f() := x` defines the rule f; `f()` and `f` both read it (regal's zero-arity-function rule: "zero-arity
  // functions are treated as regular rules").
  const policy = `package z
f() := {"name": "n"}
g() := out if { out := 2 }
by_call := f().name
by_ref := f.name
value := g
`;
  it.each([
    ["by_call", "n"],
    ["by_ref", "n"],
    ["value", 2],
  ])("%s is %j", (rule, want) => expect(valueOf(policy, `z/${rule}`)).toBe(want));
});

describe("refs inside computed ref heads bind their keys (no false rego_unsafe_var_error)", () => {
  // trivy-checks docker/unix_ports_out_of_range.rego, which OPA 1.16 compiles with `opa check --strict`.
  const policy = `package u
first_parts contains x if { x := split(input.values[_], "/")[0] }
wrapped contains x if { x := [input.values[_]][0] }
nested contains x if { x := object.get(input.o[_], "a", {}).b }
ports contains port if { port := to_number(split(input.values[_], "/")[0]) }
`;
  const input = { values: ["80/tcp", "443/udp"], o: [{ a: { b: 2 } }, { c: 1 }] };
  it.each([
    ["first_parts", ["443", "80"]],
    ["wrapped", ["443/udp", "80/tcp"]],
    ["nested", [2]],
    ["ports", [80, 443]],
  ])("%s is %j", (rule, want) => expect(valueOf(policy, `u/${rule}`, input)).toEqual(want));
});

describe("some … in patterns", () => {
  // OPA declares only the pattern's output vars: `some [x.path, y] in s` reads x (regal impossible_not.rego).
  it("reads a ref to an earlier variable instead of redeclaring it", () => {
    const policy = `package s
found contains f if {
  item := input.items[_]
  some [item.path, f] in {[["a"], "file1"], [["b"], "file2"]}
}
`;
    expect(valueOf(policy, "s/found", { items: [{ path: ["b"] }] })).toEqual(["file2"]);
  });
});

describe("with targets whose keys hold dots", () => {
  // `with data.workspace.builtins["json.filter"] as v` replaces one key named "json.filter" (regal hover tests).
  it("replaces the key, not a nested path", () => {
    const policy = `package w
keys := k if { k := object.keys(data.workspace.builtins) with data.workspace.builtins["json.filter"] as 1 }
`;
    expect(valueOf(policy, "w/keys")).toEqual(["json.filter"]);
  });
});

describe("trace", () => {
  // OPA builtin `trace(note)`: always true; the note is recorded for explanations (`opa test --explain notes`).
  it("is true and hands each note to the host's listener", () => {
    const policy = `package t
p if {
  trace("first")
  x := 1
  trace(sprintf("x is %v", [x]))
}
`;
    expect(evaluate(policy, "t/p")).toEqual({ value: true, notes: ["first", "x is 1"] });
  });

  it("is undefined for a non-string note (a builtin type error, non-strict)", () => {
    expect(evaluate("package t\np if trace(input.n)", "t/p", { n: 1 })).toEqual({ value: undefined, notes: [] });
  });
});

describe("iterating packages for one rule each (data.rules[c][t].report)", () => {
  // Regal's config_test shape: the result is every (category, title) whose package defines `report`, from rules
  // and from base documents alike; a `with` replacement of one of them is seen.
  const modules = [
    "package rules.bugs.a\nreport contains 1 if input.on\nhelper := 2",
    "package rules.bugs.b\nother := 3",
    "package rules.style.c\nreport contains 2 if input.on",
    `package q
found := {[c, t] | data.rules[c][t].report}
replaced := x if { x := {[c, t, r] | r := data.rules[c][t].report} with data.rules.style.c.report as {9} }
`,
  ];
  const data = { rules: { base: { d: { report: [5] } } } };
  it("reads report wherever it is defined", () => {
    expect(valueOf(modules, "q/found", { on: true })).toEqual([["bugs", "a"], ["style", "c"]]);
  });
  it("includes base documents and with replacements", () => {
    const compiled = compile({ modules: modules.map((source, i) => ({ file: `m${i}.rego`, source })), entrypoints: ["q/found", "q/replaced"] });
    const policy = loadPolicySync(compiled.wasm!);
    policy.setData(data);
    expect(policy.evaluate({ on: true }, "q/found")).toEqual([{ result: [["base", "d"], ["bugs", "a"], ["style", "c"]] }]);
    expect(policy.evaluate({ on: true }, "q/replaced")).toEqual([{ result: [["base", "d", [5]], ["bugs", "a", [1]], ["style", "c", [9]]] }]);
  });
});
