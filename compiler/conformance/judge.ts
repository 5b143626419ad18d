/**
 * Runs one conformance case the way OPA judges its own Wasm target: compile the case's modules with its query
 * as the entrypoint, load the module with the unmodified `@open-policy-agent/opa-wasm` SDK, set data and input,
 * evaluate, and compare the result set (or the error) with what the case wants.
 */
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile } from "../index";
import { formatDiagnostic } from "../diagnostics";
import type { ConformanceCase } from "./cases";
import { createHostBuiltins, hostBuiltins } from "../builtins/host";

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
}

const strictHostBuiltins = createHostBuiltins({ strict: true });

export function moduleFileName(index: number): string {
  return `module${index}.rego`;
}

export function judgeCase(c: ConformanceCase, options: JudgeOptions = {}): Verdict {
  const skip = options.exceptions?.get(c.id) ?? options.exceptions?.get(c.note);
  if (skip !== undefined) return { status: "skip", reason: skip };
  // The strict run checks the error cases OPA marks strict; the others are written for non-strict evaluation.
  if (options.strict && !c.strictError) return { status: "skip", reason: "not a strict-error case" };

  const compiled = compile({
    modules: c.modules.map((source, i) => ({ file: moduleFileName(i), source })),
    queries: [{ name: "eval", query: c.query }],
    customBuiltins: TEST_BUILTIN_ARITIES,
    strictBuiltinErrors: options.strict ?? false,
  });
  if (!compiled.wasm) {
    return { status: "fail", reason: "compile: " + compiled.diagnostics.map(formatDiagnostic).join("; ") };
  }

  let results: unknown;
  try {
    const library = options.bare ? {} : options.strict ? strictHostBuiltins : hostBuiltins;
    const policy = loadPolicySync(compiled.wasm, undefined, { ...library, ...testBuiltins() });
    if (c.data !== undefined) policy.setData(c.data as object);
    const inputText = c.inputTerm ?? (c.input !== undefined ? JSON.stringify(c.input) : undefined);
    const input = inputText === undefined ? undefined : toArrayBuffer(inputText);
    results = policy.evaluate(input, "eval");
  } catch (e) {
    const message = errorText(e);
    if (c.wantErrorCode || c.wantError) {
      if (c.strictError && options.strict) {
        // OPA's messages start with its own file names (`test-0.rego:4: `); the rest must match.
        const wanted = c.wantError?.replace(/^[^\s:]+:\d+: /, "");
        return wanted === undefined || message.includes(wanted)
          ? { status: "pass" }
          : { status: "fail", reason: `want error containing ${JSON.stringify(c.wantError)}, got ${message}` };
      }
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
    const got = normalizeResults(results as Array<Record<string, unknown>>, c.sortBindings ?? false);
    const want = normalizeResults(c.wantResult, c.sortBindings ?? false);
    return got === want ? { status: "pass" } : { status: "fail", reason: `want ${want}, got ${got}` };
  }
  return { status: "fail", reason: "case states no expectation" };
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
  const s = JSON.stringify(v);
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
