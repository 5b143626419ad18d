/**
 * What the token, crypto, time and identifier builtins share: OPA's operand checks (with its wording) and
 * values that OPA fixes once per evaluation (`time.now_ns`, `rand.intn`, `uuid.rfc4122`).
 */
import { BuiltinError, typeError } from "./errors";

export function stringOperand(v: unknown, position: number): string {
  if (typeof v !== "string") throw typeError(position, "string", v);
  return v;
}

export function numberOperand(v: unknown, position: number): number {
  if (typeof v !== "number") throw typeError(position, "number", v);
  return v;
}

export function objectOperand(v: unknown, position: number): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw typeError(position, "object", v);
  return v as Record<string, unknown>;
}

/** OPA's `builtins.IntOperand`: a number without fraction, as a JS integer. */
export function intOperand(v: unknown, position: number): number {
  const n = numberOperand(v, position);
  if (!Number.isInteger(n)) {
    throw new BuiltinError("eval_type_error", `operand ${position} must be integer number but got floating-point number`);
  }
  return n;
}

/** An error OPA raises with `builtins.NewOperandErr`: a type error naming the operand. */
export function operandError(position: number, message: string): BuiltinError {
  return new BuiltinError("eval_type_error", `operand ${position} ${message}`);
}

export function builtinError(message: string): BuiltinError {
  return new BuiltinError("eval_builtin_error", message);
}

/**
 * Values fixed for one evaluation. The SDK evaluates synchronously, so every builtin call of one evaluation
 * runs before the microtask queued at the first call clears the cache: the next evaluation draws anew. Two
 * evaluations started back to back in the same synchronous job share the values, the closest the host can
 * get without a hook into the SDK's evaluation.
 */
const perEvaluation = new Map<string, unknown>();
let clearQueued = false;

export function oncePerEvaluation<T>(key: string, compute: () => T): T {
  if (perEvaluation.has(key)) return perEvaluation.get(key) as T;
  const value = compute();
  perEvaluation.set(key, value);
  if (!clearQueued) {
    clearQueued = true;
    queueMicrotask(() => {
      perEvaluation.clear();
      clearQueued = false;
    });
  }
  return value;
}

/** The wall clock in nanoseconds since the Unix epoch, the same for the whole evaluation (OPA's `bctx.Time`). */
export function evaluationTimeNs(): bigint {
  return oncePerEvaluation("time.now_ns", () => {
    const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
    return BigInt(micros) * 1000n;
  });
}
