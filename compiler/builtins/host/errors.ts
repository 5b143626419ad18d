/**
 * What host builtins share: the implementation signature (JSON-shaped values in and out, `undefined` for an
 * undefined result) and `BuiltinError`, which carries OPA's error code and message for strict mode.
 */
export type HostBuiltin = (...args: unknown[]) => unknown;

/** A family of builtins, by Rego name. */
export type HostFamily = Readonly<Record<string, HostBuiltin>>;

export class BuiltinError extends Error {
  constructor(
    readonly code: "eval_type_error" | "eval_builtin_error",
    message: string,
    /** The value OPA returns instead in non-strict mode, for the few builtins that have one (else undefined). */
    readonly nonStrictResult?: unknown,
  ) {
    super(message);
  }
}

/** A wrong-type argument: `operand 1 must be string but got number`, as OPA words it. */
export function typeError(position: number, expected: string, got: unknown): BuiltinError {
  return new BuiltinError("eval_type_error", `operand ${position} must be ${expected} but got ${jsonTypeName(got)}`);
}

export function jsonTypeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  if (typeof v === "bigint") return "number";
  return typeof v;
}
