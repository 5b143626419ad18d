// Bitwise builtins on integers of any size with Go's big.Int semantics (two's complement for negatives):
// bits.and, bits.or, bits.xor, bits.negate, bits.lsh, bits.rsh.

import { alloc } from "./alloc";
import { T_NUMBER, N_INT, typeOf, numRepr, numI64, newInt } from "./value";
import { numIsInteger, numToBig, numBigNeg, numberFromBig } from "./numbers";
import { bnFromU64, bnLen, bnLimb, bnShl, bnShr, bnLowBitsNonZero, bnAdd } from "./bignum";
import { typeError, operandError, E_TYPE } from "./error";

function checkInt(name: string, pos: i32, v: usize): bool {
  if (typeOf(v) != T_NUMBER) {
    typeError(name, pos, "integer", v);
    return false;
  }
  if (!numIsInteger(v)) {
    operandError(name, pos, "must be integer number but got floating-point number", E_TYPE);
    return false;
  }
  return true;
}

// Two's complement limbs of ±m, sign-extended to n limbs.
function twos(neg: bool, m: usize, n: u32): usize {
  const r = alloc(<usize>n << 2);
  let borrow: u64 = 1;
  for (let i: u32 = 0; i < n; i++) {
    const x = i < bnLen(m) ? bnLimb(m, i) : 0;
    if (!neg) {
      store<u32>(r + (<usize>i << 2), x);
    } else {
      // -m = ~m + 1, limb by limb.
      const t = (<u64>(~x)) + borrow;
      store<u32>(r + (<usize>i << 2), <u32>t);
      borrow = t >> 32;
    }
  }
  return r;
}

// The number whose two's complement limbs (n of them, top bit = sign) are at r.
function fromTwos(r: usize, n: u32): usize {
  const neg = (load<u32>(r + (<usize>(n - 1) << 2)) >> 31) != 0;
  const m = alloc(4 + (<usize>n << 2));
  store<u32>(m, n);
  let carry: u64 = 1;
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u32>(r + (<usize>i << 2));
    if (!neg) {
      store<u32>(m + 4 + (<usize>i << 2), x);
    } else {
      const t = (<u64>(~x)) + carry;
      store<u32>(m + 4 + (<usize>i << 2), <u32>t);
      carry = t >> 32;
    }
  }
  let len = n;
  while (len > 0 && load<u32>(m + 4 + (<usize>(len - 1) << 2)) == 0) len--;
  store<u32>(m, len);
  return numberFromBig(neg, m);
}

function logic(name: string, op: i32, a: usize, b: usize): usize {
  if (!checkInt(name, 1, a) || !checkInt(name, 2, b)) return 0;
  if (numRepr(a) == N_INT && numRepr(b) == N_INT) {
    const x = numI64(a);
    const y = numI64(b);
    return newInt(op == 0 ? x & y : op == 1 ? x | y : x ^ y);
  }
  const ma = numToBig(a);
  const na = numBigNeg();
  const mb = numToBig(b);
  const nb = numBigNeg();
  const n = (bnLen(ma) > bnLen(mb) ? bnLen(ma) : bnLen(mb)) + 1;
  const ta = twos(na, ma, n);
  const tb = twos(nb, mb, n);
  const r = alloc(<usize>n << 2);
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u32>(ta + (<usize>i << 2));
    const y = load<u32>(tb + (<usize>i << 2));
    store<u32>(r + (<usize>i << 2), op == 0 ? x & y : op == 1 ? x | y : x ^ y);
  }
  return fromTwos(r, n);
}

export function b_bits_and(a: usize, b: usize): usize {
  return logic("bits.and", 0, a, b);
}

export function b_bits_or(a: usize, b: usize): usize {
  return logic("bits.or", 1, a, b);
}

export function b_bits_xor(a: usize, b: usize): usize {
  return logic("bits.xor", 2, a, b);
}

export function b_bits_negate(a: usize): usize {
  if (!checkInt("bits.negate", 1, a)) return 0;
  if (numRepr(a) == N_INT) return newInt(~numI64(a));
  // ~x = -x - 1
  const m = numToBig(a);
  if (numBigNeg()) return numberFromBig(false, bnSubOne(m));
  return numberFromBig(true, bnAdd(m, bnFromU64(1)));
}

function bnSubOne(m: usize): usize {
  const n = bnLen(m);
  const r = alloc(4 + (<usize>n << 2));
  store<u32>(r, n);
  let borrow = true;
  for (let i: u32 = 0; i < n; i++) {
    const x = bnLimb(m, i);
    store<u32>(r + 4 + (<usize>i << 2), borrow ? x - 1 : x);
    if (x != 0) borrow = false;
  }
  let len = n;
  while (len > 0 && load<u32>(r + 4 + (<usize>(len - 1) << 2)) == 0) len--;
  store<u32>(r, len);
  return r;
}

function shiftCount(name: string, b: usize): i64 {
  if (typeOf(b) != T_NUMBER) {
    typeError(name, 2, "number", b);
    return -1;
  }
  if (!numIsInteger(b)) {
    operandError(name, 2, "must be integer number but got floating-point number", E_TYPE);
    return -1;
  }
  if (numRepr(b) != N_INT || numI64(b) < 0) {
    operandError(name, 2, "must be an unsigned integer number but got a negative integer", E_TYPE);
    return -1;
  }
  return numI64(b);
}

export function b_bits_lsh(a: usize, b: usize): usize {
  if (!checkInt("bits.lsh", 1, a)) return 0;
  const s = shiftCount("bits.lsh", b);
  if (s < 0) return 0;
  if (numRepr(a) == N_INT && s < 63) {
    const x = numI64(a);
    const r = x << s;
    if (r >> s == x) return newInt(r);
  }
  const m = numToBig(a);
  return numberFromBig(numBigNeg(), bnShl(m, <u32>s));
}

export function b_bits_rsh(a: usize, b: usize): usize {
  if (!checkInt("bits.rsh", 1, a)) return 0;
  const s = shiftCount("bits.rsh", b);
  if (s < 0) return 0;
  if (numRepr(a) == N_INT) return newInt(numI64(a) >> (s > 63 ? 63 : s));
  const m = numToBig(a);
  const neg = numBigNeg();
  let q = bnShr(m, <u32>s);
  // An arithmetic shift rounds toward minus infinity.
  if (neg && bnLowBitsNonZero(m, <u32>s)) q = bnAdd(q, bnFromU64(1));
  return numberFromBig(neg, q);
}
