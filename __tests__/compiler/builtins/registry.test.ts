import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BUILTINS, lookupBuiltin } from "../../../compiler/builtins/registry";
import { CONFORMANCE_DIR } from "../conformance-corpus";

const ROOT = path.resolve(__dirname, "../../..");

describe("builtin registry", () => {
  it("is generated from scripts/builtins/opa-builtins.json and up to date", () => {
    expect(() => execFileSync("node", [path.join(ROOT, "scripts/gen-builtin-registry.js"), "--check"], { stdio: "pipe" })).not.toThrow();
  });

  it("knows every builtin OPA 1.x publishes, with arity, operator and flags", () => {
    expect(BUILTINS.size).toBeGreaterThanOrEqual(200);
    expect(lookupBuiltin("count")).toMatchObject({ arity: 1, result: { kind: "number" }, relation: false, infix: null });
    expect(lookupBuiltin("plus")).toMatchObject({ arity: 2, infix: "+" });
    expect(lookupBuiltin("internal.member_3")).toMatchObject({ arity: 3, infix: "in" });
    expect(lookupBuiltin("walk")).toMatchObject({ arity: 1, relation: true });
    expect(lookupBuiltin("time.now_ns")).toMatchObject({ arity: 0, nondeterministic: true });
    expect(lookupBuiltin("print")).toMatchObject({ variadic: { kind: "any" }, result: null });
    expect(lookupBuiltin("re_match")).toMatchObject({ deprecated: true });
    expect(lookupBuiltin("nope")).toBeUndefined();
  });

  (CONFORMANCE_DIR === undefined ? it.skip : it)("covers the builtins OPA implements inside its Wasm runtime", () => {
    const tsv = path.join(CONFORMANCE_DIR ?? "", "WASM_NATIVE_BUILTINS.tsv");
    const names = fs
      .readFileSync(tsv, "utf8")
      .split("\n")
      .map((line) => line.split("\t")[0].trim())
      .filter((name) => name && !name.startsWith("#") && name !== "name");
    expect(names.length).toBeGreaterThan(90);
    expect(names.filter((n) => !BUILTINS.has(n))).toEqual([]);
  });
});
