import { createHostBuiltins } from "../../../../compiler/builtins/host";
import { builtins } from "../../../../compiler/builtins/host/yaml";
import { evalRule } from "./policy-runner";

const unmarshal = builtins["yaml.unmarshal"];
const marshal = builtins["yaml.marshal"];
const isValid = builtins["yaml.is_valid"];

describe("yaml.unmarshal reads YAML 1.1 as OPA's Go library does", () => {
  test("yes/no are booleans, keys become strings, timestamps stay strings", () => {
    expect(unmarshal("a: yes\nb: [1, 0x10]\n3: x\nd: 2001-12-14\ne: ~\n")).toEqual({
      a: true,
      b: [1, 16],
      "3": "x",
      d: "2001-12-14",
      e: null,
    });
    expect(unmarshal("")).toBeNull();
    expect(unmarshal("---\nx: 1\n---\ny: 2\n")).toEqual({ x: 1 });
  });

  test("malformed YAML and duplicate keys are errors", () => {
    expect(() => unmarshal("a: [1\n")).toThrow(/^yaml: /);
    expect(() => unmarshal("a: 1\na: 2\n")).toThrow(/^yaml: Map keys must be unique/);
    expect(() => unmarshal(1)).toThrow("operand 1 must be string but got number");
  });
});

describe("yaml.marshal writes maps sorted, sequences unindented, ambiguous strings quoted", () => {
  test("layout", () => {
    expect(marshal({ foo: [1, { b: 2, a: 1 }], bar: "yes", s: "two\nlines", e: {} })).toBe(
      'bar: "yes"\ne: {}\nfoo:\n- 1\n- a: 1\n  b: 2\ns: |-\n  two\n  lines\n',
    );
  });
});

describe("yaml.is_valid", () => {
  test("true for YAML, false for anything else, including non-strings", () => {
    expect(isValid("a: 1")).toBe(true);
    expect(isValid("a: [")).toBe(false);
    expect(isValid(5)).toBe(false);
    expect(createHostBuiltins()["yaml.is_valid"](5)).toBe(false);
  });

  test("the opa-wasm SDK's own yaml.* take precedence over the library's under loadPolicy", () => {
    // The SDK looks its built-in table up before customBuiltins; its yaml.is_valid is undefined for non-strings.
    expect(evalRule("p := yaml.is_valid(5)")).toBeUndefined();
    expect(evalRule('p := yaml.unmarshal("a: [1, 2]")')).toEqual({ a: [1, 2] });
  });
});
