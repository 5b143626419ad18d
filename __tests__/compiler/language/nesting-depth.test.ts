/**
 * Nesting up to OPA's parser limit: `DefaultMaxParsingRecursionDepth = 100000` (OPA v1/ast/parser.go), counted
 * by the parsing functions that call `enter()` — 8 levels per parenthesis, 2 per array or set, 3 per object,
 * 10 per nested call argument, on top of the 8 a rule value starts at. The deepest input OPA accepts compiles and
 * evaluates to its value; one level more is OPA's `max parsing recursion depth exceeded` at the token where OPA
 * stops, and `regoc build` exits 1 with it. The `regoc` command evaluates such values too.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { Worker } from "worker_threads";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile, type CompileResult } from "../../../compiler";
import { regoc, workspace } from "../../support/regoc-harness";

const parens = (n: number) => "(".repeat(n) + "1" + ")".repeat(n);
/** `((…((input.one + 0) + 1)…) + (n-1))`: left-nested sums; the input keeps them from folding to a constant. */
const sums = (n: number) => "(".repeat(n) + "input.one" + Array.from({ length: n }, (_, i) => ` + ${i})`).join("");
const arrays = (n: number) => "[".repeat(n) + "1" + "]".repeat(n);
const objects = (n: number) => '{"a": '.repeat(n) + "1" + "}".repeat(n);
const calls = (n: number) => "f(".repeat(n) + "input.one" + ")".repeat(n);

/** The deepest nesting OPA's parser accepts in `p := <value>`, per construct. */
const DEEPEST = { parens: 12499, sums: 12498, arrays: 49996, objects: 33330, calls: 9999 };

const policy = (values: Record<string, string>) =>
  ["package deep", "f(x) := x", ...Object.entries(values).map(([name, value]) => `${name} := ${value}`)].join("\n") + "\n";

/**
 * Evaluates on a worker thread with a 64 MiB stack, as a user evaluating values nested tens of thousands deep
 * must: the runtime walks values recursively, more than the main thread's stack holds at that depth.
 */
function evaluateOnBigStack(wasm: Uint8Array, entrypoint: string): Promise<{ depth: number; leaf: unknown }> {
  const source = `
    const { parentPort, workerData } = require("worker_threads");
    const { loadPolicySync } = require(${JSON.stringify(require.resolve("@open-policy-agent/opa-wasm"))});
    const [{ result }] = loadPolicySync(workerData.wasm).evaluate({}, workerData.entrypoint);
    let value = result, depth = 0;
    while (typeof value === "object" && value !== null) { value = Array.isArray(value) ? value[0] : Object.values(value)[0]; depth++; }
    parentPort.postMessage({ depth, leaf: value });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { wasm, entrypoint }, resourceLimits: { stackSizeMb: 64 } });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

describe("the deepest nesting OPA accepts", () => {
  let compiled: CompileResult;
  beforeAll(() => {
    const source = policy({
      paren: parens(DEEPEST.parens),
      sum: sums(DEEPEST.sums),
      array: arrays(DEEPEST.arrays),
      object: objects(DEEPEST.objects),
      call: calls(DEEPEST.calls),
    });
    compiled = compile({
      modules: [{ file: "deep.rego", source }],
      entrypoints: ["deep/paren", "deep/sum", "deep/array", "deep/object", "deep/call"],
    });
  }, 120000);

  it("compiles", () => {
    expect(compiled.diagnostics).toEqual([]);
    expect(compiled.wasm).toBeDefined();
  });

  it("evaluates parentheses, sums and calls to their values", () => {
    const loaded = loadPolicySync(compiled.wasm!);
    expect(loaded.evaluate({ one: 1 }, "deep/paren")).toEqual([{ result: 1 }]);
    // 1 + (0 + 1 + … + 12497)
    expect(loaded.evaluate({ one: 1 }, "deep/sum")).toEqual([{ result: 1 + (12497 * 12498) / 2 }]);
    expect(loaded.evaluate({ one: 7 }, "deep/call")).toEqual([{ result: 7 }]);
  });

  it("evaluates arrays and objects nested to OPA's depth", async () => {
    expect(await evaluateOnBigStack(compiled.wasm!, "deep/array")).toEqual({ depth: DEEPEST.arrays, leaf: 1 });
    expect(await evaluateOnBigStack(compiled.wasm!, "deep/object")).toEqual({ depth: DEEPEST.objects, leaf: 1 });
  }, 60000);
});

describe("one level deeper than OPA accepts", () => {
  const source = policy({
    paren: parens(DEEPEST.parens + 1),
    sum: sums(DEEPEST.sums + 1),
    array: arrays(DEEPEST.arrays + 1),
    object: objects(DEEPEST.objects + 1),
    call: calls(DEEPEST.calls + 1),
  });

  it("is OPA's parse error, at the token where OPA's parser stops, for each construct", () => {
    const { diagnostics, wasm } = compile({ modules: [{ file: "deep.rego", source }], entrypoints: ["deep/paren"] });
    expect(wasm).toBeUndefined();
    const at = (row: number, col: number) => ({ code: "rego_parse_error", message: "max parsing recursion depth exceeded", row, col });
    expect(diagnostics.map((d) => ({ code: d.code, message: d.message, row: d.loc?.row, col: d.loc?.col }))).toEqual([
      // the innermost `1`, whose term would be parsed at level 8 + 8 × 12,500
      at(3, "paren := ".length + (DEEPEST.parens + 1) + 1),
      // the `.` of the innermost `input.one`, whose ref would be parsed at level 8 + 8 × 12,499 + 1
      at(4, "sum := ".length + (DEEPEST.sums + 1) + "input".length + 1),
      // the innermost `[`, whose array would be parsed at level 8 + 2 × 49,996 + 1
      at(5, "array := ".length + (DEEPEST.arrays + 1)),
      // the innermost object's value, at level 8 + 3 × 33,331
      at(6, "object := ".length + '{"a": '.length * (DEEPEST.objects + 1) + 1),
      // the innermost argument: its list would be parsed at level 8 + 10 × 9,999 + 3
      at(7, "call := ".length + "f(".length * (DEEPEST.calls + 1) + 1),
    ]);
  });

  it("makes `regoc build` exit 1 with the diagnostic and its location", async () => {
    const dir = workspace({ "deep.rego": policy({ p: arrays(DEEPEST.arrays + 1) }) });
    const out = await regoc(dir, "build", "-e", "deep/p", "-o", "deep.wasm", "deep.rego");
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`^deep\\.rego:3:${"p := ".length + DEEPEST.arrays + 1}: rego_parse_error: max parsing recursion depth exceeded`));
  });
});

describe("the regoc command", () => {
  it("evaluates an array nested as deep as OPA parses", () => {
    const dir = workspace({ "deep.rego": policy({ p: arrays(DEEPEST.arrays) }) });
    const bin = path.join(__dirname, "..", "..", "..", "bin", "regoc.js");
    const evaluated = spawnSync(process.execPath, [bin, "eval", "-d", "deep.rego", "data.deep.p"], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 24 });
    expect(evaluated.status).toBe(0);
    // Unindented: indenting 49,996 levels would take gigabytes.
    const value = "[".repeat(DEEPEST.arrays) + "1" + "]".repeat(DEEPEST.arrays);
    expect(evaluated.stdout).toBe(`{"result":[{"expressions":[{"value":${value},"text":"data.deep.p","location":{"row":1,"col":1}}]}]}\n`);
  }, 60000);
});
