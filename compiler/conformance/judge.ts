/**
 * Runs one conformance case the way OPA judges its own Wasm target: compile the case's modules with its query
 * as the entrypoint, load the module with the unmodified `@open-policy-agent/opa-wasm` SDK, set data and input,
 * evaluate, and compare the result set (or the error) with what the case wants.
 */
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile } from "../index";
import { formatDiagnostic } from "../diagnostics";
import type { ConformanceCase } from "./cases";
import type { Term } from "../syntax/ast";
import { parseTerm } from "../syntax/parser";
import { formatTerm } from "../syntax/printer";
import { createHostBuiltins, hostBuiltins } from "../builtins/host";
import { TraceRecorder } from "../trace/recorder";

/** Why the strict run skips a case written for non-strict evaluation. */
export const NOT_STRICT = "not a strict-error case";

export type Verdict = { status: "pass" } | { status: "fail"; reason: string } | { status: "skip"; reason: string };

/** Host builtins OPA's own Wasm test suite defines for the wasm-cases. */
function testBuiltins(): Record<string, (...args: unknown[]) => unknown> {
  let memoCalls = 0;
  return {
    custom_builtin_test: (x: unknown) => (x as number) + 1,
    custom_builtin_test_impure: () => "foo",
    custom_builtin_test_memoization: () => (++memoCalls === 1 ? 100 : 101),
  };
}

const TEST_BUILTIN_ARITIES: Record<string, { arity: number }> = {
  custom_builtin_test: { arity: 1 },
  custom_builtin_test_impure: { arity: 0 },
  custom_builtin_test_memoization: { arity: 0 },
};

export interface JudgeOptions {
  /** Cases to skip, by id, with the reason. */
  exceptions?: ReadonlyMap<string, string>;
  /** Load modules with the bare SDK: no host-builtins library (measures which cases need it). */
  bare?: boolean;
  /**
   * Strict builtin errors (compiler option and host library): cases marked `strict_error` must then fail with
   * OPA's message, as `opa eval --strict-builtin-errors` does.
   */
  strict?: boolean;
  /** Evaluate a trace-instrumented build (events recorded and dropped): its results must be the plain build's. */
  trace?: boolean;
}

const strictHostBuiltins = createHostBuiltins({ strict: true });

export function moduleFileName(index: number): string {
  return `module${index}.rego`;
}

export function judgeCase(c: ConformanceCase, options: JudgeOptions = {}): Verdict {
  const skip = options.exceptions?.get(c.id) ?? options.exceptions?.get(c.note);
  if (skip !== undefined) return { status: "skip", reason: skip };
  // The strict run checks the error cases OPA marks strict; the others are written for non-strict evaluation.
  if (options.strict && !c.strictError) return { status: "skip", reason: NOT_STRICT };

  const compiled = compile({
    modules: c.modules.map((source, i) => ({ file: moduleFileName(i), source })),
    queries: [{ name: "eval", query: c.query }],
    customBuiltins: TEST_BUILTIN_ARITIES,
    strictBuiltinErrors: options.strict ?? false,
    ...(options.trace ? { trace: true } : {}),
  });
  if (!compiled.wasm) {
    return { status: "fail", reason: "compile: " + compiled.diagnostics.map(formatDiagnostic).join("; ") };
  }

  let results: unknown;
  let policy: LoadedPolicy | undefined;
  let input: ArrayBuffer | undefined;
  try {
    const library = options.bare ? {} : options.strict ? strictHostBuiltins : hostBuiltins;
    const recorder = compiled.traceSites ? new TraceRecorder(compiled.traceSites, () => undefined) : undefined;
    policy = loadPolicySync(compiled.wasm, undefined, { ...library, ...testBuiltins(), ...recorder?.builtins });
    recorder?.attach(policy.mem);
    if (c.data !== undefined) policy.setData(c.data as object);
    const inputText = c.inputTerm !== undefined ? regoLiteral(c.inputTerm) : c.input !== undefined ? JSON.stringify(c.input) : undefined;
    input = inputText === undefined ? undefined : toArrayBuffer(inputText);
    results = policy.evaluate(input, "eval");
  } catch (e) {
    const message = errorText(e);
    if (c.strictError && options.strict) {
      // OPA's messages start with its own file names (`test-0.rego:4: `); the rest must match.
      const wanted = c.wantError?.replace(/^[^\s:]+:\d+: /, "");
      return wanted === undefined || message.includes(wanted)
        ? { status: "pass" }
        : { status: "fail", reason: `want error containing ${JSON.stringify(c.wantError)}, got ${message}` };
    }
    if (c.wantErrorCode || c.wantError) {
      if (c.strictError) return { status: "fail", reason: `strict-only error raised in non-strict mode: ${message}` };
      const expected = /var assignment conflict|object insert conflict/;
      if (c.wantError && !c.wantErrorCode && message.includes(c.wantError)) return { status: "pass" };
      if (expected.test(message)) return { status: "pass" };
      return { status: "fail", reason: `wrong error: ${message}` };
    }
    return { status: "fail", reason: `error: ${message}` };
  }

  if (c.wantErrorCode || c.wantError) {
    if (c.strictError && options.strict) {
      return { status: "fail", reason: `want error ${JSON.stringify(c.wantError ?? c.wantErrorCode)} in strict mode, got ${show(results)}` };
    }
    if (c.strictError) {
      // Non-strict evaluation: the builtin error makes its expression undefined; some cases state what remains.
      if (c.wantResult !== undefined && !isEmpty(results)) {
        const got = normalizeResults(results as Array<Record<string, unknown>>, c.sortBindings ?? false);
        const want = normalizeResults(c.wantResult, c.sortBindings ?? false);
        return got === want ? { status: "pass" } : { status: "fail", reason: `want ${want} or no result, got ${got}` };
      }
      return isEmpty(results) ? { status: "pass" } : { status: "fail", reason: `want no result, got ${show(results)}` };
    }
    return { status: "fail", reason: `want error ${c.wantError ?? c.wantErrorCode}, got ${show(results)}` };
  }
  if (c.wantDefined !== undefined) {
    const defined = !isEmpty(results);
    return defined === c.wantDefined
      ? { status: "pass" }
      : { status: "fail", reason: `want defined=${c.wantDefined}, got ${show(results)}` };
  }
  if (c.wantResult !== undefined) {
    // OPA compares numbers exactly; the SDK's JSON.parse rounds integers beyond 2^53, so such results are
    // compared in the module's Rego output, where numbers keep their digits.
    if (c.wantResultExact !== undefined && policy) {
      const exact = evaluateAsRego(policy, input);
      return sameAsTyped(exact, c.wantResultExact)
        ? { status: "pass" }
        : { status: "fail", reason: `want ${show(c.wantResultExact)} exactly, got ${exact ? formatTerm(exact) : "nothing"}` };
    }
    const got = normalizeResults(results as Array<Record<string, unknown>>, c.sortBindings ?? false);
    const want = normalizeResults(c.wantResult, c.sortBindings ?? false);
    if (got === want) return { status: "pass" };
    // JSON shows sets as arrays in some order; OPA's Wasm runtime lists them in its hash-table order, its
    // interpreter sorted. Sets are unordered, so a set in the result matches the expected array in any order.
    if (policy && sameAsTyped(evaluateAsRego(policy, input), c.wantResult)) return { status: "pass" };
    return { status: "fail", reason: `want ${want}, got ${got}` };
  }
  return { status: "fail", reason: "case states no expectation" };
}

type LoadedPolicy = ReturnType<typeof loadPolicySync>;

/** The result set in Rego syntax (sets stay sets), through the module's `opa_eval` with format 1. */
function evaluateAsRego(policy: LoadedPolicy, input: ArrayBuffer | undefined): Term | undefined {
  const sdk = policy as unknown as {
    wasmInstance: WebAssembly.Instance;
    mem: WebAssembly.Memory;
    dataAddr: number;
    dataHeapPtr: number;
    entrypoints: Record<string, number>;
  };
  const exports = sdk.wasmInstance.exports as Record<string, (...args: number[]) => number>;
  const bytes = new Uint8Array(input ?? new ArrayBuffer(0));
  const need = sdk.dataHeapPtr + bytes.length - sdk.mem.buffer.byteLength;
  if (need > 0) sdk.mem.grow(Math.ceil(need / 65536));
  new Uint8Array(sdk.mem.buffer).set(bytes, sdk.dataHeapPtr);
  const addr = exports.opa_eval(0, sdk.entrypoints.eval, sdk.dataAddr, sdk.dataHeapPtr, bytes.length, sdk.dataHeapPtr + bytes.length, 1);
  const view = new Uint8Array(sdk.mem.buffer);
  let end = addr;
  while (view[end] !== 0) end++;
  return parseTerm(new TextDecoder().decode(view.subarray(addr, end))).term;
}

/** Whether a result set (a Rego term) equals the expected bindings, comparing its sets without order. */
function sameAsTyped(got: Term | undefined, want: ReadonlyArray<Record<string, unknown>>): boolean {
  return got !== undefined && (got.type === "set" || got.type === "array") && unordered(got.items, want);
}

function unordered(items: readonly Term[], want: readonly unknown[]): boolean {
  if (items.length !== want.length) return false;
  const used = new Set<number>();
  return want.every((w) => {
    const i = items.findIndex((t, j) => !used.has(j) && matches(t, w));
    if (i < 0) return false;
    used.add(i);
    return true;
  });
}

function matches(t: Term, w: unknown): boolean {
  switch (t.type) {
    case "null":
      return w === null;
    case "boolean":
      return w === t.value;
    case "number":
      if (typeof w === "bigint") return /^-?\d+$/.test(t.text) && BigInt(t.text) === w;
      return typeof w === "number" && Number(t.text) === w;
    case "string":
      return w === t.value;
    case "set":
      return Array.isArray(w) && unordered(t.items, w);
    case "array":
      return Array.isArray(w) && w.length === t.items.length && t.items.every((item, i) => matches(item, w[i]));
    case "object": {
      if (!w || typeof w !== "object" || Array.isArray(w)) return false;
      const keys = Object.keys(w);
      return (
        keys.length === t.entries.length &&
        t.entries.every(([k, v]) => {
          const key = k.type === "string" ? k.value : k.type === "number" ? k.text : undefined;
          return key !== undefined && key in w && matches(v, (w as Record<string, unknown>)[key]);
        })
      );
    }
    default:
      return false;
  }
}

/** An `input_term` (Rego syntax, perhaps with trailing commas) as a plain literal the module's parser reads. */
function regoLiteral(text: string): string {
  const parsed = parseTerm(text);
  return parsed.term ? formatTerm(parsed.term) : text;
}

function toArrayBuffer(text: string): ArrayBuffer {
  const bytes = new TextEncoder().encode(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function errorText(e: unknown): string {
  if (typeof e === "string") return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === "object" && "message" in e) return String((e as { message: unknown }).message);
  return String(e);
}

function isEmpty(results: unknown): boolean {
  return Array.isArray(results) && results.length === 0;
}

function show(v: unknown): string {
  const s = JSON.stringify(v, (_key, x) => (typeof x === "bigint" ? x.toString() : x));
  return s.length > 400 ? s.slice(0, 400) + "…" : s;
}

/** Canonical text of a result set: bindings sorted, keys sorted, arrays sorted where the case says so. */
export function normalizeResults(results: ReadonlyArray<Record<string, unknown>>, sortBindings: boolean): string {
  const bindings = results.map((b) => {
    const fields = Object.keys(b)
      .sort()
      .map((key) => {
        const v = b[key];
        const text = sortBindings && Array.isArray(v) ? "[" + v.map(canonical).sort().join(",") + "]" : canonical(v);
        return JSON.stringify(key) + ":" + text;
      });
    return "{" + fields.join(",") + "}";
  });
  return "[" + bindings.sort().join(",") + "]";
}

/** JSON text with object keys sorted, so equal documents have equal text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return "[" + v.map(canonical).join(",") + "]";
  if (v && typeof v === "object") {
    const obj = v as Record<string, unknown>;
    return "{" + Object.keys(obj).sort().map((k) => JSON.stringify(k) + ":" + canonical(obj[k])).join(",") + "}";
  }
  return JSON.stringify(v);
}
