/**
 * The plan-time gate on a generated plan of 10,000 Ground Truth buckets with their CORS configurations: the gate's
 * time (load the policy, read, evaluate) against reading + `JSON.parse` of the same file in the same process, as a
 * ratio of medians (aim: at most 3×), with where the gate's time goes and the peak memory of each, measured in a
 * fresh child process apiece. Run with `npm run bench -- gate`.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { check } from "../gate/cli";
import { nestingDepth, MAX_DEPTH } from "../gate/inputs";
import { GatePolicy } from "../gate/policy";
import { generatePlan } from "./lib/gate-plan";
import { median, ms } from "./lib/timing";

const BUCKETS = 10_000;
const RUNS = 7;

const baseline = (file: string) => (): void => {
  JSON.parse(readFileSync(file, "utf8"));
};

const gate = (file: string) => (): void => {
  const result = check([file], { cwd: path.dirname(file) });
  if (result.buckets.length !== BUCKETS || result.findings.length !== 0) throw new Error(`unexpected gate result: ${result.buckets.length} buckets, ${result.findings.length} findings`);
};

/** In a child process: one run of `mode`, then the process's peak resident memory in MiB. */
function peakMemoryChild(mode: string, file: string): void {
  (mode === "gate" ? gate(file) : baseline(file))();
  process.stdout.write(String(process.resourceUsage().maxRSS / 1024));
}

function peakMemory(mode: string, file: string): number {
  const tsx = path.join(__dirname, "..", "node_modules", ".bin", "tsx");
  const child = spawnSync(tsx, [__filename, "--peak-memory", mode, file], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout);
}

function main(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gate-bench-"));
  try {
    const file = path.join(dir, "plan.json");
    writeFileSync(file, generatePlan(BUCKETS));
    const size = readFileSync(file).length;
    console.log(`plan: ${BUCKETS} buckets + ${BUCKETS} CORS configurations, ${(size / 1e6).toFixed(1)} MB; median of ${RUNS} runs`);

    const gateTimes: number[] = [];
    const parseTimes: number[] = [];
    baseline(file)();
    gate(file)();
    for (let i = 0; i < RUNS; i++) {
      parseTimes.push(ms(baseline(file)));
      gateTimes.push(ms(gate(file)));
    }
    const parse = median(parseTimes);
    const total = median(gateTimes);

    // Where the gate's time goes, measured the same way.
    const bytes = readFileSync(file);
    const read = median(Array.from({ length: RUNS }, () => ms(() => readFileSync(file))));
    const depth = median(Array.from({ length: RUNS }, () => ms(() => nestingDepth(bytes, MAX_DEPTH))));
    const load = median(Array.from({ length: RUNS }, () => ms(() => GatePolicy.load())));
    const policy = GatePolicy.load();
    const evaluate = median(Array.from({ length: RUNS }, () => ms(() => policy.evaluate({ file, bytes }))));

    console.log(`read + JSON.parse: ${parse.toFixed(0)} ms`);
    console.log(`gate (load policy, read, evaluate): ${total.toFixed(0)} ms`);
    console.log(`  read ${read.toFixed(0)} ms, nesting check ${depth.toFixed(0)} ms, load policy ${load.toFixed(0)} ms, evaluate in Wasm (parse + policy) ${evaluate.toFixed(0)} ms`);
    console.log(`ratio gate / (read + JSON.parse): ${(total / parse).toFixed(2)}x (aim <= 3x)`);
    const peakParse = peakMemory("baseline", file);
    const peakGate = peakMemory("gate", file);
    console.log(`peak memory (fresh process each): read + JSON.parse ${peakParse.toFixed(0)} MiB, gate ${peakGate.toFixed(0)} MiB, ratio ${(peakGate / peakParse).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const flag = process.argv.indexOf("--peak-memory");
if (flag >= 0) peakMemoryChild(process.argv[flag + 1], process.argv[flag + 2]);
else main();
