/**
 * OPA's operand checks, with its wording, as the token, crypto, time and identifier builtins share them
 * (`builtins.StringOperand`, `IntOperand`, `NewOperandErr`, ...).
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
