/**
 * Evaluates `regoc test`'s tests with OPA's per-test timeout, in this thread: the tests run under node's script
 * watchdog (`vm`'s `timeout`), which interrupts running Wasm and host builtins alike once the timeout passes. The
 * stopped test is reported as OPA reports a cancelled evaluation, with what it printed and noted so far; the
 * module is instantiated afresh and the remaining tests go on. Each result is plain data (test-report.ts).
 */
import * as vm from "vm";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { createHostBuiltins, HostBuiltin } from "../builtins/host";
import { errorMessage } from "./command";
import type { DiscoveredTest } from "./test-discovery";
import { SubResult, TestResult, unrunResult } from "./test-report";
import { TraceRecorder, type TraceEvent } from "../trace/recorder";
import { explainTrace, type ExplainMode } from "../trace/lineage";
import type { TraceSite } from "../trace/sites";

/** What OPA's topdown reports when a test's context deadline passes (`eval_cancel_error`, from ctx.Err()). */
export const TIMEOUT_ERROR = "eval_cancel_error: context deadline exceeded";

/** The watchdog takes whole milliseconds up to 2^32-1; a longer timeout is, in practice, none. */
const LONGEST_WATCHDOG_MS = 2 ** 32 - 1;

export interface RunOptions {
  module: WebAssembly.Module;
  /** The data document (`data`) the tests run against. */
  data: object;
  /** `--builtins` implementations, beside the host library's. */
  custom: Record<string, HostBuiltin>;
  strict: boolean;
  /** Each test's time limit, in nanoseconds. */
  timeoutNs: number;
  /** A trace-instrumented module's sites, and how `--explain` filters each test's events. */
  trace?: { sites: readonly TraceSite[]; explain: ExplainMode };
}

type LoadedPolicy = ReturnType<typeof loadPolicySync>;

/**
 * What the test under way records: `trace` notes (through the host library's listener), `print` output and, in a
 * traced build, its evaluation events (through the trace recorder).
 */
export interface Capture {
  notes: string[];
  output: string[];
  trace: TraceEvent[];
}

/**
 * Every test's result, in the order given. A watchdog costs a thread, too dear for each test: the tests run in
 * batches under one watchdog of the timeout, a batch starting tests while it has used less than half of it. A
 * test stopped in a batch it did not open may not have had its full time: it runs again, first in a batch of its
 * own, and only a test stopped there is reported as timed out.
 */
export function runTests(options: RunOptions, tests: readonly DiscoveredTest[]): TestResult[] {
  const capture: Capture = { notes: [], output: [], trace: [] };
  const recorder = options.trace ? new TraceRecorder(options.trace.sites, (e) => capture.trace.push(e)) : undefined;
  const onTrace = (note: string): void => {
    capture.notes.push(note);
    recorder?.note(note);
  };
  const builtins = { ...createHostBuiltins({ strict: options.strict, onTrace }), ...options.custom, ...recorder?.builtins };
  const instantiate = () => {
    const policy = loadPolicySync(options.module, undefined, builtins);
    recorder?.attach(policy.mem);
    policy.setData(options.data);
    return policy;
  };
  const keepTrace = (result: TestResult): void => {
    if (!recorder || !options.trace) return;
    recorder.drain();
    result.trace = explainTrace(options.trace.explain, capture.trace);
    capture.trace = [];
  };
  const watchdog = new Watchdog(options.timeoutNs);
  const results: TestResult[] = [];
  let policy = instantiate();
  // The SDK writes `print` output with console.log; OPA keeps it with the test that printed it.
  const log = console.log;
  console.log = (...args: unknown[]) => void capture.output.push(args.map(String).join(" "));
  try {
    while (results.length < tests.length) {
      const first = results.length;
      let current = unrunResult(tests[first]);
      let started = process.hrtime.bigint();
      const stopped = watchdog.run((batchStarted) => {
        while (results.length < tests.length && (results.length === first || !watchdog.halfUsed(batchStarted))) {
          current = unrunResult(tests[results.length]);
          started = process.hrtime.bigint();
          runTest(policy, tests[results.length], current, capture, keepTrace);
          results.push(current);
        }
      });
      if (!stopped) continue;
      if (results.length === first) {
        // What the stopped test recorded up to its timeout stays with it, as its notes and output do.
        keepTrace(current);
        results.push({ ...current, fail: false, subResults: [], error: TIMEOUT_ERROR, durationNs: Number(process.hrtime.bigint() - started) });
      } else {
        recorder?.drain();
        capture.trace = [];
      }
      // A stopped evaluation leaves the instance's heap mid-way: what runs next gets a fresh instance.
      policy = instantiate();
    }
  } finally {
    console.log = log;
  }
  return results;
}

/** Runs a function under node's script timeout, the one way to interrupt synchronous code (and Wasm) in this thread. */
class Watchdog {
  private readonly script = new vm.Script("evaluate()");
  private readonly sandbox: { evaluate: () => void } = { evaluate: () => undefined };
  private readonly context = vm.createContext(this.sandbox);
  private readonly timeoutMs: number | undefined;

  constructor(timeoutNs: number) {
    const ms = Math.max(1, Math.ceil(timeoutNs / 1e6));
    this.timeoutMs = ms <= LONGEST_WATCHDOG_MS ? ms : undefined;
  }

  /** Whether a batch started at `batchStarted` has used half its time (never, without a timeout). */
  halfUsed(batchStarted: bigint): boolean {
    return this.timeoutMs !== undefined && Number(process.hrtime.bigint() - batchStarted) / 1e6 >= this.timeoutMs / 2;
  }

  /** Whether `batch` had to be stopped; it is given the time it started. */
  run(batch: (started: bigint) => void): boolean {
    if (this.timeoutMs === undefined) {
      batch(process.hrtime.bigint());
      return false;
    }
    this.sandbox.evaluate = () => batch(process.hrtime.bigint());
    try {
      this.script.runInContext(this.context, { timeout: this.timeoutMs });
      return false;
    } catch (e) {
      if ((e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return true;
      throw e;
    }
  }
}

/**
 * Fills in the result; no `finally` here: a stopped evaluation runs none. `keepTrace` takes the test's own
 * evaluation's trace (the later evaluation of its cases is not traced).
 */
function runTest(policy: LoadedPolicy, t: DiscoveredTest, result: TestResult, capture: Capture, keepTrace: (r: TestResult) => void): void {
  if (t.skip) return;
  capture.notes = result.notes;
  capture.output = result.output;
  capture.trace = [];
  const started = process.hrtime.bigint();
  let traceKept = false;
  try {
    const rs = policy.evaluate(undefined, t.entrypoint) as Array<{ result: unknown }>;
    keepTrace(result);
    traceKept = true;
    judge(policy, t, rs, result);
  } catch (e) {
    result.error = errorMessage(e);
    if (!traceKept) keepTrace(result);
  }
  result.durationNs = Number(process.hrtime.bigint() - started);
}

/** `true` passes; undefined or any other value fails; a parameterised test is judged case by case. */
function judge(policy: LoadedPolicy, t: DiscoveredTest, rs: Array<{ result: unknown }>, result: TestResult): void {
  if (rs.length === 0) result.fail = true;
  else if (t.parameterised && isObject(rs[0].result)) {
    result.subResults = subResults(rs[0].result);
    for (const name of startedCases(policy, t)) {
      if (!result.subResults.some((s) => s.name === name)) result.subResults.push({ name, fail: true, subResults: [] });
    }
    result.fail = anyFailed(result.subResults);
  } else result.fail = rs[0].result !== true;
}

/** The cases the test's body started (its companion rule), named as OPA names them: strings as they are, else JSON. */
function startedCases(policy: LoadedPolicy, t: DiscoveredTest): string[] {
  if (!t.casesEntrypoint) return [];
  const rs = policy.evaluate(undefined, t.casesEntrypoint) as Array<{ result: unknown }>;
  const cases = rs.length > 0 && Array.isArray(rs[0].result) ? rs[0].result : [];
  return cases.map((c) => (typeof c === "string" ? c : JSON.stringify(c)));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A case is passed when its value is `true`; nested objects are nested cases (`test_x[a][b]`). */
function subResults(value: Record<string, unknown>): SubResult[] {
  return Object.entries(value).map(([name, v]) => {
    if (isObject(v)) {
      const nested = subResults(v);
      return { name, fail: anyFailed(nested), subResults: nested };
    }
    return { name, fail: v !== true, subResults: [] };
  });
}

function anyFailed(subs: readonly SubResult[]): boolean {
  return subs.some((s) => s.fail);
}
