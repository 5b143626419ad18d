// Builtins plus, minus (numbers or sets), mul, div, rem, abs, round, ceil, floor. Operands are checked as
// OPA checks them and failures are recorded in OPA's words; the arithmetic itself is in arith.ts.

import { T_NUMBER, T_SET, N_INT, typeOf, numRepr, numI64, newInt } from "./value";
import { arith, arithFailure, numNegate, OP_PLUS, OP_MINUS, OP_MUL, OP_DIV, OP_REM, AR_DIV_ZERO, AR_MOD_ZERO } from "./arith";
import { numToF64, numberFromF64, numIsInteger, numToBig, numBigNeg } from "./numbers";
import { typeError, typeName, builtinError, errorStart, errorSet, E_TYPE } from "./error";
import { lit } from "./buf";
import { setDifference } from "./sets";

function binary(op: i32, name: string, a: usize, b: usize): usize {
  if (typeOf(a) != T_NUMBER) return typeError(name, 1, "number", a);
  if (typeOf(b) != T_NUMBER) return typeError(name, 2, "number", b);
  const r = arith(op, a, b);
  if (r != 0) return r;
  const f = arithFailure();
  if (f == AR_DIV_ZERO) return builtinError(name, "divide by zero");
  if (f == AR_MOD_ZERO) return builtinError(name, "modulo by zero");
  return builtinError(name, "modulo on floating-point number");
}

export function b_plus(a: usize, b: usize): usize {
  return binary(OP_PLUS, "plus", a, b);
}

export function b_mul(a: usize, b: usize): usize {
  return binary(OP_MUL, "mul", a, b);
}

export function b_div(a: usize, b: usize): usize {
  return binary(OP_DIV, "div", a, b);
}

export function b_rem(a: usize, b: usize): usize {
  return binary(OP_REM, "rem", a, b);
}

export function b_minus(a: usize, b: usize): usize {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta == T_NUMBER && tb == T_NUMBER) return binary(OP_MINUS, "minus", a, b);
  if (ta == T_SET && tb == T_SET) return setDifference(a, b);
  if (ta != T_NUMBER && ta != T_SET) {
    const m = errorStart("minus");
    lit(m, "operand 1 must be one of {number, set} but got ");
    lit(m, typeName(a));
    return errorSet(m, E_TYPE);
  }
  if (tb == T_NUMBER) return typeError("minus", 2, "set", b);
  return typeError("minus", 2, "number", b);
}

export function b_abs(a: usize): usize {
  if (typeOf(a) != T_NUMBER) return typeError("abs", 1, "number", a);
  if (numRepr(a) == N_INT) {
    const x = numI64(a);
    if (x >= 0) return a;
    if (x != i64.MIN_VALUE) return newInt(-x);
  }
  if (numIsInteger(a)) {
    numToBig(a);
    return numBigNeg() ? numNegate(a) : a;
  }
  const f = numToF64(a);
  return f < 0 ? numberFromF64(-f) : a;
}

// Rounding of non-integers; integers are their own round, ceil and floor.
function rounding(name: string, a: usize, mode: i32): usize {
  if (typeOf(a) != T_NUMBER) return typeError(name, 1, "number", a);
  if (numIsInteger(a)) return a;
  const f = numToF64(a);
  let r: f64;
  if (mode == 0) {
    // Half away from zero; trunc and the difference are exact, so 0.49999999999999994 stays 0.
    const t = Math.trunc(f);
    r = t;
    if (Math.abs(f - t) >= 0.5) r = t + (f < 0 ? -1.0 : 1.0);
  } else if (mode == 1) {
    r = Math.ceil(f);
  } else {
    r = Math.floor(f);
  }
  return numberFromF64(r == 0 ? 0 : r);
}

export function b_round(a: usize): usize {
  return rounding("round", a, 0);
}

export function b_ceil(a: usize): usize {
  return rounding("ceil", a, 1);
}

export function b_floor(a: usize): usize {
  return rounding("floor", a, 2);
}
