// numbers.range and numbers.range_step: the integers from a to b inclusive (descending when b < a), one or
// `step` apart. Operands must be integers; the step must be positive.

import { T_NUMBER, typeOf, newArray, arrPush, newInt, numRepr, numI64, N_INT } from "./value";
import { numIsInteger, numToF64 } from "./numbers";
import { typeError, operandError, builtinError, E_TYPE } from "./error";

let ok = false;

function intOperand(name: string, pos: i32, v: usize): i64 {
  ok = false;
  if (typeOf(v) != T_NUMBER) {
    typeError(name, pos, "number", v);
    return 0;
  }
  if (!numIsInteger(v)) {
    operandError(name, pos, "must be integer number but got floating-point number", E_TYPE);
    return 0;
  }
  ok = true;
  // Integers past i64 only make sense as a step, where any huge step behaves alike.
  if (numRepr(v) != N_INT) return numToF64(v) < 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
  return numI64(v);
}

function range(name: string, a: i64, b: i64, step: i64): usize {
  const span = <u64>(a <= b ? b - a : a - b);
  const n = span / <u64>step + 1;
  if (n > 100000000) return builtinError(name, "range too large");
  const r = newArray(<u32>n);
  let x = a;
  for (let i: u64 = 0; i < n; i++) {
    arrPush(r, newInt(x));
    x = a <= b ? x + step : x - step;
  }
  return r;
}

export function b_numbers_range(a: usize, b: usize): usize {
  const x = intOperand("numbers.range", 1, a);
  if (!ok) return 0;
  const y = intOperand("numbers.range", 2, b);
  if (!ok) return 0;
  return range("numbers.range", x, y, 1);
}

export function b_numbers_range_step(a: usize, b: usize, s: usize): usize {
  const x = intOperand("numbers.range_step", 1, a);
  if (!ok) return 0;
  const y = intOperand("numbers.range_step", 2, b);
  if (!ok) return 0;
  const st = intOperand("numbers.range_step", 3, s);
  if (!ok) return 0;
  if (st <= 0) return builtinError("numbers.range_step", "step must be a positive integer");
  return range("numbers.range_step", x, y, st);
}
