/**
 * The compiler's API: Rego modules and entrypoints in, an OPA-ABI WebAssembly module and diagnostics out.
 * Stages, in order: parse (syntax/), check (check/: resolve, rename, order for safety, recursion, rule
 * conflicts), generate (codegen/: rules and bodies to Wasm) and link (wasm/: onto the prebuilt runtime).
 */
import * as fs from "fs";
import * as path from "path";
import { Diagnostic, diagnostic, hasErrors, sortDiagnostics } from "./diagnostics";
import { parseModule, parseQuery } from "./syntax/parser";
import { checkProgram, checkQuery } from "./check";
import type { Module } from "./syntax/ast";
import { generateModule, Entrypoint } from "./codegen/entry";
import { CodegenError } from "./codegen/body";
import type { TraceSite } from "./trace/sites";
import { isStackExhausted, onDeepStack, runOnDeepStack } from "./deep-stack";

export type { Diagnostic, DiagnosticCode, Severity as DiagnosticSeverity } from "./diagnostics";
export type { Location } from "./syntax/ast";
export type { TraceLocation, TraceNodeKind, TraceOp, TraceSite } from "./trace/sites";
export type { Json } from "./builtins/host/rego-module";

export interface SourceFile {
  /** The name diagnostics and runtime errors use, e.g. `policies/gtcors.rego`. */
  file: string;
  source: string;
  /** Rego v0 (`0`, OPA's `--v0-compatible`) or v1 (`1`); defaults to `CompileOptions.regoVersion`. */
  regoVersion?: 0 | 1;
}

export interface CompileOptions {
  modules: readonly SourceFile[];
  /**
   * The Rego version of modules that do not say: 1 (default) or 0 for OPA 1.x's `--v0-compatible`. A v0 module
   * that imports `rego.v1` is v1, and v0 and v1 modules may be compiled together, as OPA allows.
   */
  regoVersion?: 0 | 1;
  /**
   * Entrypoints as `opa build -e` takes them: `pkg/rule` or `data.pkg.rule`. Each evaluates the rule and
   * returns `[{"result": value}]`, or `[]` when undefined.
   */
  entrypoints?: readonly string[];
  /** Arbitrary queries compiled as entrypoints; results bind the query's variables. */
  queries?: ReadonlyArray<{ name: string; query: string }>;
  /** Builtins the host provides (through the SDK's `customBuiltins`), by name with their arity. */
  customBuiltins?: Readonly<Record<string, { arity: number }>>;
  /** Builtin errors abort evaluation, as `opa eval --strict-builtin-errors` does. */
  strictBuiltinErrors?: boolean;
  /**
   * Instrument the module to report evaluation events (OPA's Enter, Eval, Exit, Fail, Redo, Note) through the
   * internal host builtin `TRACE_BUILTIN`, for `regoc test --explain`; give the SDK a `TraceRecorder`'s builtins
   * built on `CompileResult.traceSites`. Off (the default), the module is exactly as without this option.
   */
  trace?: boolean;
}

export interface CompileResult {
  /** The module, when there were no errors. */
  wasm?: Uint8Array<ArrayBuffer>;
  diagnostics: Diagnostic[];
  /** With `trace`: what each site index the module reports stands for. */
  traceSites?: TraceSite[];
}

let runtimeBytes: Uint8Array | undefined;

/** The prebuilt runtime module (built by `npm run build:runtime`). */
export function loadRuntime(): Uint8Array {
  if (runtimeBytes) return runtimeBytes;
  const candidates = [
    path.join(__dirname, "runtime", "build", "runtime.wasm"),
    path.join(__dirname, "..", "..", "compiler", "runtime", "build", "runtime.wasm"),
  ];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) {
      runtimeBytes = new Uint8Array(fs.readFileSync(candidate));
      return runtimeBytes;
    }
  }
  throw new Error(`the Wasm runtime is not built (looked for ${candidates[0]}); run \`npm run build:runtime\``);
}

/** `pkg/rule` or `data.pkg.rule` → the query `result = data["pkg"]["rule"]`. */
export function entrypointQuery(entrypoint: string): string | undefined {
  const parts = entrypoint.startsWith("data.") ? entrypoint.slice(5).split(".") : entrypoint.split("/");
  if (parts.length === 0 || parts.some((p) => p === "")) return undefined;
  return "result = data" + parts.map((p) => `[${JSON.stringify(p)}]`).join("");
}

export function compile(options: CompileOptions): CompileResult {
  try {
    return compileModules(options);
  } catch (e) {
    if (!isStackExhausted(e)) throw e;
    // Every stage recurses over terms and bodies. Nesting deeper than this thread's stack holds (OPA accepts
    // parentheses 12,499 deep) is compiled again on a thread whose stack holds OPA's depth limit; the parser
    // reports anything deeper. Should even that stack run out, the policy gets a diagnostic, not a crash.
    if (!onDeepStack()) return runOnDeepStack<CompileResult>("compile", options);
    const message = "policy nests too deeply to compile (the JavaScript stack is exhausted); split the expression into several";
    return { diagnostics: [diagnostic("rego_compile_error", message)] };
  }
}

function compileModules(options: CompileOptions): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const modules: Module[] = [];
  for (const { file, source, regoVersion } of options.modules) {
    const parsed = parseModule(source, file, { regoVersion: regoVersion ?? options.regoVersion ?? 1 });
    diagnostics.push(...parsed.diagnostics);
    if (parsed.module) modules.push(parsed.module);
  }
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };

  const checkOptions = { customBuiltins: options.customBuiltins };
  const checked = checkProgram(modules, checkOptions);
  diagnostics.push(...checked.diagnostics);

  const queries: Array<{ name: string; text: string; shown?: string }> = [];
  for (const ep of options.entrypoints ?? []) {
    const text = entrypointQuery(ep);
    if (text === undefined) diagnostics.push(diagnostic("rego_compile_error", `invalid entrypoint ${JSON.stringify(ep)}`));
    else {
      const name = ep.startsWith("data.") ? ep.slice(5).split(".").join("/") : ep;
      // A trace shows a rule entrypoint as OPA's query for it, e.g. `data.pkg.test_x = _`.
      queries.push({ name, text, shown: `data.${name.split("/").join(".")} = _` });
    }
  }
  for (const q of options.queries ?? []) queries.push({ name: q.name, text: q.query });
  if (queries.length === 0) diagnostics.push(diagnostic("rego_compile_error", "no entrypoints given"));

  const entrypoints: Entrypoint[] = [];
  for (const q of queries) {
    const parsed = parseQuery(q.text, `entrypoint:${q.name}`);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.query) continue;
    const cq = checkQuery(parsed.query, checked.program, checkOptions);
    diagnostics.push(...cq.diagnostics);
    entrypoints.push({ name: q.name, query: cq.query, ...(q.shown !== undefined ? { shown: q.shown } : {}) });
  }
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };

  const hostBuiltins = new Map(Object.entries(options.customBuiltins ?? {}).map(([name, spec]) => [name, spec.arity]));
  try {
    let traceSites: TraceSite[] | undefined;
    const wasm = generateModule(
      loadRuntime(),
      checked.program,
      entrypoints,
      { hostBuiltins, strictBuiltinErrors: options.strictBuiltinErrors ?? false, ...(options.trace ? { trace: true } : {}) },
      (sites) => (traceSites = sites),
    );
    return { wasm, diagnostics: sortDiagnostics(diagnostics), ...(traceSites ? { traceSites } : {}) };
  } catch (e) {
    if (e instanceof CodegenError) {
      diagnostics.push(diagnostic("rego_compile_error", e.message, e.at.loc));
      return { diagnostics: sortDiagnostics(diagnostics) };
    }
    throw e;
  }
}
