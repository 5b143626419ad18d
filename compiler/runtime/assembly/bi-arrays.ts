// Array builtins: array.concat, array.reverse, array.slice (indices clamped as OPA clamps them) and
// array.flatten (one level).

import { T_ARRAY, T_NUMBER, typeOf, arrLen, arrGet, arrElems, newArray, arrPush, newArrayFrom, numRepr, numI64, N_INT } from "./value";
import { typeError, operandError, E_TYPE } from "./error";
import { numIsInteger, numToF64 } from "./numbers";

export function b_array_concat(a: usize, b: usize): usize {
  if (typeOf(a) != T_ARRAY) return typeError("array.concat", 1, "array", a);
  if (typeOf(b) != T_ARRAY) return typeError("array.concat", 2, "array", b);
  const na = arrLen(a);
  const nb = arrLen(b);
  const r = newArray(na + nb);
  if (na > 0) memory.copy(arrElems(r), arrElems(a), <usize>na << 2);
  if (nb > 0) memory.copy(arrElems(r) + (<usize>na << 2), arrElems(b), <usize>nb << 2);
  store<u32>(r, na + nb, 4);
  return r;
}

export function b_array_reverse(a: usize): usize {
  if (typeOf(a) != T_ARRAY) return typeError("array.reverse", 1, "array", a);
  const n = arrLen(a);
  const r = newArray(n);
  const e = arrElems(r);
  for (let i: u32 = 0; i < n; i++) store<u32>(e + (<usize>(n - 1 - i) << 2), arrGet(a, i));
  store<u32>(r, n, 4);
  return r;
}

let intOk = false;

function intOperand(name: string, pos: i32, v: usize): i64 {
  intOk = false;
  if (typeOf(v) != T_NUMBER) {
    typeError(name, pos, "number", v);
    return 0;
  }
  if (!numIsInteger(v)) {
    operandError(name, pos, "must be integer number but got floating-point number", E_TYPE);
    return 0;
  }
  intOk = true;
  if (numRepr(v) == N_INT) return numI64(v);
  return numToF64(v) < 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
}

export function b_array_slice(a: usize, start: usize, stop: usize): usize {
  if (typeOf(a) != T_ARRAY) return typeError("array.slice", 1, "array", a);
  let s = intOperand("array.slice", 2, start);
  if (!intOk) return 0;
  let e = intOperand("array.slice", 3, stop);
  if (!intOk) return 0;
  const n = <i64>arrLen(a);
  if (e < 0) e = 0;
  else if (e > n) e = n;
  if (s < 0) s = 0;
  else if (s > e) s = e;
  return newArrayFrom(arrElems(a) + (<usize>s << 2), <u32>(e - s));
}

// One level: elements that are arrays contribute their elements, others themselves.
export function b_array_flatten(a: usize): usize {
  if (typeOf(a) != T_ARRAY) return typeError("array.flatten", 1, "array", a);
  const n = arrLen(a);
  const r = newArray(n);
  for (let i: u32 = 0; i < n; i++) {
    const x = arrGet(a, i);
    if (typeOf(x) != T_ARRAY) {
      arrPush(r, x);
      continue;
    }
    const m = arrLen(x);
    for (let j: u32 = 0; j < m; j++) arrPush(r, arrGet(x, j));
  }
  return r;
}
