// Exact arithmetic on numbers, shared by the arithmetic and aggregate builtins: i64 while results fit,
// exact bignums for larger integers, f64 otherwise (OPA's narrowest-representation rule). Results are
// canonical numbers; failures (division by zero, modulo on fractions) return 0 and leave an error code.

import { N_INT, numRepr, numI64, newInt } from "./value";
import { numToF64, numberFromF64, numIsInteger, numToBig, numBigNeg, numberFromBig } from "./numbers";
import { bnAdd, bnSub, bnMul, bnCmp, bnDiv, bnDivRem, bnIsZero } from "./bignum";

export const OP_PLUS: i32 = 0;
export const OP_MINUS: i32 = 1;
export const OP_MUL: i32 = 2;
export const OP_DIV: i32 = 3;
export const OP_REM: i32 = 4;

export const AR_OK: i32 = 0;
export const AR_DIV_ZERO: i32 = 1;
export const AR_MOD_ZERO: i32 = 2;
export const AR_MOD_FLOAT: i32 = 3;

let failure: i32 = 0;

@inline export function arithFailure(): i32 { return failure; }

// ±x + ±y on magnitudes; the sign of the result is left in resultNeg.
let resultNeg = false;

function signedAdd(xn: bool, x: usize, yn: bool, y: usize): usize {
  if (xn == yn) {
    resultNeg = xn;
    return bnAdd(x, y);
  }
  const c = bnCmp(x, y);
  if (c >= 0) {
    resultNeg = xn && c != 0;
    return bnSub(x, y);
  }
  resultNeg = yn;
  return bnSub(y, x);
}

function bigOp(op: i32, a: usize, b: usize): usize {
  const x = numToBig(a);
  const xn = numBigNeg();
  const y = numToBig(b);
  const yn = numBigNeg();
  if (op == OP_PLUS) {
    const r = signedAdd(xn, x, yn, y);
    return numberFromBig(resultNeg, r);
  }
  if (op == OP_MINUS) {
    const r = signedAdd(xn, x, !yn, y);
    return numberFromBig(resultNeg, r);
  }
  if (op == OP_MUL) return numberFromBig(xn != yn, bnMul(x, y));
  // OP_REM: truncated remainder, the sign of the dividend.
  if (bnIsZero(y)) {
    failure = AR_MOD_ZERO;
    return 0;
  }
  bnDiv(x, y);
  return numberFromBig(xn, bnDivRem());
}

export function arith(op: i32, a: usize, b: usize): usize {
  failure = AR_OK;
  if (numRepr(a) == N_INT && numRepr(b) == N_INT) {
    const x = numI64(a);
    const y = numI64(b);
    if (op == OP_PLUS) {
      const r = x + y;
      if (((x ^ r) & (y ^ r)) >= 0) return newInt(r);
    } else if (op == OP_MINUS) {
      const r = x - y;
      if (((x ^ y) & (x ^ r)) >= 0) return newInt(r);
    } else if (op == OP_MUL) {
      const r = x * y;
      if (x == 0 || (r / x == y && !(x == -1 && y == i64.MIN_VALUE))) return newInt(r);
    } else if (op == OP_DIV) {
      if (y == 0) {
        failure = AR_DIV_ZERO;
        return 0;
      }
      if (x != 0 && !(x == i64.MIN_VALUE && y == -1) && x % y == 0) return newInt(x / y);
      return numberFromF64(<f64>x / <f64>y);
    } else {
      if (y == 0) {
        failure = AR_MOD_ZERO;
        return 0;
      }
      if (y == -1) return newInt(0);
      return newInt(x % y);
    }
    return bigOp(op, a, b);
  }
  const ia = numIsInteger(a);
  const ib = numIsInteger(b);
  if (ia && ib && op != OP_DIV) return bigOp(op, a, b);
  if (op == OP_REM) {
    failure = AR_MOD_FLOAT;
    return 0;
  }
  const x = numToF64(a);
  const y = numToF64(b);
  if (op == OP_PLUS) return numberFromF64(x + y);
  if (op == OP_MINUS) return numberFromF64(x - y);
  if (op == OP_MUL) return numberFromF64(x * y);
  if (y == 0) {
    failure = AR_DIV_ZERO;
    return 0;
  }
  return numberFromF64(x / y);
}

export function numNegate(a: usize): usize {
  if (numRepr(a) == N_INT && numI64(a) != i64.MIN_VALUE) return newInt(-numI64(a));
  if (numIsInteger(a)) {
    const m = numToBig(a);
    return numberFromBig(!numBigNeg(), m);
  }
  return numberFromF64(-numToF64(a));
}

