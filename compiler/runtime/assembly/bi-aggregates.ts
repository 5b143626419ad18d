// Aggregate builtins over collections: count, sum, product, max, min, sort, all, any, and the membership
// tests behind `in` (internal.member_2, internal.member_3). Sums and products stay exact for integers.

import { T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET, N_INT, typeOf, newInt, arrLen, arrGet, strLen, strPtr, newArrayFrom, arrElems, numRepr, numI64, boolValue, trueValue } from "./value";
import { tableCount, entryKey, entryValue, setGet } from "./table";
import { valueCompare, valueEqual } from "./compare";
import { sortValues } from "./sort";
import { arith, OP_PLUS, OP_MUL } from "./arith";
import { runeCount } from "./utf8";
import { errorStart, errorSet, typeName, elementTypeError, E_TYPE } from "./error";
import { lit } from "./buf";
import { alloc } from "./alloc";
import { opa_value_get } from "./abi";

function oneOf(name: string, expected: string, got: usize): usize {
  const b = errorStart(name);
  lit(b, "operand 1 must be one of {");
  lit(b, expected);
  lit(b, "} but got ");
  lit(b, typeName(got));
  return errorSet(b, E_TYPE);
}

@inline function isCollection(v: usize): bool {
  const t = typeOf(v);
  return t == T_ARRAY || t == T_SET;
}

@inline function collLen(v: usize): u32 {
  return typeOf(v) == T_ARRAY ? arrLen(v) : tableCount(v);
}

@inline function collAt(v: usize, i: u32): usize {
  return typeOf(v) == T_ARRAY ? arrGet(v, i) : entryKey(v, i);
}

export function b_count(v: usize): usize {
  const t = typeOf(v);
  if (t == T_ARRAY) return newInt(arrLen(v));
  if (t == T_OBJECT || t == T_SET) return newInt(tableCount(v));
  if (t == T_STRING) return newInt(runeCount(strPtr(v), strLen(v)));
  return oneOf("count", "array, object, set, string", v);
}

function accumulate(name: string, v: usize, op: i32): usize {
  if (!isCollection(v)) return oneOf(name, "set, array", v);
  const n = collLen(v);
  for (let i: u32 = 0; i < n; i++) {
    const x = collAt(v, i);
    if (typeOf(x) != T_NUMBER) return elementTypeError(name, 1, v, "number", x);
  }
  if (op == OP_PLUS) {
    // Machine integers first: most sums are of small counts.
    let s: i64 = 0;
    let i: u32 = 0;
    for (; i < n; i++) {
      const x = collAt(v, i);
      if (numRepr(x) != N_INT) break;
      const y = numI64(x);
      const r = s + y;
      if (((s ^ r) & (y ^ r)) < 0) break;
      s = r;
    }
    if (i == n) return newInt(s);
  }
  let acc = newInt(op == OP_PLUS ? 0 : 1);
  for (let i: u32 = 0; i < n; i++) acc = arith(op, acc, collAt(v, i));
  return acc;
}

export function b_sum(v: usize): usize {
  return accumulate("sum", v, OP_PLUS);
}

export function b_product(v: usize): usize {
  return accumulate("product", v, OP_MUL);
}

function extreme(name: string, v: usize, sign: i32): usize {
  if (!isCollection(v)) return oneOf(name, "set, array", v);
  const n = collLen(v);
  if (n == 0) return 0;
  let best = collAt(v, 0);
  for (let i: u32 = 1; i < n; i++) {
    const x = collAt(v, i);
    if (valueCompare(x, best) * sign > 0) best = x;
  }
  return best;
}

export function b_max(v: usize): usize {
  return extreme("max", v, 1);
}

export function b_min(v: usize): usize {
  return extreme("min", v, -1);
}

export function b_sort(v: usize): usize {
  if (!isCollection(v)) return oneOf("sort", "set, array", v);
  const n = collLen(v);
  let r: usize;
  if (typeOf(v) == T_ARRAY) {
    r = newArrayFrom(arrElems(v), n);
  } else {
    const tmp = alloc(<usize>n << 2);
    for (let i: u32 = 0; i < n; i++) store<u32>(tmp + (<usize>i << 2), entryKey(v, i));
    r = newArrayFrom(tmp, n);
  }
  sortValues(arrElems(r), n);
  return r;
}

export function b_all(v: usize): usize {
  if (!isCollection(v)) return oneOf("all", "array, set", v);
  const n = collLen(v);
  for (let i: u32 = 0; i < n; i++) if (!valueEqual(collAt(v, i), trueValue())) return boolValue(false);
  return boolValue(true);
}

export function b_any(v: usize): usize {
  if (!isCollection(v)) return oneOf("any", "array, set", v);
  if (typeOf(v) == T_SET) return boolValue(setGet(v, trueValue()) != 0);
  const n = collLen(v);
  for (let i: u32 = 0; i < n; i++) if (valueEqual(collAt(v, i), trueValue())) return boolValue(true);
  return boolValue(false);
}

export function b_internal_member_2(x: usize, c: usize): usize {
  const t = typeOf(c);
  if (t == T_SET) return boolValue(setGet(c, x) != 0);
  if (t == T_ARRAY) {
    const n = arrLen(c);
    for (let i: u32 = 0; i < n; i++) if (valueEqual(arrGet(c, i), x)) return boolValue(true);
    return boolValue(false);
  }
  if (t == T_OBJECT) {
    const n = tableCount(c);
    for (let i: u32 = 0; i < n; i++) if (valueEqual(entryValue(c, i), x)) return boolValue(true);
  }
  return boolValue(false);
}

export function b_internal_member_3(k: usize, v: usize, c: usize): usize {
  const t = typeOf(c);
  if (t == T_SET) return boolValue(setGet(c, k) != 0 && valueEqual(k, v));
  if (t == T_ARRAY || t == T_OBJECT) {
    const got = opa_value_get(c, k);
    return boolValue(got != 0 && valueEqual(got, v));
  }
  return boolValue(false);
}
