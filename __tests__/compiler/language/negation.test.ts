/**
 * What `not` sees when part of its expression is undefined. OPA's compiler binds call arguments (refs,
 * nested calls, collection literals holding refs) to fresh variables in expressions placed *before* the
 * negated one (ast/compile.go: rewriteExprTerms, then rewriteDynamics — "dynamic terms (i.e., refs and
 * comprehensions) are bound to vars earlier in the query"), so those lookups fail outside the `not` and the
 * whole expression is undefined. Equalities keep their ref operands in place (rewriteEquals turns `==` into
 * `=` first, and rewriteDynamicsEqExpr only hoists the refs inside a ref's path). OPA issue #1877 ("`not
 * f(input.x)` … will be undefined if `input.x` is undefined … rewritten as `temp = input.x; not f(temp)`")
 * and issue #7558 (`not function("bar").foo` is undefined when the function is) record the behaviour.
 */
import { valueOf } from "./run-policy";

const policy = `package n
f(x) if x == 1
g(x) := {"v": x}
p if input.x == 1
builtin_arg if not startswith(input.missing, "a")
builtin_arg_present if not startswith(input.present, "a")
nested_field if not startswith(input.obj.missing, "a")
equal_missing if not input.missing == 1
unify_missing if not input.missing = 1
bare_ref if not input.missing
not_equal_missing if not input.missing != 1
count_compare if not count(input.missing) > 0
user_function if not f(input.missing)
function_result_ref if not g(input.missing).v
dynamic_path if not input.obj[input.missing]
membership if not 1 in input.missing
array_operand if not [input.missing] == [1]
undefined_rule_arg if not startswith(data.n.nothing, "a")
undefined_rule_equal if not data.n.nothing == 1
with_value if not p with input as input.missing
comprehension_arg if not count({x | x := input.missing[_]}) > 0
in_comprehension := [1 | not startswith(input.missing, "a")]
`;

const input = { present: "b", obj: { k: "x" } };

describe("not over an expression with an undefined part (OPA's result)", () => {
  it.each<[string, unknown, string]>([
    ["builtin_arg", undefined, "not startswith(input.missing, \"a\"): the ref is bound before the not (issue text)"],
    ["builtin_arg_present", true, "defined argument: plain negation"],
    ["nested_field", undefined, "a missing nested field is a ref argument too"],
    ["equal_missing", true, "== keeps its operands in place: not (undefined == 1) is true"],
    ["unify_missing", true, "= likewise"],
    ["bare_ref", true, "not input.missing"],
    ["not_equal_missing", undefined, "!= is a call: its ref argument is hoisted"],
    ["count_compare", undefined, "count(…) is a nested call, hoisted by rewriteExprTerms"],
    ["user_function", undefined, "user functions' arguments as builtins' (issue #1877)"],
    ["function_result_ref", undefined, "not g(x).v: the call heading the ref is hoisted (issue #7558)"],
    ["dynamic_path", undefined, "a ref inside a ref's path is hoisted"],
    ["membership", undefined, "`in` is the call internal.member_2"],
    ["array_operand", undefined, "refs inside an array operand of an equality are hoisted"],
    ["undefined_rule_arg", undefined, "an undefined rule as argument"],
    ["undefined_rule_equal", true, "an undefined rule as equality operand"],
    ["with_value", undefined, "with values are evaluated before the expression (rewriteWithModifiers)"],
    ["comprehension_arg", true, "a comprehension is always defined (here: empty)"],
    ["in_comprehension", [], "negations inside comprehension bodies follow the same rule"],
  ])("%s is %j (%s)", (rule, want) => {
    expect(valueOf(policy, `n/${rule}`, input)).toEqual(want);
  });

  it("a deny rule over a missing field stays silent, as under OPA (gatekeeper's psp-allowed-users shape)", () => {
    const deny = `package k
accept("RunAsAny", _, _)
accept("MustRunAs", v, ranges) if v in ranges
violation contains "denied" if not accept(input.parameters.rule, input.value, input.parameters.ranges)
`;
    expect(valueOf(deny, "k/violation", { parameters: { rule: "RunAsAny" }, value: 5 })).toEqual([]);
    expect(valueOf(deny, "k/violation", { parameters: { rule: "MustRunAs", ranges: [1] }, value: 5 })).toEqual(["denied"]);
    expect(valueOf(deny, "k/violation", { parameters: { rule: "MustRunAs", ranges: [5] }, value: 5 })).toEqual([]);
  });
});
