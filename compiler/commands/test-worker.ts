/**
 * The thread `regoc test` evaluates its tests in (started by test-runner.ts). For each job it is sent it loads
 * the compiled module with the host builtins and the `--builtins` modules, evaluates the job's tests in order and
 * posts back each result as plain data, so that the main thread can stop a test that overruns its timeout by
 * ending this thread. Between jobs it waits, warm, for the next.
 */
import { parentPort } from "worker_threads";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { createHostBuiltins } from "../builtins/host";
import { loadCustomBuiltins } from "./custom-builtins";
import { errorMessage } from "./command";
import type { DiscoveredTest } from "./test-discovery";
import { SubResult, TestResult, unrunResult } from "./test-report";

/** A job: everything plain data or a compiled module, as a message between threads can carry. */
export interface WorkerJob {
  module: WebAssembly.Module;
  /** The data document (`data`) the tests run against. */
  data: unknown;
  /** `--builtins` module paths, loaded again here: functions cannot cross threads. */
  builtins: string[];
  cwd: string;
  strict: boolean;
  tests: DiscoveredTest[];
}

/**
 * What a worker posts: `ready` once the module is loaded, then one `result` per test, in order. A test's `print`
 * lines and `trace` notes are also posted as they come, so a test stopped on its timeout keeps them, as in OPA.
 */
export type WorkerMessage =
  | { kind: "ready" }
  | { kind: "result"; result: TestResult }
  | { kind: "output"; line: string }
  | { kind: "note"; note: string };

type LoadedPolicy = ReturnType<typeof loadPolicySync>;

/** What the test under way records through the host library's listeners: `trace` notes. */
export interface Capture {
  notes: string[];
}

async function runJob(setup: WorkerJob, post: (m: WorkerMessage) => void): Promise<void> {
  const capture: Capture = { notes: [] };
  const custom = await loadCustomBuiltins(setup.builtins, setup.cwd, setup.strict);
  const host = createHostBuiltins({
    strict: setup.strict,
    onTrace: (note) => {
      capture.notes.push(note);
      post({ kind: "note", note });
    },
  });
  const policy = loadPolicySync(setup.module, undefined, { ...host, ...custom.implementations });
  policy.setData(setup.data as object);
  post({ kind: "ready" });
  for (const t of setup.tests) post({ kind: "result", result: runTest(policy, t, capture, post) });
}

function runTest(policy: LoadedPolicy, t: DiscoveredTest, capture: Capture, post: (m: WorkerMessage) => void): TestResult {
  const result = unrunResult(t);
  if (t.skip) return result;
  capture.notes = result.notes;
  // The SDK writes `print` output with console.log; OPA keeps it with the test that printed it.
  const log = console.log;
  console.log = (...args: unknown[]) => {
    const line = args.map(String).join(" ");
    result.output.push(line);
    post({ kind: "output", line });
  };
  const started = process.hrtime.bigint();
  try {
    const rs = policy.evaluate(undefined, t.entrypoint) as Array<{ result: unknown }>;
    if (rs.length === 0) result.fail = true;
    else if (t.parameterised && isObject(rs[0].result)) {
      result.subResults = subResults(rs[0].result);
      for (const name of startedCases(policy, t)) {
        if (!result.subResults.some((s) => s.name === name)) result.subResults.push({ name, fail: true, subResults: [] });
      }
      result.fail = anyFailed(result.subResults);
    } else result.fail = rs[0].result !== true;
  } catch (e) {
    result.error = errorMessage(e);
  } finally {
    result.durationNs = Number(process.hrtime.bigint() - started);
    console.log = log;
  }
  return result;
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

if (parentPort) {
  const port = parentPort;
  // A failure to load is an unhandled rejection: it ends the thread with an `error` event the main thread reports.
  port.on("message", (job: WorkerJob) => void runJob(job, (m) => port.postMessage(m)));
}
