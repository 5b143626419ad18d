/**
 * Integers beyond 2^53 on the way to the host. The SDK hands host builtins their arguments through
 * `JSON.parse`, which rounds such integers (a nanosecond instant like 1670006453141828752 loses its last
 * digits). For the builtins that read int64 nanoseconds the module therefore sends those numbers as
 * `{"__rego_exact_number__": "<decimal text>"}` (codegen/exact-arguments.ts), and they read them back here.
 */
export const EXACT_NUMBER_KEY = "__rego_exact_number__";

/** Host builtins (by name) and the argument positions where they read int64 nanoseconds. */
export const EXACT_NUMBER_ARGUMENTS: ReadonlyMap<string, readonly number[]> = new Map([
  ["time.format", [0]],
  ["time.date", [0]],
  ["time.clock", [0]],
  ["time.weekday", [0]],
  ["time.add_date", [0]],
  ["time.diff", [0, 1]],
]);

/** The number a value stands for: itself, or the exact integer (or float) an exact-number wrapper carries. */
export function exactNumber(v: unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  const entries = Object.entries(v);
  if (entries.length !== 1 || entries[0][0] !== EXACT_NUMBER_KEY || typeof entries[0][1] !== "string") return v;
  const text = entries[0][1];
  return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
}
