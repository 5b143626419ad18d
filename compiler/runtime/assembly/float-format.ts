// Printing f64 numbers the way OPA prints computed numbers (Go's big.Float Text with shortest precision):
// integral values as plain digits, others in %g style with the shortest digits that read back to the same
// double, exponent form below 1e-4 and from 1e6 on. Digits come from the Burger–Dybvig free-format algorithm.

import { alloc } from "./alloc";
import { bnFromU64, bnShl, bnMulSmallAdd, bnMul, bnPow10, bnAdd, bnSub, bnCmp, bnToDigits } from "./bignum";
import { byte, bytes, bufReserve, bufAdvance } from "./buf";

let kOut: i32 = 0;

// The decimal point position of the last shortestDigits result: value = 0.d1d2…dn × 10^k.
@inline export function shortestK(): i32 { return kOut; }

// Writes the shortest digits that identify v (finite, > 0) at dst (room for 17 bytes); returns how many.
export function shortestDigits(v: f64, dst: usize): u32 {
  const bits = reinterpret<u64>(v);
  const be = <i32>((bits >> 52) & 0x7ff);
  const frac = bits & 0xfffffffffffff;
  let f: u64;
  let e: i32;
  if (be == 0) {
    f = frac;
    e = -1074;
  } else {
    f = frac | 0x10000000000000;
    e = be - 1075;
  }
  const even = (f & 1) == 0;
  const boundary = f == 0x10000000000000 && be > 1;
  let r: usize, s: usize, mp: usize, mm: usize;
  if (e >= 0) {
    const be2 = bnShl(bnFromU64(1), <u32>e);
    if (!boundary) {
      r = bnShl(bnFromU64(f), <u32>e + 1);
      s = bnFromU64(2);
      mp = be2;
      mm = be2;
    } else {
      r = bnShl(bnFromU64(f), <u32>e + 2);
      s = bnFromU64(4);
      mp = bnShl(be2, 1);
      mm = be2;
    }
  } else {
    if (!boundary) {
      r = bnFromU64(f << 1);
      s = bnShl(bnFromU64(1), <u32>(1 - e));
      mp = bnFromU64(1);
      mm = mp;
    } else {
      r = bnFromU64(f << 2);
      s = bnShl(bnFromU64(1), <u32>(2 - e));
      mp = bnFromU64(2);
      mm = bnFromU64(1);
    }
  }
  const flen = 64 - <i32>clz<u64>(f);
  const est = <i32>Math.ceil(<f64>(e + flen - 1) * 0.30102999566398114 - 1e-10);
  if (est >= 0) {
    s = bnMul(s, bnPow10(<u32>est));
  } else {
    const scale = bnPow10(<u32>(-est));
    r = bnMul(r, scale);
    mp = bnMul(mp, scale);
    mm = bnMul(mm, scale);
  }
  let k = est;
  const hc = bnCmp(bnAdd(r, mp), s);
  if (even ? hc >= 0 : hc > 0) {
    k = est + 1;
  } else {
    r = bnMulSmallAdd(r, 10, 0);
    mp = bnMulSmallAdd(mp, 10, 0);
    mm = bnMulSmallAdd(mm, 10, 0);
  }
  let n: u32 = 0;
  while (true) {
    let d: u32 = 0;
    while (bnCmp(r, s) >= 0) {
      r = bnSub(r, s);
      d++;
    }
    const c1 = bnCmp(r, mm);
    const tc1 = even ? c1 <= 0 : c1 < 0;
    const c2 = bnCmp(bnAdd(r, mp), s);
    const tc2 = even ? c2 >= 0 : c2 > 0;
    if (!tc1 && !tc2) {
      store<u8>(dst + n++, <u8>(48 + d));
      r = bnMulSmallAdd(r, 10, 0);
      mp = bnMulSmallAdd(mp, 10, 0);
      mm = bnMulSmallAdd(mm, 10, 0);
      continue;
    }
    if (tc1 && tc2) {
      if (bnCmp(bnShl(r, 1), s) >= 0) d++;
    } else if (tc2) {
      d++;
    }
    store<u8>(dst + n++, <u8>(48 + d));
    break;
  }
  kOut = k;
  return n;
}

const DIGITS = memory.data(24);

// Appends v in OPA's number syntax. Infinities cannot come from OPA itself; they print as JSON-readable
// out-of-range literals.
export function writeF64(b: usize, v: f64): void {
  if (v != v) {
    byte(b, 48);
    return;
  }
  if (v < 0 || (v == 0 && 1 / v < 0)) {
    byte(b, 45);
    v = -v;
  }
  if (v == 0) {
    byte(b, 48);
    return;
  }
  if (v == Infinity) {
    byte(b, 49);
    byte(b, 101);
    byte(b, 57);
    byte(b, 57);
    byte(b, 57);
    return;
  }
  const nd = shortestDigits(v, DIGITS);
  writeDigitsG(b, DIGITS, nd, kOut);
}

// Digits d1..dn with value 0.d1..dn × 10^k, formatted as Go's %g with shortest precision, integral values
// in plain %f.
export function writeDigitsG(b: usize, digits: usize, nd: u32, k: i32): void {
  const x = k - 1;
  if (k >= <i32>nd) {
    bytes(b, digits, nd);
    const zeros = <u32>(k - <i32>nd);
    const dst = bufReserve(b, zeros);
    memory.fill(dst, 48, zeros);
    bufAdvance(b, zeros);
    return;
  }
  if (x < -4 || x >= 6) {
    byte(b, load<u8>(digits));
    if (nd > 1) {
      byte(b, 46);
      bytes(b, digits + 1, nd - 1);
    }
    byte(b, 101);
    let ex = x;
    if (ex < 0) {
      byte(b, 45);
      ex = -ex;
    } else {
      byte(b, 43);
    }
    if (ex < 10) byte(b, 48);
    if (ex >= 100) byte(b, 48 + ex / 100);
    if (ex >= 10) byte(b, 48 + (ex / 10) % 10);
    byte(b, 48 + ex % 10);
    return;
  }
  if (k <= 0) {
    byte(b, 48);
    byte(b, 46);
    for (let i = k; i < 0; i++) byte(b, 48);
    bytes(b, digits, nd);
    return;
  }
  bytes(b, digits, <u32>k);
  byte(b, 46);
  bytes(b, digits + <u32>k, nd - <u32>k);
}

// The exact decimal expansion of v (finite, > 0): writes all its digits at a fresh block and returns it;
// the count is left in exactCount() and the point position in shortestK() (value = 0.d1d2… × 10^k).
let exactN: u32 = 0;

@inline export function exactCount(): u32 { return exactN; }

export function exactDigits(v: f64): usize {
  const bits = reinterpret<u64>(v);
  const be = <i32>((bits >> 52) & 0x7ff);
  const frac = bits & 0xfffffffffffff;
  const m = be == 0 ? frac : frac | 0x10000000000000;
  const e = be == 0 ? -1074 : be - 1075;
  let n: usize;
  let shift: i32 = 0;
  if (e >= 0) {
    n = bnShl(bnFromU64(m), <u32>e);
  } else {
    // m / 2^-e = m × 5^-e / 10^-e
    n = bnFromU64(m);
    let k = -e;
    while (k >= 13) {
      n = bnMulSmallAdd(n, 1220703125, 0);
      k -= 13;
    }
    let p: u32 = 1;
    for (let i = 0; i < k; i++) p *= 5;
    n = bnMulSmallAdd(n, p, 0);
    shift = e;
  }
  const out = alloc(10 * (<usize>load<u32>(n)) + 11);
  let nd = bnToDigits(n, out);
  let k = <i32>nd + shift;
  while (nd > 1 && load<u8>(out + nd - 1) == 48) nd--;
  exactN = nd;
  kOut = k;
  return out;
}

// Rounds digits d[0..nd) (value 0.d × 10^k) to keep `keep` digits, half to even on the exact digits; returns
// the new count (trailing zeros dropped) and updates shortestK() when rounding carries into a new digit.
export function roundDigits(d: usize, nd: u32, k: i32, keep: i32): u32 {
  kOut = k;
  if (keep < 0) return 0;
  if (<u32>keep >= nd) return nd;
  const next = <u32>load<u8>(d + keep);
  let up = next > 53;
  if (next == 53) {
    let rest = false;
    for (let i = <u32>keep + 1; i < nd; i++) if (load<u8>(d + i) != 48) rest = true;
    up = rest || (keep > 0 && ((<u32>load<u8>(d + keep - 1) - 48) & 1) == 1);
  }
  let n = <u32>keep;
  if (up) {
    let i = <i32>n - 1;
    while (i >= 0 && load<u8>(d + i) == 57) {
      store<u8>(d + i, 48);
      i--;
    }
    if (i < 0) {
      store<u8>(d, 49);
      n = 1;
      kOut = k + 1;
      return n;
    }
    store<u8>(d + i, load<u8>(d + i) + 1);
  }
  while (n > 0 && load<u8>(d + n - 1) == 48) n--;
  return n;
}
