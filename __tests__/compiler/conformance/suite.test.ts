/**
 * OPA's conformance suites, run through the compiler and the real SDK by `npm run conformance` (in worker
 * threads, so a hanging case cannot hang the tests): every case on the checked-in passing list must still pass,
 * and nothing fails outside the written exceptions (compiler/conformance/exceptions.yaml).
 * Regenerate the lists with `npm run conformance -- <dir> --update <list>` after a change that fixes cases.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { CONFORMANCE_DIR, describeWithConformance } from "../conformance-corpus";

const ROOT = path.resolve(__dirname, "../../..");
const SHARED = CONFORMANCE_DIR ?? "";

function runSuite(dir: string, list: string): { status: number; output: string } {
  try {
    const output = execFileSync(
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/conformance.ts", dir, "--check", list],
      { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    return { status: 0, output };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, output: err.stdout + err.stderr };
  }
}

function summary(output: string): { passed: number; failed: number; skipped: number } {
  const m = /(\d+) passed, (\d+) failed, (\d+) skipped\s*$/.exec(output.trim());
  if (!m) throw new Error(`no summary line in:\n${output.slice(-2000)}`);
  return { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) };
}

describeWithConformance()("OPA conformance", () => {
  test("every case on the passing list passes (cases/)", () => {
    const { status, output } = runSuite(path.join(SHARED, "cases"), "compiler/conformance/passing-cases.txt");
    const totals = summary(output);
    expect(output).not.toMatch(/regressions? against/);
    expect(status).toBe(0);
    expect(totals.passed + totals.failed + totals.skipped).toBe(1800);
    expect(totals.failed).toBe(0);
    expect(totals.passed).toBeGreaterThanOrEqual(1750);
    expect(output).toMatch(/language \+ native builtins only: \d+ cases, \d+ pass, 0 fail/);
  }, 900_000);

  test("every case on the passing list passes (wasm-cases/)", () => {
    const { status, output } = runSuite(path.join(SHARED, "wasm-cases"), "compiler/conformance/passing-wasm-cases.txt");
    const totals = summary(output);
    expect(output).not.toMatch(/regressions? against/);
    expect(status).toBe(0);
    expect(totals).toEqual({ passed: 369, failed: 0, skipped: 0 });
  }, 600_000);
});
