/**
 * Compiles Rego sources and evaluates one rule through the unmodified opa-wasm SDK with the host library,
 * as a user of the compiler would; undefined results come back as `undefined`.
 */
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile, type CompileOptions } from "../../../compiler";
import { createHostBuiltins } from "../../../compiler/builtins/host";

export interface Evaluation {
  value: unknown;
  notes: string[];
}

export function evaluate(sources: string | string[], entrypoint: string, input: unknown = {}, options: Partial<CompileOptions> = {}): Evaluation {
  const modules = (Array.isArray(sources) ? sources : [sources]).map((source, i) => ({ file: `m${i}.rego`, source }));
  const compiled = compile({ modules, entrypoints: [entrypoint], ...options });
  if (!compiled.wasm) throw new Error(compiled.diagnostics.map((d) => `${d.code}: ${d.message}`).join("; "));
  const notes: string[] = [];
  const policy = loadPolicySync(compiled.wasm, undefined, createHostBuiltins({ onTrace: (n) => notes.push(n) }));
  const results = policy.evaluate(input, entrypoint) as Array<{ result: unknown }>;
  return { value: results.length === 0 ? undefined : results[0].result, notes };
}

/** The value of `entrypoint`, or `undefined`. */
export function valueOf(sources: string | string[], entrypoint: string, input: unknown = {}, options: Partial<CompileOptions> = {}): unknown {
  return evaluate(sources, entrypoint, input, options).value;
}

/** The diagnostics a compile reports, as `code: message`. */
export function compileErrors(sources: string | string[], options: Partial<CompileOptions> = {}): string[] {
  const modules = (Array.isArray(sources) ? sources : [sources]).map((source, i) => ({ file: `m${i}.rego`, source }));
  return compile({ modules, entrypoints: ["x/y"], ...options }).diagnostics.map((d) => `${d.code}: ${d.message}`);
}
