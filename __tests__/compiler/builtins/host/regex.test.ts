import { builtins, quoteMeta } from "../../../../compiler/builtins/host/regex";
import { evalRule, strictError } from "./policy-runner";

const globsMatch = (a: string, b: string) => builtins["regex.globs_match"](a, b);

describe("regex.template_match", () => {
  test("delimited parts are regular expressions, the rest is literal", () => {
    expect(evalRule(`p := regex.template_match("urn:foo:{.*}", "urn:foo:bar:baz", "{", "}")`)).toBe(true);
    expect(evalRule(`p := regex.template_match("urn:foo.<[0-9]+>", "urn:fooX123", "<", ">")`)).toBe(false);
    expect(evalRule(`p := regex.template_match("urn:foo.<[0-9]+>", "urn:foo.123", "<", ">")`)).toBe(true);
    expect(evalRule(`p := regex.template_match("id-{[a-z]+}", "id-abc-x", "{", "}")`)).toBe(false);
  });

  test("what RE2 rejects is an error: undefined, or Go's message in strict mode", () => {
    expect(evalRule(`p := regex.template_match("x{(a)\\\\1}", "xaa", "{", "}")`)).toBeUndefined();
    expect(strictError(`p := regex.template_match("x{(?=a)}", "xa", "{", "}")`)).toBe(
      "eval_builtin_error: regex.template_match: error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
    );
    expect(strictError(`p := regex.template_match("x{a", "xa", "{", "}")`)).toBe(
      'eval_builtin_error: regex.template_match: unbalanced braces in "x{a"',
    );
    expect(strictError(`p := regex.template_match("x", "x", "{{", "}")`)).toBe(
      "eval_builtin_error: regex.template_match: start delimiter has to be exactly one character long but is 2 long",
    );
  });
});

describe("regex.globs_match", () => {
  test("whether two glob-like expressions share a match", () => {
    expect(evalRule(`p := regex.globs_match("a.a.[0-9]+z", ".b.b2359825792*594823z")`)).toBe(true);
    expect(evalRule(`p := regex.globs_match("[a-d]+", "[e-f]+")`)).toBe(false);
  });

  test("a malformed expression is an error with the library's position", () => {
    expect(evalRule(`p := regex.globs_match("pqrs]", "[a-b]+")`)).toBeUndefined();
    expect(strictError(`p := regex.globs_match("pqrs]", "[a-b]+")`)).toBe(
      "eval_builtin_error: regex.globs_match: input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid",
    );
    expect(strictError(`p := regex.globs_match(1, "a")`)).toBe(
      "eval_type_error: regex.globs_match: operand 1 must be string but got number",
    );
  });

  const intersecting: Array<[string, string[]]> = [
    ["abcd", ["abcd", "....", "[a-d]*"]],
    ["pqrs", [".qrs", "p.rs", "pq.s", "pqr."]],
    ["d*", ["[abcd][abcd]", "d[a-z]+", ".....", "[d]*"]],
    ["[a-p]+", ["[p-z]+", "apapapaapapapap", ".*", "abcdefgh*"]],
    ["abcd[a-c]z+", ["abcd[b-d][yz]*", "abcdazzzz", "abcdbzzz", "abcdcz"]],
    [".*\\\\", [".*"]],
    [".a.a", ["b.b.", "c.c."]],
  ];
  const disjoint: Array<[string, string[]]> = [
    ["abcd", ["lsdfhda", "abcdla", "asdlfk"]],
    ["[0-9]*", ["[a-z]", "\\*"]],
    ["mamama.*", ["dadada.*", "nanana.*"]],
    [".*mamama", [".*dadada", ".*nanana"]],
    [".xyz.", ["paaap", ".*pqr.*"]],
  ];
  test.each(intersecting)("%s intersects each of %j", (lhs, rhss) => {
    for (const rhs of rhss) expect([rhs, globsMatch(lhs, rhs)]).toEqual([rhs, true]);
  });
  test.each(disjoint)("%s intersects none of %j", (lhs, rhss) => {
    for (const rhs of rhss) expect([rhs, globsMatch(lhs, rhs)]).toEqual([rhs, false]);
  });

  test("tokenizer errors", () => {
    expect(() => globsMatch("a\\", "a")).toThrow("input:a\\, pos:1, input ends with a \\ (escape) character");
    expect(() => globsMatch("*a", "a")).toThrow("pos:1, flag '*' must be preceded by a non-flag");
    expect(() => globsMatch("[a", "a")).toThrow("found [ without matching ]");
  });
});

test("quoteMeta escapes what Go's regexp.QuoteMeta escapes", () => {
  expect(quoteMeta("a.b*c(d)[e]{f}|^$+?\\")).toBe("a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|\\^\\$\\+\\?\\\\");
});
