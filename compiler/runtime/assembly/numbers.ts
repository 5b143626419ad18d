// Numbers as OPA treats them: exact decimal values whatever their representation (i64, f64 or source text).
// Builds numbers in their canonical representation, converts, compares exactly, hashes so that equal numbers
// hash alike (i64 mix for integers in range, the nearest double's bits otherwise) and prints them.

import { alloc } from "./alloc";
import { N_INT, N_FLOAT, N_REF, numRepr, numI64, numF64, numRefPtr, numRefLen, newInt, newFloatRaw, newRefRaw } from "./value";
import { decParse, decToI64, decI64, decToF64, decNd, decExp, decNeg, decDigits } from "./decimal";
import { shortestDigits, shortestK, writeF64 } from "./float-format";
import { bytes, decimalI64 } from "./buf";
import { bnFromDigits, bnMul, bnPow10, bnBitLen, bnToU64, bnToDigits, bnLen, bnIsZero } from "./bignum";

const TWO63: f64 = 9223372036854775808.0;

// The number denoted by checked number text: an INT when integral and in range, else a REF over the text.
export function numberFromText(p: usize, n: u32): usize {
  const d = decParse(p, n);
  if (decToI64(d)) return newInt(decI64());
  return newRefRaw(p, n);
}

export function numberFromF64(f: f64): usize {
  if (f == Math.floor(f) && f >= -TWO63 && f < TWO63) return newInt(<i64>f);
  return newFloatRaw(f);
}

export function numToF64(v: usize): f64 {
  const r = numRepr(v);
  if (r == N_INT) return <f64>numI64(v);
  if (r == N_FLOAT) return numF64(v);
  if (load<u8>(v, 2) != 0) return load<f64>(v, 16);
  const f = decToF64(decParse(numRefPtr(v), numRefLen(v)));
  store<f64>(v, f, 16);
  store<u8>(v, 1, 2);
  return f;
}

@inline function mix64(x: u64): u32 {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccd;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53;
  x ^= x >> 33;
  return <u32>x;
}

export function numHash(v: usize): u32 {
  if (numRepr(v) == N_INT) return mix64(<u64>numI64(v));
  return mix64(reinterpret<u64>(numToF64(v)) ^ 0x5851f42d4c957f2d);
}

// The exact decimal of any number (see decimal.ts for the block layout). FLOATs stand for their shortest
// digits, as OPA stores a computed number as that text.
export function numDecimal(v: usize): usize {
  const r = numRepr(v);
  if (r == N_REF) return decParse(numRefPtr(v), numRefLen(v));
  const d = alloc(12 + 24);
  const digits = d + 12;
  let neg = false;
  let nd: u32 = 0;
  let exp: i32 = 0;
  if (r == N_INT) {
    let x = numI64(v);
    neg = x < 0;
    let u: u64 = neg ? <u64>(0 - x) : <u64>x;
    while (u != 0) {
      store<u8>(digits + nd++, <u8>(48 + <u32>(u % 10)));
      u /= 10;
    }
    for (let i: u32 = 0, j = nd - 1; nd > 0 && i < j; i++, j--) {
      const t = load<u8>(digits + i);
      store<u8>(digits + i, load<u8>(digits + j));
      store<u8>(digits + j, t);
    }
  } else {
    let f = numF64(v);
    neg = f < 0;
    if (neg) f = -f;
    if (f != 0) {
      nd = shortestDigits(f, digits);
      exp = shortestK() - <i32>nd;
    }
  }
  while (nd > 0 && load<u8>(digits + nd - 1) == 48) {
    nd--;
    exp++;
  }
  store<u8>(d, neg ? 1 : 0);
  store<u32>(d, nd, 4);
  store<i32>(d, nd == 0 ? 0 : exp, 8);
  return d;
}

function decCompare(a: usize, b: usize): i32 {
  const za = decNd(a) == 0;
  const zb = decNd(b) == 0;
  const sa: i32 = za ? 0 : decNeg(a) ? -1 : 1;
  const sb: i32 = zb ? 0 : decNeg(b) ? -1 : 1;
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  // Same sign: compare magnitudes by the leading digit's position, then digit by digit.
  const pa = <i32>decNd(a) + decExp(a);
  const pb = <i32>decNd(b) + decExp(b);
  let c: i32 = 0;
  if (pa != pb) {
    c = pa < pb ? -1 : 1;
  } else {
    const na = decNd(a);
    const nb = decNd(b);
    const n = na < nb ? na : nb;
    c = memory.compare(decDigits(a), decDigits(b), n);
    if (c == 0) c = na == nb ? 0 : na < nb ? -1 : 1;
    else c = c < 0 ? -1 : 1;
  }
  return sa < 0 ? -c : c;
}

export function numCompare(a: usize, b: usize): i32 {
  const ra = numRepr(a);
  const rb = numRepr(b);
  if (ra == N_INT && rb == N_INT) {
    const x = numI64(a);
    const y = numI64(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  // Rounding to the nearest double is monotonic, so different doubles already decide the order.
  const fa = numToF64(a);
  const fb = numToF64(b);
  if (fa < fb) return -1;
  if (fa > fb) return 1;
  if (ra == N_FLOAT && rb == N_FLOAT) return 0;
  return decCompare(numDecimal(a), numDecimal(b));
}

export function numEqual(a: usize, b: usize): bool {
  const ra = numRepr(a);
  const rb = numRepr(b);
  if (ra == N_INT && rb == N_INT) return numI64(a) == numI64(b);
  // An INT never equals a FLOAT or REF: those hold only values outside the INT set.
  if (ra == N_INT || rb == N_INT) return false;
  return numCompare(a, b) == 0;
}

export function writeNumber(b: usize, v: usize): void {
  const r = numRepr(v);
  if (r == N_INT) decimalI64(b, numI64(v));
  else if (r == N_FLOAT) writeF64(b, numF64(v));
  else bytes(b, numRefPtr(v), numRefLen(v));
}

// True when v is an integer, whatever its size.
export function numIsInteger(v: usize): bool {
  const r = numRepr(v);
  if (r == N_INT) return true;
  if (r == N_FLOAT) {
    const f = numF64(v);
    return f == Math.floor(f) && f - f == 0;
  }
  return decExp(decParse(numRefPtr(v), numRefLen(v))) >= 0;
}

let bigNeg = false;

// The magnitude of an integral number as a bignum; its sign is left in numBigNeg().
export function numToBig(v: usize): usize {
  const d = numDecimal(v);
  bigNeg = decNeg(d) && decNd(d) != 0;
  const m = bnFromDigits(decDigits(d), decNd(d));
  const e = decExp(d);
  return e > 0 ? bnMul(m, bnPow10(<u32>e)) : m;
}

@inline export function numBigNeg(): bool { return bigNeg; }

// The canonical number for ±m.
export function numberFromBig(neg: bool, m: usize): usize {
  if (bnIsZero(m)) return newInt(0);
  if (bnBitLen(m) <= 63) {
    const x = <i64>bnToU64(m);
    return newInt(neg ? -x : x);
  }
  if (neg && bnBitLen(m) == 64 && bnToU64(m) == 0x8000000000000000) return newInt(<i64>0x8000000000000000);
  const p = alloc(2 + (<usize>bnLen(m)) * 10);
  let n: u32 = 0;
  if (neg) store<u8>(p, 45);
  if (neg) n = 1;
  n += bnToDigits(m, p + n);
  return newRefRaw(p, n);
}

