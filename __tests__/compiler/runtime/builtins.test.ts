/**
 * Every conformance case that is one builtin call on literals, run directly against the runtime's builtin
 * exports: results must equal OPA's, undefined must stay undefined, and strict-mode errors must be recorded
 * with OPA's message. Builtins the runtime does not implement are listed, not failed.
 */
import { builtinCases, BuiltinCase } from "./builtin-cases";
import { loadRuntime, Runtime } from "./runtime-harness";
import { CONFORMANCE_DIR, describeWithConformance } from "../conformance-corpus";

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) o[k] = canonical((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}

/** Runs one case; returns undefined when it passes, else what went wrong. */
export function runCase(rt: Runtime, c: BuiltinCase): string | undefined {
  const fn = rt.builtin(c.name);
  if (!fn) return `missing builtin ${c.name}`;
  const args = c.args.map((a) => rt.parseValue(a));
  if (args.some((a) => a === 0)) return `unparsable argument in ${c.args.join(", ")}`;
  rt.exports.rt_error_clear();
  const result = fn(...args);
  if (c.wantError !== undefined) {
    if (result !== 0) return `wanted error ${c.wantError}, got ${rt.dumpValue(result)}`;
    // OPA's messages carry the error code in front when rendered in full.
    const code = ["", "eval_type_error", "eval_builtin_error"][rt.errorCode()] ?? "";
    const msg = `${code}: ${rt.errorMessage() ?? ""}`;
    return msg.includes(c.wantError) ? undefined : `wanted error "${c.wantError}", got "${msg}"`;
  }
  if (c.want === undefined) return result === 0 ? undefined : `wanted undefined, got ${rt.dumpValue(result)}`;
  if (result === 0) return `wanted ${JSON.stringify(c.want)}, got undefined (${rt.errorMessage() ?? "no error"})`;
  const got = JSON.parse(rt.dumpJSON(result));
  const typeIsSet = rt.exports.opa_value_type(result) === 7;
  const norm = (v: unknown) => (typeIsSet && Array.isArray(v) ? [...v].map((x) => JSON.stringify(canonical(x))).sort() : canonical(v));
  return JSON.stringify(norm(got)) === JSON.stringify(norm(c.want)) ? undefined : `wanted ${JSON.stringify(c.want)}, got ${JSON.stringify(got)}`;
}

const cases = CONFORMANCE_DIR === undefined ? [] : builtinCases();

describeWithConformance()("builtins against OPA conformance cases", () => {
  const rt = loadRuntime();
  // Arguments that are not literals (comprehensions, variables) are out of reach of a direct call.
  const implemented = cases.filter((c) => rt.builtin(c.name) !== undefined && c.args.every((a) => rt.parseValue(a) !== 0));

  it("finds a substantial set of single-builtin cases", () => {
    expect(implemented.length).toBeGreaterThan(150);
  });

  it.each(implemented.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    expect(runCase(rt, c)).toBeUndefined();
  });
});
