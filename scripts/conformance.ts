/**
 * `npm run conformance -- [dir] [options]`: runs OPA conformance cases through the compiler and the real SDK in
 * worker threads (a case that hangs is killed and counted as failed), prints a table by category, a repro
 * command per failure and, last, `N passed, M failed, K skipped`. With `--check <list>` it exits non-zero when a
 * case on the checked-in passing list fails; `--update <list>` rewrites that list.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isMainThread, parentPort, Worker, workerData } from "worker_threads";
import { parse as parseYaml } from "yaml";
import { ConformanceCase, loadCases } from "../compiler/conformance/cases";
import { judgeCase, NOT_STRICT, Verdict } from "../compiler/conformance/judge";
import { builtinsUsed, loadNativeBuiltins } from "../compiler/conformance/builtins-used";
import { opaConformanceDir } from "../compiler/conformance/location";

const ROOT = path.resolve(__dirname, "..");
const DEFAULT_DIR = path.join(opaConformanceDir() ?? path.resolve(ROOT, "../shared/opa-conformance"), "cases");
const CASE_TIMEOUT_MS = 20_000;

interface Options {
  dir: string;
  filter?: string;
  check?: string;
  update?: string;
  json?: string;
  workers: number;
  verbose: boolean;
  /** Without the host-builtins library, as a user of the bare SDK would load the modules. */
  bare: boolean;
  /** With strict builtin errors: strict-only error cases must fail with OPA's message. */
  strict: boolean;
  /** Through trace-instrumented builds (`regoc test --explain full`'s): the results must not change. */
  trace: boolean;
}

interface Outcome {
  id: string;
  category: string;
  verdict: Verdict;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { dir: DEFAULT_DIR, workers: Math.max(1, os.cpus().length), verbose: false, bare: false, strict: false, trace: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--filter") opts.filter = value();
    else if (a === "--check") opts.check = value();
    else if (a === "--update") opts.update = value();
    else if (a === "--json") opts.json = value();
    else if (a === "--workers") opts.workers = Math.max(1, Number(value()));
    else if (a === "--verbose") opts.verbose = true;
    else if (a === "--bare") opts.bare = true;
    else if (a === "--strict") opts.strict = true;
    else if (a === "--trace") opts.trace = true;
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else opts.dir = path.resolve(a);
  }
  return opts;
}

/** Exceptions: the suite's own WASM_EXCEPTIONS.yaml (by note) and the project's list (by case id). */
function loadExceptions(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const files = [path.join(dir, "..", "WASM_EXCEPTIONS.yaml"), path.join(ROOT, "compiler/conformance/exceptions.yaml")];
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, string>;
    for (const [key, reason] of Object.entries(doc)) out.set(key, reason);
  }
  return out;
}

async function runAll(cases: ConformanceCase[], opts: Options): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(cases.length);
  let next = 0;
  const runWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const start = (): void => {
        if (next >= cases.length) return resolve();
        const worker = spawnWorker(opts.dir, { bare: opts.bare, strict: opts.strict, trace: opts.trace });
        let current = -1;
        let timer: NodeJS.Timeout | undefined;
        const dispatch = (): void => {
          if (next >= cases.length) {
            void worker.terminate();
            return resolve();
          }
          current = next++;
          timer = setTimeout(() => {
            outcomes[current] = outcome(cases[current], { status: "fail", reason: `timed out after ${CASE_TIMEOUT_MS} ms` });
            void worker.terminate();
            start();
          }, CASE_TIMEOUT_MS);
          worker.postMessage({ index: current, id: cases[current].id });
        };
        worker.on("message", (msg: { index: number; verdict: Verdict }) => {
          clearTimeout(timer);
          outcomes[msg.index] = outcome(cases[msg.index], msg.verdict);
          dispatch();
        });
        worker.on("error", (err) => {
          clearTimeout(timer);
          if (current >= 0 && !outcomes[current]) {
            outcomes[current] = outcome(cases[current], { status: "fail", reason: `crashed: ${err.message}` });
          }
          start();
        });
        dispatch();
      };
      start();
    });
  await Promise.all(Array.from({ length: Math.min(opts.workers, cases.length) }, runWorker));
  return outcomes;
}

/** Workers load this same file; under tsx they need its CommonJS hook registered first. */
function spawnWorker(dir: string, mode: { bare: boolean; strict: boolean; trace: boolean }): Worker {
  const source = `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(__filename)});`;
  return new Worker(source, { eval: true, workerData: { dir, ...mode } });
}

function outcome(c: ConformanceCase, verdict: Verdict): Outcome {
  return { id: c.id, category: c.category, verdict };
}

function selectCases(opts: Options): ConformanceCase[] {
  const all = loadCases(opts.dir);
  return opts.filter ? all.filter((c) => c.id.includes(opts.filter!)) : all;
}

/**
 * Cases that use only the language and the builtins OPA keeps inside its Wasm runtime: the bar for the
 * compiler alone (host builtins aside). Prints how many there are and any that fail.
 */
function reportNativeOnly(cases: ConformanceCase[], outcomes: Outcome[], dir: string): void {
  const tsv = path.join(dir, "..", "WASM_NATIVE_BUILTINS.tsv");
  if (!fs.existsSync(tsv)) return;
  const native = loadNativeBuiltins(tsv);
  const status = new Map(outcomes.map((o) => [o.id, o.verdict]));
  let count = 0;
  const failing: string[] = [];
  for (const c of cases) {
    const used = builtinsUsed(c);
    if (!used || [...used].some((b) => !native.has(b) && !b.startsWith("custom_builtin_test"))) continue;
    count++;
    const verdict = status.get(c.id);
    if (verdict?.status === "fail") failing.push(`${c.id}: ${verdict.reason.split("\n")[0].slice(0, 160)}`);
  }
  console.log(`\nlanguage + native builtins only: ${count} cases, ${count - failing.length} pass, ${failing.length} fail`);
  for (const f of failing) console.log(`- ${f}`);
}

function report(outcomes: Outcome[], opts: Options): { passed: number; failed: number; skipped: number } {
  const byCategory = new Map<string, { pass: number; fail: number; skip: number }>();
  for (const o of outcomes) {
    const row = byCategory.get(o.category) ?? { pass: 0, fail: 0, skip: 0 };
    row[o.verdict.status]++;
    byCategory.set(o.category, row);
  }
  const width = Math.max(8, ...[...byCategory.keys()].map((k) => k.length));
  console.log(`${"category".padEnd(width)}  passed  failed  skipped`);
  for (const [category, row] of [...byCategory.entries()].sort()) {
    console.log(`${category.padEnd(width)}  ${String(row.pass).padStart(6)}  ${String(row.fail).padStart(6)}  ${String(row.skip).padStart(7)}`);
  }
  const skipped = outcomes.filter((o) => o.verdict.status === "skip" && o.verdict.reason !== NOT_STRICT);
  if (skipped.length > 0) {
    console.log("\nskipped (exceptions):");
    for (const s of skipped) console.log(`- ${s.id}: ${s.verdict.status === "skip" ? s.verdict.reason : ""}`);
  }
  const failures = outcomes.filter((o) => o.verdict.status === "fail");
  if (failures.length > 0) {
    console.log("\nfailures:");
    const dirArg = path.relative(process.cwd(), opts.dir) || ".";
    for (const f of failures) {
      const reason = f.verdict.status === "fail" ? f.verdict.reason : "";
      console.log(`- ${f.id}: ${opts.verbose ? reason : reason.split("\n")[0].slice(0, 200)}`);
      console.log(`  repro: npm run conformance -- ${dirArg} --filter ${shellQuote(f.id)} --verbose`);
    }
  }
  const count = (s: Verdict["status"]): number => outcomes.filter((o) => o.verdict.status === s).length;
  return { passed: count("pass"), failed: count("fail"), skipped: count("skip") };
}

function shellQuote(s: string): string {
  return "'" + s.replace(/'/g, "'\\''") + "'";
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const cases = selectCases(opts);
  const outcomes = await runAll(cases, opts);
  const totals = report(outcomes, opts);
  reportNativeOnly(cases, outcomes, opts.dir);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(outcomes, null, 1));
  if (opts.update) {
    const passing = outcomes.filter((o) => o.verdict.status === "pass").map((o) => o.id).sort();
    fs.writeFileSync(opts.update, passing.join("\n") + "\n");
  }
  let regressions: string[] = [];
  if (opts.check) {
    const expected = fs.readFileSync(opts.check, "utf8").split("\n").filter((l) => l.trim() !== "");
    const status = new Map(outcomes.map((o) => [o.id, o.verdict.status]));
    regressions = expected.filter((id) => status.get(id) !== "pass" && (opts.filter === undefined || status.has(id)));
    if (regressions.length > 0) {
      console.log(`\n${regressions.length} regression${regressions.length === 1 ? "" : "s"} against ${path.relative(process.cwd(), opts.check)}:`);
      for (const id of regressions) console.log(`- ${id}`);
    }
  }
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return regressions.length > 0 ? 1 : 0;
}

if (isMainThread) {
  // exitCode rather than exit(): output piped to another process must be flushed first.
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      console.error(`conformance: ${err.message}`);
      process.exitCode = 2;
    },
  );
} else {
  const { dir, bare, strict, trace } = workerData as { dir: string; bare: boolean; strict: boolean; trace: boolean };
  const cases = new Map(loadCases(dir).map((c) => [c.id, c]));
  const exceptions = loadExceptions(dir);
  parentPort!.on("message", ({ index, id }: { index: number; id: string }) => {
    let verdict: Verdict;
    try {
      verdict = judgeCase(cases.get(id)!, { exceptions, bare, strict, trace });
    } catch (e) {
      verdict = { status: "fail", reason: `harness: ${(e as Error).stack ?? String(e)}` };
    }
    parentPort!.postMessage({ index, verdict });
  });
}
