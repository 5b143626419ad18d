// The value model: every value is the address of a small header whose first byte is its type code.
// null/boolean are static singletons; number {repr, i64|f64|text}; string {len, bytes, hash cache} over UTF-8
// bytes that are never copied; array {len, cap, elems}; object and set are hash tables (see table.ts).
// This file only lays values out and builds the scalar ones; everything else builds on these accessors.

import { alloc, realloc } from "./alloc";

export const T_NULL: u32 = 1;
export const T_BOOLEAN: u32 = 2;
export const T_NUMBER: u32 = 3;
export const T_STRING: u32 = 4;
export const T_ARRAY: u32 = 5;
export const T_OBJECT: u32 = 6;
export const T_SET: u32 = 7;

// Number representations. INT holds every integral value that fits in an i64, and only those, so that equal
// numbers of different origin meet in one representation; FLOAT and REF hold the rest.
export const N_INT: u32 = 1;
export const N_FLOAT: u32 = 2;
export const N_REF: u32 = 3;

// null at +0, false at +8, true at +16.
const SINGLETONS = memory.data<u8>([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0], 8);

// Numbers 0..SMALL_INTS-1 are preallocated: array positions and counts are built constantly.
const SMALL_INTS: i64 = 256;
const SMALL_INT_TABLE = memory.data(256 * 16, 8);

export function valuesInit(): void {
  for (let i = 0; i < <i32>SMALL_INTS; i++) {
    const v = SMALL_INT_TABLE + (<usize>i << 4);
    store<u32>(v, T_NUMBER | (N_INT << 8));
    store<i64>(v, <i64>i, 8);
  }
}

@inline export function typeOf(v: usize): u32 { return load<u8>(v); }

@inline export function nullValue(): usize { return SINGLETONS; }
@inline export function boolValue(b: bool): usize { return b ? SINGLETONS + 16 : SINGLETONS + 8; }
@inline export function trueValue(): usize { return SINGLETONS + 16; }
@inline export function falseValue(): usize { return SINGLETONS + 8; }
@inline export function boolOf(v: usize): bool { return load<u32>(v, 4) != 0; }

// Numbers: {u8 type, u8 repr, pad, pad, u32 text len | 0, i64 | f64 | u32 text ptr}.
@inline export function numRepr(v: usize): u32 { return load<u8>(v, 1); }
@inline export function numI64(v: usize): i64 { return load<i64>(v, 8); }
@inline export function numF64(v: usize): f64 { return load<f64>(v, 8); }
@inline export function numRefPtr(v: usize): usize { return load<u32>(v, 8); }
@inline export function numRefLen(v: usize): u32 { return load<u32>(v, 4); }

export function newInt(x: i64): usize {
  if (<u64>x < <u64>SMALL_INTS) return SMALL_INT_TABLE + (<usize>x << 4);
  const v = alloc(16);
  store<u32>(v, T_NUMBER | (N_INT << 8));
  store<i64>(v, x, 8);
  return v;
}

// A float as it is; callers that may hold an integral value go through numbers.ts `numberFromF64`.
export function newFloatRaw(f: f64): usize {
  const v = alloc(16);
  store<u32>(v, T_NUMBER | (N_FLOAT << 8));
  store<f64>(v, f, 8);
  return v;
}

// A number kept as its decimal text (the caller has checked it is not an i64 integer). Byte 2 says whether
// the f64 at +16 caches its nearest double.
export function newRefRaw(ptr: usize, len: u32): usize {
  const v = alloc(24);
  store<u32>(v, T_NUMBER | (N_REF << 8));
  store<u32>(v, len, 4);
  store<u32>(v, ptr, 8);
  return v;
}

// Strings: {u8 type, pad, u32 len, u32 ptr, u32 hash (0 = not yet computed)}.
@inline export function strLen(v: usize): u32 { return load<u32>(v, 4); }
@inline export function strPtr(v: usize): usize { return load<u32>(v, 8); }

export function newString(ptr: usize, len: u32): usize {
  const v = alloc(16);
  store<u32>(v, T_STRING);
  store<u32>(v, len, 4);
  store<u32>(v, ptr, 8);
  store<u32>(v, 0, 12);
  return v;
}

// A string from an ASCII source literal (type names, fixed results).
export function newStringLit(s: string): usize {
  const n = <u32>s.length;
  const p = alloc(n);
  const src = changetype<usize>(s);
  for (let i: u32 = 0; i < n; i++) store<u8>(p + i, <u8>load<u16>(src + (i << 1)));
  return newString(p, n);
}

// Arrays: {u8 type, pad, u32 len, u32 cap, u32 elems}.
@inline export function arrLen(v: usize): u32 { return load<u32>(v, 4); }
@inline export function arrElems(v: usize): usize { return load<u32>(v, 12); }
@inline export function arrGet(v: usize, i: u32): usize { return load<u32>(load<u32>(v, 12) + (<usize>i << 2)); }

export function newArray(cap: u32): usize {
  const v = alloc(16);
  store<u32>(v, T_ARRAY);
  store<u32>(v, 0, 4);
  store<u32>(v, cap, 8);
  store<u32>(v, cap > 0 ? alloc(<usize>cap << 2) : 0, 12);
  return v;
}

export function arrPush(a: usize, x: usize): void {
  const len = load<u32>(a, 4);
  const cap = load<u32>(a, 8);
  if (len == cap) arrGrow(a, len, cap);
  store<u32>(load<u32>(a, 12) + (<usize>len << 2), x);
  store<u32>(a, len + 1, 4);
}

function arrGrow(a: usize, len: u32, cap: u32): void {
  const ncap = cap < 4 ? 4 : cap << 1;
  const elems = load<u32>(a, 12);
  store<u32>(a, elems == 0 ? alloc(<usize>ncap << 2) : realloc(elems, <usize>cap << 2, <usize>ncap << 2), 12);
  store<u32>(a, ncap, 8);
}

// An array of exactly n elements copied from src.
export function newArrayFrom(src: usize, n: u32): usize {
  const v = newArray(n);
  if (n > 0) memory.copy(load<u32>(v, 12), src, <usize>n << 2);
  store<u32>(v, n, 4);
  return v;
}

// Arrays of 2 are how relations and pairs come back (walk, find_all_string_submatch, object iteration).
export function newPair(a: usize, b: usize): usize {
  const v = newArray(2);
  const e = load<u32>(v, 12);
  store<u32>(e, a);
  store<u32>(e, b, 4);
  store<u32>(v, 2, 4);
  return v;
}
