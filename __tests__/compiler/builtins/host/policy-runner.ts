/**
 * Runs a rule through the real path host builtins take: the compiler, the unmodified opa-wasm SDK and the
 * host-builtins library (non-strict, or strict with the module compiled for strict builtin errors).
 */
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile } from "../../../../compiler";
import { createHostBuiltins, hostBuiltins } from "../../../../compiler/builtins/host";

const strictBuiltins = createHostBuiltins({ strict: true });

export interface RunOptions {
  strict?: boolean;
  input?: unknown;
}

/** A loaded policy for `package t` whose rule `p` is the entrypoint `t/p`. */
export function loadRule(body: string, options: RunOptions = {}): { evaluate(input?: unknown): unknown[] } {
  const source = `package t\n\n${body}\n`;
  const compiled = compile({ modules: [{ file: "t.rego", source }], entrypoints: ["t/p"], strictBuiltinErrors: options.strict });
  if (!compiled.wasm) throw new Error(compiled.diagnostics.map((d) => d.message).join("; "));
  const policy = loadPolicySync(compiled.wasm, undefined, options.strict ? strictBuiltins : hostBuiltins);
  return { evaluate: (input?: unknown) => policy.evaluate(input ?? options.input ?? {}, "t/p") as unknown[] };
}

/** The value of `p`, or `undefined` when it is undefined. */
export function evalRule(body: string, options: RunOptions = {}): unknown {
  const results = loadRule(body, options).evaluate();
  return results.length === 0 ? undefined : (results[0] as { result: unknown }).result;
}

/** The message of the evaluation error strict builtin errors raise for `p`. */
export function strictError(body: string, input?: unknown): string {
  try {
    evalRule(body, { strict: true, input });
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error("expected an evaluation error");
}
