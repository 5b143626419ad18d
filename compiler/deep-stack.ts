/**
 * Runs a compiler task synchronously on a worker thread whose stack holds the deepest nesting OPA's parser
 * accepts, as rustc runs its compiler on a thread with a big stack. `compile()` and the CLI call it only when a
 * compile exhausts the ordinary stack, so policies of everyday depth pay nothing. Takes a task name and its
 * argument, returns the task's result (or rethrows its error).
 */
import * as path from "path";
import { MessageChannel, receiveMessageOnPort, Worker, workerData, type MessagePort } from "worker_threads";

/**
 * The worker's stack. Every stage (parser, checks, code generation, constant encoding) recurses once or a few
 * times per nesting level; at OPA's depth limit each construct compiles and evaluates within 48 MiB (32 MiB is
 * too little for 12,499 parentheses or 9,999 nested calls), so this leaves a fivefold margin. The stack is
 * reserved, not committed: memory grows only with the depth actually reached.
 */
export const DEEP_STACK_MB = 256;

export type DeepStackTask = "compile" | "parseModule";

interface Request {
  task: DeepStackTask;
  argument: unknown;
  done: Int32Array;
  port: MessagePort;
}

type Reply = { ok: true; value: unknown; json: boolean } | { ok: false; message: string; name: string; stack?: string };

/** Whether `e` is V8's "Maximum call stack size exceeded". */
export function isStackExhausted(e: unknown): boolean {
  return e instanceof RangeError && /call stack/.test(e.message);
}

/** Whether this thread is already the deep-stack worker (where a further exhaustion is final). */
export function onDeepStack(): boolean {
  return (workerData as { deepStackTask?: unknown } | null)?.deepStackTask !== undefined;
}

/** Runs `task` on a deep-stack worker and blocks until it answers. */
export function runOnDeepStack<T>(task: DeepStackTask, argument: unknown): T {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const request: Request = { task, argument, done, port: port2 };
  const worker = new Worker(workerSource(), {
    eval: true,
    workerData: { deepStackTask: request },
    transferList: [port2],
    resourceLimits: { stackSizeMb: DEEP_STACK_MB },
    stdout: false,
    stderr: false,
  });
  try {
    Atomics.wait(done, 0, 0);
    const reply = receiveMessageOnPort(port1)?.message as Reply | undefined;
    if (!reply) throw new Error(`the deep-stack worker ended without answering (${task})`);
    if (!reply.ok) {
      const error = reply.name === "RangeError" ? new RangeError(reply.message) : new Error(reply.message);
      if (reply.stack) error.stack = reply.stack;
      throw error;
    }
    // Deeply nested values come back as JSON text: V8 parses JSON without recursion, while structured cloning
    // would rebuild them recursively on this thread's ordinary stack.
    return (reply.json ? JSON.parse(reply.value as string) : reply.value) as T;
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/**
 * The worker's entry: loads this module (through tsx when the compiler runs from its TypeScript sources). Should
 * loading fail, it still answers, since the waiting thread cannot hear the worker's error event.
 */
function workerSource(): string {
  const self = __filename;
  const loader = self.endsWith(".ts") ? `require(${JSON.stringify(require.resolve("tsx/cjs"))});` : "";
  return `try {
  ${loader}
  require(${JSON.stringify(path.resolve(self))}).serveDeepStackTask();
} catch (e) {
  const { done, port } = require("worker_threads").workerData.deepStackTask;
  port.postMessage({ ok: false, name: "Error", message: "the deep-stack worker could not start: " + (e && e.message), stack: e && e.stack });
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}`;
}

/** Worker side: runs the requested task, posts the reply and wakes the waiting thread. */
export function serveDeepStackTask(): void {
  const { task, argument, done, port } = (workerData as { deepStackTask: Request }).deepStackTask;
  let reply: Reply;
  try {
    reply = perform(task, argument);
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    reply = { ok: false, message: error.message, name: error.name, stack: error.stack };
  }
  port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
  port.close();
}

function perform(task: DeepStackTask, argument: unknown): Reply {
  // Required here, not at the top: the compiler's entry module requires this one.
  switch (task) {
    case "compile": {
      const { compile } = require("./index") as typeof import("./index");
      return { ok: true, value: compile(argument as import("./index").CompileOptions), json: false };
    }
    case "parseModule": {
      const { parseModuleText } = require("./syntax/parser") as typeof import("./syntax/parser");
      const [source, file, options] = argument as Parameters<typeof parseModuleText>;
      return { ok: true, value: JSON.stringify(parseModuleText(source, file, options)), json: true };
    }
  }
}
