// Decimal number text (JSON/Rego number syntax) to an exact decimal {sign, digits, exponent} and from there to
// the correctly rounded f64 or an exact i64. Numbers keep their text; this is how the runtime reads it when a
// value is compared, hashed or computed with. Fast paths cover the common short numbers; bignums the rest.

import { alloc } from "./alloc";
import { bnFromDigits, bnMul, bnPow10, bnBitLen, bnShl, bnDiv, bnDivRem, bnIsZero, bnToF64 } from "./bignum";

// A parsed decimal: value = (neg ? -1 : 1) × digits × 10^exp, digits without leading or trailing zeros
// (nd == 0 means zero). Fields of the block returned by decParse.
@inline export function decNeg(d: usize): bool { return load<u8>(d) != 0; }
@inline export function decNd(d: usize): u32 { return load<u32>(d, 4); }
@inline export function decExp(d: usize): i32 { return load<i32>(d, 8); }
@inline export function decDigits(d: usize): usize { return d + 12; }

const EXP_LIMIT: i32 = 100000000;

@inline function isDigit(c: u32): bool { return c - 48 < 10; }

// Checks the JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
export function isNumberSyntax(p: usize, n: u32): bool {
  let i: u32 = 0;
  if (i < n && load<u8>(p) == 45) i++;
  if (i >= n) return false;
  let c = <u32>load<u8>(p + i);
  if (c == 48) {
    i++;
  } else if (isDigit(c)) {
    while (i < n && isDigit(load<u8>(p + i))) i++;
  } else {
    return false;
  }
  if (i < n && load<u8>(p + i) == 46) {
    i++;
    const s = i;
    while (i < n && isDigit(load<u8>(p + i))) i++;
    if (i == s) return false;
  }
  if (i < n && (load<u8>(p + i) | 32) == 101) {
    i++;
    if (i < n && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) i++;
    const s = i;
    while (i < n && isDigit(load<u8>(p + i))) i++;
    if (i == s) return false;
  }
  return i == n;
}

// Parses number text that already passed the syntax check (or came from a parser that checked it).
export function decParse(p: usize, n: u32): usize {
  const d = alloc(12 + n);
  const digits = d + 12;
  let i: u32 = 0;
  let neg = false;
  if (i < n && load<u8>(p) == 45) {
    neg = true;
    i++;
  }
  let nd: u32 = 0;
  let exp: i32 = 0;
  let seenDot = false;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 46) {
      seenDot = true;
      continue;
    }
    if (!isDigit(c)) break;
    if (seenDot) exp--;
    if (nd == 0 && c == 48) continue;
    store<u8>(digits + nd, <u8>c);
    nd++;
  }
  if (i < n && (load<u8>(p + i) | 32) == 101) {
    i++;
    let eneg = false;
    if (i < n && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) {
      eneg = load<u8>(p + i) == 45;
      i++;
    }
    let e: i32 = 0;
    for (; i < n; i++) {
      const c = <u32>load<u8>(p + i);
      if (!isDigit(c)) break;
      if (e < EXP_LIMIT) e = e * 10 + <i32>(c - 48);
    }
    exp += eneg ? -e : e;
  }
  while (nd > 0 && load<u8>(digits + nd - 1) == 48) {
    nd--;
    exp++;
  }
  if (nd == 0) exp = 0;
  store<u8>(d, neg ? 1 : 0);
  store<u32>(d, nd, 4);
  store<i32>(d, exp, 8);
  return d;
}

let i64Out: i64 = 0;

// When d is an integer in the i64 range, leaves it in decI64() and returns true.
export function decToI64(d: usize): bool {
  const nd = decNd(d);
  const exp = decExp(d);
  if (nd == 0) {
    i64Out = 0;
    return true;
  }
  if (exp < 0 || <i32>nd + exp > 19) return false;
  // At most 19 digits: below 10^19 < 2^64, so the u64 cannot overflow.
  let x: u64 = 0;
  const digits = decDigits(d);
  for (let i: u32 = 0; i < nd; i++) x = x * 10 + (<u64>load<u8>(digits + i) - 48);
  for (let i: i32 = 0; i < exp; i++) x *= 10;
  if (decNeg(d)) {
    if (x > 0x8000000000000000) return false;
    i64Out = <i64>(0 - x);
  } else {
    if (x > 0x7fffffffffffffff) return false;
    i64Out = <i64>x;
  }
  return true;
}

@inline export function decI64(): i64 { return i64Out; }

const POW10 = memory.data<f64>([1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]);

@inline function pow10(i: i32): f64 { return load<f64>(POW10 + (<usize>i << 3)); }

// The f64 nearest to d (ties to even).
export function decToF64(d: usize): f64 {
  const nd = decNd(d);
  if (nd == 0) return decNeg(d) ? -0.0 : 0.0;
  let exp = decExp(d);
  const digits = decDigits(d);
  let f: f64;
  const top = <i32>nd + exp;
  if (top > 310) {
    f = Infinity;
  } else if (top < -330) {
    f = 0;
  } else if (nd <= 15 && exp >= -22 && exp <= 22 + 15 - <i32>nd) {
    // Both factors are exact doubles, so one multiplication or division rounds once.
    let w: u64 = 0;
    for (let i: u32 = 0; i < nd; i++) w = w * 10 + (<u64>load<u8>(digits + i) - 48);
    f = <f64>w;
    if (exp < 0) {
      f /= pow10(-exp);
    } else {
      if (exp > 22) {
        f *= pow10(exp - 22);
        exp = 22;
      }
      f *= pow10(exp);
    }
  } else {
    const m = bnFromDigits(digits, nd);
    if (exp >= 0) {
      f = bnToF64(bnMul(m, bnPow10(<u32>exp)), 0, false);
    } else {
      const s = bnPow10(<u32>(-exp));
      let sh: i32 = 66 + <i32>bnBitLen(s) - <i32>bnBitLen(m);
      if (sh < 0) sh = 0;
      const q = bnDiv(bnShl(m, <u32>sh), s);
      f = bnToF64(q, -sh, !bnIsZero(bnDivRem()));
    }
  }
  return decNeg(d) ? -f : f;
}
