/**
 * Runs `regoc test`'s tests with OPA's per-test timeout: the tests are evaluated in a worker thread
 * (test-worker.ts) while this thread keeps each one's deadline. A test that overruns is stopped there, by ending
 * the thread (which interrupts running Wasm and host builtins alike), and reported as OPA reports a cancelled
 * evaluation; the remaining tests go on in a fresh thread. One thread serves the whole run unless one is stopped,
 * and stays warm a few seconds for the next run in the same process.
 */
import * as path from "path";
import { Worker } from "worker_threads";
import { errorMessage } from "./command";
import type { DiscoveredTest } from "./test-discovery";
import { TestResult, unrunResult } from "./test-report";
import type { WorkerJob, WorkerMessage } from "./test-worker";

/** What OPA's topdown reports when a test's context deadline passes (`eval_cancel_error`, from ctx.Err()). */
export const TIMEOUT_ERROR = "eval_cancel_error: context deadline exceeded";

/** Node's timers take at most 2^31-1 ms; a longer timeout is, in practice, none. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** How long an idle worker waits for another run (in-process callers: tests, `npm run realworld`). */
const IDLE_MS = 5000;

export interface RunOptions extends Omit<WorkerJob, "tests"> {
  /** Each test's time limit, in nanoseconds. */
  timeoutNs: number;
}

/** Every test's result, in the order given. */
export async function runTests(options: RunOptions, tests: readonly DiscoveredTest[]): Promise<TestResult[]> {
  const results: TestResult[] = [];
  while (results.length < tests.length) {
    const batch = await runInWorker(options, tests.slice(results.length));
    results.push(...batch);
  }
  return results;
}

/** Starts a worker ahead of need, so that loading its modules overlaps parsing and compiling the tests. */
export function prepareTestWorker(): void {
  if (!spare) park(startWorker());
}

/**
 * Runs the tests in one worker until they are all done or one has to be stopped; the stopped test's result
 * (a timeout, or the thread's crash) is the last of those returned.
 */
function runInWorker(options: RunOptions, tests: DiscoveredTest[]): Promise<TestResult[]> {
  const { timeoutNs, ...job } = options;
  const worker = takeWorker();
  const results: TestResult[] = [];
  return new Promise<TestResult[]>((resolve, reject) => {
    let ready = false;
    let timer: NodeJS.Timeout | undefined;
    let started = 0n;
    // What the test under way printed and noted so far: kept if it has to be stopped.
    let partial = unrunResult(tests[0]);
    const detach = () => {
      clearTimeout(timer);
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
    };
    // Ending the thread is what stops a running test.
    const stop = (error: string) => {
      detach();
      results.push({ ...partial, durationNs: Number(process.hrtime.bigint() - started), error });
      worker.terminate().then(() => resolve(results), reject);
    };
    const fail = (error: unknown) => {
      detach();
      worker.terminate().then(() => reject(error), reject);
    };
    const armDeadline = () => {
      clearTimeout(timer);
      started = process.hrtime.bigint();
      partial = unrunResult(tests[results.length]);
      const ms = timeoutNs / 1e6;
      if (ms <= LONGEST_TIMER_MS) timer = setTimeout(() => stop(TIMEOUT_ERROR), ms);
    };
    function onMessage(m: WorkerMessage) {
      if (m.kind === "output") return void partial.output.push(m.line);
      if (m.kind === "note") return void partial.notes.push(m.note);
      if (m.kind === "result") results.push(m.result);
      else ready = true;
      if (results.length < tests.length) return armDeadline();
      detach();
      park(worker);
      resolve(results);
    }
    // Before the module loaded no test ran: that is the run failing, not a test. After, the test under way took
    // the thread down (out of memory, say): it is that test's error, and the others go on.
    function onError(e: unknown) {
      if (!ready) fail(e);
      else stop(`eval_internal_error: ${errorMessage(e)}`);
    }
    function onExit(code: number) {
      if (!ready) fail(new Error(`the test worker exited (${code}) before it loaded the module`));
      else stop(`eval_internal_error: the test worker exited (${code})`);
    }
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    worker.postMessage({ ...job, tests } satisfies WorkerJob);
  });
}

/** The idle worker, if any: it keeps no process alive and ends after IDLE_MS unused. */
let spare: { worker: Worker; idle: NodeJS.Timeout } | undefined;

function takeWorker(): Worker {
  if (!spare) return startWorker();
  const { worker, idle } = spare;
  spare = undefined;
  clearTimeout(idle);
  worker.ref();
  return worker;
}

function park(worker: Worker): void {
  if (spare) {
    void worker.terminate();
    return;
  }
  worker.unref();
  const idle = setTimeout(() => {
    if (spare?.worker === worker) spare = undefined;
    void worker.terminate();
  }, IDLE_MS);
  idle.unref();
  spare = { worker, idle };
}

/**
 * From lib/ (the installed package) the worker is the compiled test-worker.js. Run from the TypeScript sources
 * (ts-jest, tsx) it is test-worker.ts, which plain node cannot load: tsx, a development dependency then
 * present, compiles it and what it imports (and `--builtins` modules written in TypeScript).
 */
function startWorker(): Worker {
  const entry = path.join(__dirname, `test-worker${path.extname(__filename)}`);
  const worker = entry.endsWith(".ts")
    ? new Worker(`require(${JSON.stringify(require.resolve("tsx/cjs"))});\nrequire(${JSON.stringify(entry)});\n`, { eval: true })
    : new Worker(entry);
  // A worker that fails while idle is forgotten; the run that takes it next sees it exit and starts another.
  worker.on("error", () => undefined).on("exit", () => {
    if (spare?.worker === worker) {
      clearTimeout(spare.idle);
      spare = undefined;
    }
  });
  return worker;
}
