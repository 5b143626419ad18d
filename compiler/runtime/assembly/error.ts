// The last builtin error, in OPA's wording, for strict mode: builtins that fail record it here and return 0
// (undefined). Codes: 1 eval_type_error, 2 eval_builtin_error. Messages are NUL-terminated UTF-8 on the heap,
// "<builtin>: <message>", as OPA's topdown reports them.

import { T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, typeOf } from "./value";
import { bufNew, lit, byte, bufCString, decimalI64 } from "./buf";

export const E_TYPE: i32 = 1;
export const E_BUILTIN: i32 = 2;

let errMsg: usize = 0;
let errCode: i32 = 0;

export function errorClear(): void {
  errMsg = 0;
  errCode = 0;
}

@inline export function errorMessage(): usize { return errMsg; }
@inline export function errorCode(): i32 { return errCode; }

export function typeName(v: usize): string {
  const t = typeOf(v);
  if (t == T_NULL) return "null";
  if (t == T_BOOLEAN) return "boolean";
  if (t == T_NUMBER) return "number";
  if (t == T_STRING) return "string";
  if (t == T_ARRAY) return "array";
  if (t == T_OBJECT) return "object";
  return "set";
}

// Starts a message "<name>: " in a fresh buffer; finish it with errorSet.
export function errorStart(name: string): usize {
  const b = bufNew(64);
  lit(b, name);
  lit(b, ": ");
  return b;
}

export function errorSet(b: usize, code: i32): usize {
  errMsg = bufCString(b);
  errCode = code;
  return 0;
}

// "<name>: operand <pos> must be <expected> but got <type of got>"; returns 0 (undefined) for the caller.
export function typeError(name: string, pos: i32, expected: string, got: usize): usize {
  const b = errorStart(name);
  lit(b, "operand ");
  decimalI64(b, pos);
  lit(b, " must be ");
  lit(b, expected);
  lit(b, " but got ");
  lit(b, typeName(got));
  return errorSet(b, E_TYPE);
}

// "<name>: operand <pos> must be <composite type> of <elem>s but got <composite type> containing <type>".
export function elementTypeError(name: string, pos: i32, composite: usize, expected: string, got: usize): usize {
  const b = errorStart(name);
  const ct = typeName(composite);
  lit(b, "operand ");
  decimalI64(b, pos);
  lit(b, " must be ");
  lit(b, ct);
  lit(b, " of ");
  lit(b, expected);
  lit(b, "s but got ");
  lit(b, ct);
  lit(b, " containing ");
  lit(b, typeName(got));
  return errorSet(b, E_TYPE);
}

export function builtinError(name: string, msg: string): usize {
  const b = errorStart(name);
  lit(b, msg);
  return errorSet(b, E_BUILTIN);
}

export function operandError(name: string, pos: i32, msg: string, code: i32): usize {
  const b = errorStart(name);
  lit(b, "operand ");
  decimalI64(b, pos);
  byte(b, 32);
  lit(b, msg);
  return errorSet(b, code);
}
