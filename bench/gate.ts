/**
 * The plan-time gate at scale: on generated plans shaped like real ones (bench/lib/gate-plan.ts), the time of a
 * fresh `gt-cors check` process against a fresh process that reads and `JSON.parse`s the same file (min of
 * interleaved runs, cold start included), peak memory of each, and how the gate's time per bucket grows.
 *   npm run bench -- gate                               1,000 and 10,000 buckets
 *   npm run bench:scale                                 1,000, 10,000, 50,000 and 100,000 buckets (minutes)
 *   tsx bench/gate.ts --sizes 1000,20000 --runs 5 [--policy other.wasm]
 */
import { spawnSync } from "child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { sizesFor, uncoveredBuckets, writePlan } from "./lib/gate-plan";

const ROOT = path.join(__dirname, "..");
const CLI = path.join(ROOT, "bin", "gt-cors.js");

interface Run {
  seconds: number;
  peakMiB: number;
  status: number | null;
  stderr: string;
}

/** One whole process under /usr/bin/time: wall seconds and peak resident memory. */
function measure(args: string[], stdout: number | "ignore"): Run {
  const child = spawnSync("/usr/bin/time", ["-f", "%e %M", process.execPath, ...args], { stdio: ["ignore", stdout, "pipe"], encoding: "utf8" });
  const lines = child.stderr.trimEnd().split("\n");
  const [seconds, kib] = lines.pop()!.split(" ").map(Number);
  return { seconds, peakMiB: kib / 1024, status: child.status, stderr: lines.join("\n") };
}

const baseline = (file: string): Run => measure(["-e", "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))", file], "ignore");

function gate(file: string, report: string, policy: string | undefined): Run {
  const out = openSync(report, "w");
  try {
    return measure([CLI, "check", file, "--format", "json", ...(policy ? ["--policy", path.resolve(policy)] : [])], out);
  } finally {
    closeSync(out);
  }
}

/** The gate must have judged every bucket, and failed exactly the ones the plan leaves without CORS. */
function verdictProblem(report: string, buckets: number): string | null {
  const result = JSON.parse(readFileSync(report, "utf8")) as { buckets: Array<{ address: string; compliant: boolean }> };
  if (result.buckets.length !== buckets) return `judged ${result.buckets.length} of ${buckets} buckets`;
  const failing = result.buckets.filter((b) => !b.compliant).map((b) => b.address).sort();
  const expected = uncoveredBuckets(sizesFor(buckets)).sort();
  if (failing.join("\n") !== expected.join("\n")) return `failed ${failing.length} buckets, expected the ${expected.length} without CORS`;
  return null;
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

function main(): void {
  const { values } = parseArgs({
    options: { sizes: { type: "string", default: "1000,10000" }, runs: { type: "string", default: "3" }, policy: { type: "string" } },
  });
  const sizes = values.sizes.split(",").map(Number);
  const runs = Number(values.runs);
  const build = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.cli.json"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) throw new Error("tsc -p tsconfig.cli.json failed");

  const dir = mkdtempSync(path.join(os.tmpdir(), "gate-bench-"));
  const rows: Array<{ buckets: number; gate: number }> = [];
  let failed = false;
  console.log(`fresh processes, min of ${runs} interleaved runs; gate = \`gt-cors check plan.json --format json\`, baseline = read + JSON.parse; aim: ratio <= 3x, growth <= 1`);
  console.log("buckets   plan MB   gate s   baseline s   ratio   gate peak MiB   baseline peak MiB   verdict");
  try {
    for (const buckets of sizes) {
      const file = path.join(dir, `plan-${buckets}.json`);
      const fd = openSync(file, "w");
      writePlan(sizesFor(buckets), (chunk) => writeSync(fd, chunk));
      closeSync(fd);
      const report = path.join(dir, "report.json");
      let gateBest: Run | null = null;
      let baseBest: Run | null = null;
      let peakGate = 0;
      let peakBase = 0;
      let verdict = "right";
      for (let i = 0; i < runs; i++) {
        const b = baseline(file);
        if (b.status === 0) {
          peakBase = Math.max(peakBase, b.peakMiB);
          if (!baseBest || b.seconds < baseBest.seconds) baseBest = b;
        }
        const g = gate(file, report, values.policy);
        peakGate = Math.max(peakGate, g.peakMiB);
        if (g.status !== 0 && g.status !== 1) {
          verdict = `exit ${g.status}: ${g.stderr.trim().slice(0, 300)}`;
          break;
        }
        const problem = verdictProblem(report, buckets);
        if (problem) {
          verdict = `WRONG: ${problem}`;
          break;
        }
        if (!gateBest || g.seconds < gateBest.seconds) gateBest = g;
      }
      if (verdict !== "right") failed = true;
      const gateS = gateBest?.seconds ?? NaN;
      const baseS = baseBest?.seconds ?? NaN;
      if (gateBest) rows.push({ buckets, gate: gateS });
      const mb = statSync(file).size / 1e6;
      console.log(
        [
          String(buckets).padStart(7),
          fmt(mb, 1).padStart(9),
          fmt(gateS).padStart(8),
          (baseBest ? fmt(baseS) : "n/a (too long for a JS string)").padStart(12),
          fmt(gateS / baseS).padStart(7) + "x",
          fmt(peakGate, 0).padStart(14),
          (baseBest ? fmt(peakBase, 0) : "n/a").padStart(19),
          `  ${verdict}`,
        ].join(" "),
      );
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (rows.length >= 2) {
    const first = rows[0];
    const last = rows[rows.length - 1];
    const growth = last.gate / last.buckets / (first.gate / first.buckets);
    console.log(`growth: gate time per bucket at ${last.buckets} / at ${first.buckets} = ${fmt(growth)} (linear or better: <= 1, cold start included)`);
  }
  if (failed) process.exit(1);
}

main();
