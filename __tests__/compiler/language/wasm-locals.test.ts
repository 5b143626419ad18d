/**
 * Flat expressions as long as OPA parses them, within the 50,000 locals engines load per Wasm function. OPA's
 * parser (v1/ast/parser.go, `DefaultMaxParsingRecursionDepth = 100000`) goes one level deeper per operator of a
 * chain, so `p := input.one + 0 + … + k` parses up to 99,993 operators. Temporaries share slots once dead, so such
 * a chain, long computed literals and long bodies compile and evaluate; only values live at once count.
 */
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile } from "../../../compiler";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** More than the 50,000 locals V8 loads in one function, had each intermediate value a local of its own. */
const BEYOND_LOCALS = 51000;
/** The most operators OPA parses in `p := input.one + 0 + … + k` (one more: `max parsing recursion depth exceeded`). */
const LONGEST_CHAIN = 99993;

function compileOne(source: string, entrypoints: string[]) {
  return compile({ modules: [{ file: "long.rego", source }], entrypoints });
}

describe("flat expressions beyond 50,000 intermediate values", () => {
  it("the longest operator chain OPA parses evaluates to its sum", () => {
    const chain = "input.one" + range(LONGEST_CHAIN).map((i) => ` + ${i}`).join("");
    const compiled = compileOne(`package long\np := ${chain}\n`, ["long/p"]);
    expect(compiled.diagnostics).toEqual([]);
    const sum = (LONGEST_CHAIN * (LONGEST_CHAIN - 1)) / 2;
    expect(loadPolicySync(compiled.wasm!).evaluate({ one: 1 }, "long/p")).toEqual([{ result: 1 + sum }]);
  }, 120000);

  it("array, set and object literals of computed elements hold every element", () => {
    const items = range(BEYOND_LOCALS).map((i) => `input.one + ${i}`);
    const source = [
      "package long",
      `arr := [${items.join(", ")}]`,
      `set := {${items.join(", ")}}`,
      `obj := {${items.map((item, i) => `"k${i}": ${item}`).join(", ")}}`,
    ].join("\n");
    const compiled = compileOne(source, ["long/arr", "long/set", "long/obj"]);
    expect(compiled.diagnostics).toEqual([]);
    const policy = loadPolicySync(compiled.wasm!);
    const expected = range(BEYOND_LOCALS).map((i) => i + 2);
    expect(policy.evaluate({ one: 2 }, "long/arr")[0].result).toEqual(expected);
    expect(policy.evaluate({ one: 2 }, "long/set")[0].result).toEqual(expected);
    const obj = policy.evaluate({ one: 2 }, "long/obj")[0].result as Record<string, number>;
    expect(Object.keys(obj)).toHaveLength(BEYOND_LOCALS);
    expect([obj.k0, obj.k25000, obj[`k${BEYOND_LOCALS - 1}`]]).toEqual([2, 25002, BEYOND_LOCALS + 1]);
  }, 120000);

  it("a body binding each intermediate value to a variable of its own", () => {
    const steps = range(BEYOND_LOCALS).slice(1).map((i) => `  x${i} := x${i - 1} + ${i}`);
    const source = `package long\np := x${BEYOND_LOCALS - 1} if {\n  x0 := input.one\n${steps.join("\n")}\n}\n`;
    const compiled = compileOne(source, ["long/p"]);
    expect(compiled.diagnostics).toEqual([]);
    const policy = loadPolicySync(compiled.wasm!);
    expect(policy.evaluate({ one: 5 }, "long/p")).toEqual([{ result: 5 + (BEYOND_LOCALS * (BEYOND_LOCALS - 1)) / 2 }]);
    expect(policy.evaluate({ one: "five" }, "long/p")).toEqual([]);
  }, 120000);

  it("more than 50,000 values live at once is a diagnostic at the rule, not a module engines refuse", () => {
    const binds = range(BEYOND_LOCALS).map((i) => `  x${i} := input.one + ${i}`);
    const uses = range(BEYOND_LOCALS).map((i) => `x${i}`);
    const source = `package long\np := [${uses.join(", ")}] if {\n${binds.join("\n")}\n}\n`;
    const compiled = compileOne(source, ["long/p"]);
    expect(compiled.wasm).toBeUndefined();
    expect(compiled.diagnostics).toHaveLength(1);
    expect(compiled.diagnostics[0].message).toMatch(/^rule needs 5\d{4} Wasm locals, more than the 50000 engines load/);
    expect(compiled.diagnostics[0]).toMatchObject({ code: "rego_compile_error", loc: { file: "long.rego", row: 2 } });
  }, 120000);
});
