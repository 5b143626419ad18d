/**
 * Size limits a real policy can reach: long operator chains and literals (OPA compiles them; our planner once
 * exhausted the JS stack at a few hundred), long bodies, and constants larger than the 5 memory pages the SDK
 * starts with. Nesting up to OPA's parser limit is `nesting-depth.test.ts`.
 */
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile } from "../../../compiler";
import { valueOf } from "./run-policy";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("long expressions", () => {
  it("0 + 1 + … + 999 (with an input operand, so nothing folds away)", () => {
    const sum = range(1000).map((i) => (i === 0 ? "input.zero" : String(i))).join(" + ");
    expect(valueOf(`package l\np := ${sum}`, "l/p", { zero: 0 })).toBe(499500);
  });

  it("an array literal of 700 computed elements", () => {
    const items = range(700).map((i) => `input.x + ${i}`).join(", ");
    const value = valueOf(`package l\np := [${items}]`, "l/p", { x: 1 }) as number[];
    expect(value).toHaveLength(700);
    expect(value[699]).toBe(700);
  });

  it("a body of 1,200 expressions", () => {
    const body = range(1200).map((i) => `input.x > -${i}`).join("\n  ");
    expect(valueOf(`package l\np if {\n  ${body}\n  y := input.x\n  not y == 2\n}`, "l/p", { x: 1 })).toBe(true);
    expect(valueOf(`package l\np if {\n  ${body}\n}`, "l/p", { x: -5 })).toBeUndefined();
  });
});

describe("constants larger than the SDK's initial memory", () => {
  it("loads, reads input and data next to a 400 KB string and a 200 KB object", () => {
    const big = JSON.stringify(Object.fromEntries(range(4000).map((i) => [`k${i}`, "v".repeat(40)])));
    const source = `package c\ns := ${JSON.stringify("x".repeat(400000))}\nobj := ${big}\np := [count(s), count(obj), obj.k3999, input.q, data.d]\n`;
    const compiled = compile({ modules: [{ file: "c.rego", source }], entrypoints: ["c/p"] });
    expect(compiled.diagnostics).toEqual([]);
    const policy = loadPolicySync(compiled.wasm!);
    policy.setData({ d: "from data" });
    for (const q of ["a", "b".repeat(100000)]) {
      expect(policy.evaluate({ q }, "c/p")).toEqual([{ result: [400000, 4000, "v".repeat(40), q, "from data"] }]);
    }
  });
});
