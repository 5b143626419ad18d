/**
 * A policy evaluation that needs more memory than a module may use ends plainly: the module's heap never passes
 * 2 GiB (past it the SDK would read result addresses as negative numbers and report nonsense), the SDK sees an
 * "out of memory" abort, and `gt-cors check` exits 2 naming the plan and what to do, never a wrong reason.
 */
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile } from "../../compiler";
import { run } from "../../gate/cli";
import { PACK_ENTRYPOINT, REPORT_ENTRYPOINT } from "../../gate/policy";

jest.setTimeout(120_000);

/** A policy shaped like the shipped one whose report needs about 5 GB for an input string of 8 MB. */
const GREEDY = `package gtcors

import rego.v1

report := {"errors": [], "findings": [], "exceptions": [], "buckets": [], "input": {"kind": "plan", "location": ""}} if {
  long := concat("", [input.x | some i in numbers.range(1, 200)])
  longer := concat("", [long, long])
  longer != ""
}
`;
const PACK = `package gtcors.pack

rules := {}
`;

const INPUT = { format_version: "1.2", x: "a".repeat(8_000_000) };

let work: string;
let wasm: Uint8Array;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), "memory-limit-"));
  const result = compile({
    modules: [
      { file: "greedy.rego", source: GREEDY },
      { file: "pack.rego", source: PACK },
    ],
    entrypoints: [REPORT_ENTRYPOINT, PACK_ENTRYPOINT],
  });
  if (!result.wasm) throw new Error(JSON.stringify(result.diagnostics));
  wasm = result.wasm;
  await fs.writeFile(path.join(work, "greedy.wasm"), wasm);
  await fs.writeFile(path.join(work, "plan.json"), JSON.stringify(INPUT));
});

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test("the module aborts with out of memory before its memory passes 2 GiB", () => {
  const policy = loadPolicySync(wasm);
  expect(() => policy.evaluate(INPUT, REPORT_ENTRYPOINT)).toThrow(/^out of memory: evaluation needs more than 2 GiB/);
  const memory = (policy as unknown as { mem: WebAssembly.Memory }).mem;
  expect(memory.buffer.byteLength).toBeGreaterThan(2 ** 30);
  expect(memory.buffer.byteLength).toBeLessThanOrEqual(2 ** 31);
});

test("gt-cors check exits 2 saying the plan needs more memory and to split the root", async () => {
  let stdout = "";
  let stderr = "";
  const code = await run(["check", "plan.json", "--policy", "greedy.wasm"], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: work });
  expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
  expect(stderr).toMatch(/^gt-cors: plan\.json: the plan \(8 MB\) needs more memory than the policy module can use \(2 GiB of Wasm memory\); split the root/);
});
