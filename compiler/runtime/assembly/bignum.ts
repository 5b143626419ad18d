// Unsigned arbitrary-precision integers for the rare exact paths: integers beyond 64 bits, correctly rounded
// decimal-to-f64 conversion and shortest float printing. A bignum is a heap block {u32 n, u32 limbs[n]}
// (little-endian, no leading zero limbs); every operation returns a fresh block, garbage the heap reset frees.

import { alloc } from "./alloc";

@inline export function bnLen(a: usize): u32 { return load<u32>(a); }
@inline export function bnLimb(a: usize, i: u32): u32 { return load<u32>(a + 4 + (<usize>i << 2)); }
@inline function setLimb(a: usize, i: u32, x: u32): void { store<u32>(a + 4 + (<usize>i << 2), x); }

function bnAlloc(n: u32): usize {
  const a = alloc(4 + (<usize>n << 2));
  store<u32>(a, n);
  return a;
}

function trim(a: usize): usize {
  let n = load<u32>(a);
  while (n > 0 && bnLimb(a, n - 1) == 0) n--;
  store<u32>(a, n);
  return a;
}

export function bnFromU64(x: u64): usize {
  const a = bnAlloc(2);
  setLimb(a, 0, <u32>x);
  setLimb(a, 1, <u32>(x >> 32));
  return trim(a);
}

@inline export function bnIsZero(a: usize): bool { return load<u32>(a) == 0; }

export function bnBitLen(a: usize): u32 {
  const n = load<u32>(a);
  if (n == 0) return 0;
  return (n - 1) * 32 + (32 - <u32>clz<u32>(bnLimb(a, n - 1)));
}

// Fits in 64 bits: the caller checks bnBitLen first.
export function bnToU64(a: usize): u64 {
  const n = load<u32>(a);
  let x: u64 = 0;
  if (n > 0) x = <u64>bnLimb(a, 0);
  if (n > 1) x |= (<u64>bnLimb(a, 1)) << 32;
  return x;
}

export function bnCmp(a: usize, b: usize): i32 {
  const na = load<u32>(a);
  const nb = load<u32>(b);
  if (na != nb) return na < nb ? -1 : 1;
  for (let i = <i32>na - 1; i >= 0; i--) {
    const x = bnLimb(a, i);
    const y = bnLimb(b, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

export function bnMulSmallAdd(a: usize, m: u32, add: u32): usize {
  const n = load<u32>(a);
  const r = bnAlloc(n + 1);
  let carry: u64 = <u64>add;
  for (let i: u32 = 0; i < n; i++) {
    const t = (<u64>bnLimb(a, i)) * (<u64>m) + carry;
    setLimb(r, i, <u32>t);
    carry = t >> 32;
  }
  setLimb(r, n, <u32>carry);
  return trim(r);
}

export function bnAdd(a: usize, b: usize): usize {
  const na = load<u32>(a);
  const nb = load<u32>(b);
  const n = na > nb ? na : nb;
  const r = bnAlloc(n + 1);
  let carry: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const t = (i < na ? <u64>bnLimb(a, i) : 0) + (i < nb ? <u64>bnLimb(b, i) : 0) + carry;
    setLimb(r, i, <u32>t);
    carry = t >> 32;
  }
  setLimb(r, n, <u32>carry);
  return trim(r);
}

// a - b for a >= b.
export function bnSub(a: usize, b: usize): usize {
  const na = load<u32>(a);
  const nb = load<u32>(b);
  const r = bnAlloc(na);
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < na; i++) {
    let t = (<i64>bnLimb(a, i)) - (i < nb ? <i64>bnLimb(b, i) : 0) - borrow;
    borrow = 0;
    if (t < 0) {
      t += 0x100000000;
      borrow = 1;
    }
    setLimb(r, i, <u32>t);
  }
  return trim(r);
}

export function bnMul(a: usize, b: usize): usize {
  const na = load<u32>(a);
  const nb = load<u32>(b);
  const r = bnAlloc(na + nb);
  memory.fill(r + 4, 0, (<usize>(na + nb)) << 2);
  for (let i: u32 = 0; i < na; i++) {
    let carry: u64 = 0;
    const x = <u64>bnLimb(a, i);
    for (let j: u32 = 0; j < nb; j++) {
      const t = x * (<u64>bnLimb(b, j)) + (<u64>bnLimb(r, i + j)) + carry;
      setLimb(r, i + j, <u32>t);
      carry = t >> 32;
    }
    setLimb(r, i + nb, <u32>carry);
  }
  return trim(r);
}

export function bnShl(a: usize, bits: u32): usize {
  const na = load<u32>(a);
  if (na == 0) return a;
  const limbs = bits >> 5;
  const sh = bits & 31;
  const r = bnAlloc(na + limbs + 1);
  for (let i: u32 = 0; i < limbs; i++) setLimb(r, i, 0);
  let carry: u32 = 0;
  for (let i: u32 = 0; i < na; i++) {
    const x = bnLimb(a, i);
    setLimb(r, i + limbs, sh == 0 ? x : (x << sh) | carry);
    carry = sh == 0 ? 0 : x >> (32 - sh);
  }
  setLimb(r, na + limbs, carry);
  return trim(r);
}

export function bnShr(a: usize, bits: u32): usize {
  const na = load<u32>(a);
  const limbs = bits >> 5;
  if (limbs >= na) return bnAlloc(0);
  const sh = bits & 31;
  const n = na - limbs;
  const r = bnAlloc(n);
  for (let i: u32 = 0; i < n; i++) {
    const lo = bnLimb(a, i + limbs);
    const hi = i + limbs + 1 < na ? bnLimb(a, i + limbs + 1) : 0;
    setLimb(r, i, sh == 0 ? lo : (lo >> sh) | (hi << (32 - sh)));
  }
  return trim(r);
}

// True when any of the low `bits` bits of a is set.
export function bnLowBitsNonZero(a: usize, bits: u32): bool {
  const na = load<u32>(a);
  const limbs = bits >> 5;
  for (let i: u32 = 0; i < limbs && i < na; i++) if (bnLimb(a, i) != 0) return true;
  const sh = bits & 31;
  if (sh != 0 && limbs < na && (bnLimb(a, limbs) & ((1 << sh) - 1)) != 0) return true;
  return false;
}

export function bnPow10(n: u32): usize {
  let r = bnFromU64(1);
  while (n >= 9) {
    r = bnMulSmallAdd(r, 1000000000, 0);
    n -= 9;
  }
  let m: u32 = 1;
  for (let i: u32 = 0; i < n; i++) m *= 10;
  return m == 1 ? r : bnMulSmallAdd(r, m, 0);
}

let remSmall: u32 = 0;

// Quotient of a / d; the remainder is left in bnRemSmall().
export function bnDivSmall(a: usize, d: u32): usize {
  const n = load<u32>(a);
  const q = bnAlloc(n);
  let rem: u64 = 0;
  for (let i = <i32>n - 1; i >= 0; i--) {
    const t = (rem << 32) | (<u64>bnLimb(a, i));
    setLimb(q, i, <u32>(t / d));
    rem = t % d;
  }
  remSmall = <u32>rem;
  return trim(q);
}

export function bnRemSmall(): u32 { return remSmall; }

let divRem: usize = 0;

// Quotient of a / b (b != 0) by shift-and-subtract; the remainder is left in bnDivRem(). Only rare paths use it.
export function bnDiv(a: usize, b: usize): usize {
  if (bnCmp(a, b) < 0) {
    divRem = a;
    return bnAlloc(0);
  }
  const shift = bnBitLen(a) - bnBitLen(b);
  let r = a;
  let d = bnShl(b, shift);
  const qn = (shift >> 5) + 1;
  const q = bnAlloc(qn);
  memory.fill(q + 4, 0, (<usize>qn) << 2);
  for (let i = <i32>shift; i >= 0; i--) {
    if (bnCmp(r, d) >= 0) {
      r = bnSub(r, d);
      setLimb(q, <u32>i >> 5, bnLimb(q, <u32>i >> 5) | (1 << (<u32>i & 31)));
    }
    d = bnShr(d, 1);
  }
  divRem = r;
  return trim(q);
}

export function bnDivRem(): usize { return divRem; }

// From ASCII decimal digits.
export function bnFromDigits(p: usize, n: u32): usize {
  let r = bnAlloc(0);
  let i: u32 = 0;
  while (i < n) {
    let chunk: u32 = 0;
    let mul: u32 = 1;
    for (let j: u32 = 0; j < 9 && i < n; j++, i++) {
      chunk = chunk * 10 + (<u32>load<u8>(p + i) - 48);
      mul *= 10;
    }
    r = bnMulSmallAdd(r, mul, chunk);
  }
  return r;
}

// Writes the decimal digits of a at dst (which has room for 10 * limbs + 1 bytes); returns how many.
export function bnToDigits(a: usize, dst: usize): u32 {
  if (bnIsZero(a)) {
    store<u8>(dst, 48);
    return 1;
  }
  let n: u32 = 0;
  let x = a;
  while (!bnIsZero(x)) {
    x = bnDivSmall(x, 1000000000);
    let chunk = remSmall;
    const last = bnIsZero(x);
    for (let j = 0; j < 9; j++) {
      if (last && chunk == 0) break;
      store<u8>(dst + n, <u8>(48 + chunk % 10));
      chunk /= 10;
      n++;
    }
  }
  for (let i: u32 = 0, j = n - 1; i < j; i++, j--) {
    const t = load<u8>(dst + i);
    store<u8>(dst + i, load<u8>(dst + j));
    store<u8>(dst + j, t);
  }
  return n;
}

// Correctly rounded (to nearest, ties to even) value of a × 2^exp2, with `sticky` saying that nonzero bits
// below a were dropped before the call.
export function bnToF64(a: usize, exp2: i32, sticky: bool): f64 {
  const L = bnBitLen(a);
  if (L == 0) return 0;
  let mant: u64;
  let e = exp2;
  if (L <= 53) {
    // Callers that pass sticky bits give at least 54 bits, so a short value is exact.
    mant = bnToU64(a);
    return scale2(<f64>mant, e);
  }
  const drop = L - 54;
  const top = bnToU64(bnShr(a, drop));
  const lowSticky = sticky || bnLowBitsNonZero(a, drop);
  mant = top >> 1;
  const half = (top & 1) != 0;
  if (half && (lowSticky || (mant & 1) != 0)) mant++;
  e += <i32>drop + 1;
  return scale2(<f64>mant, e);
}

// x × 2^e without intermediate overflow or premature underflow.
export function scale2(x: f64, e: i32): f64 {
  while (e > 1000) {
    x *= reinterpret<f64>((<u64>(1023 + 1000)) << 52);
    e -= 1000;
    if (x == Infinity) return x;
  }
  while (e < -1000) {
    x *= reinterpret<f64>((<u64>(1023 - 1000)) << 52);
    e += 1000;
    if (x == 0) return x;
  }
  if (e < -1022) {
    // Two steps keep the final multiplication the only rounding step for subnormal results.
    x *= reinterpret<f64>((<u64>(1023 - 1022)) << 52);
    e += 1022;
  }
  return x * reinterpret<f64>((<u64>(1023 + e)) << 52);
}
