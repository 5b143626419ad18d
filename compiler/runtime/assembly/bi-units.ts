// units.parse (SI and binary suffixes, "m" for milli, exact; fractions print with 10 decimals as OPA's
// big.Rat does) and units.parse_bytes (byte suffixes, case-insensitive, truncated to an integer).
// Quotes are dropped, spaces rejected, and exponents limited to six digits, as in OPA.

import { alloc } from "./alloc";
import { T_STRING, typeOf, strPtr, strLen } from "./value";
import { decParse, decNd, decExp, decNeg, decDigits } from "./decimal";
import { numberFromText, numberFromBig } from "./numbers";
import { bnFromDigits, bnFromU64, bnMul, bnPow10, bnDiv, bnDivRem, bnIsZero, bnShl, bnCmp, bnAdd, bnToDigits, bnLen } from "./bignum";
import { bufNew, byte, bytes, lit, bufData, bufLen } from "./buf";
import { typeError, builtinError, errorStart, errorSet, E_BUILTIN } from "./error";

// The text without quotes (and lower-cased when asked) in a fresh block; length in cleanLen.
let cleanLen: u32 = 0;

function clean(s: usize, lower: bool): usize {
  const p = strPtr(s);
  const n = strLen(s);
  const out = alloc(n);
  let m: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let c = <u32>load<u8>(p + i);
    if (c == 34) continue;
    if (lower && c - 65 < 26) c += 32;
    store<u8>(out + m++, <u8>c);
  }
  cleanLen = m;
  return out;
}

@inline function isDigit(c: u32): bool { return c - 48 < 10; }

// Splits at the first character that cannot belong to the number (OPA's extractNumAndUnit); returns the
// number's length, or -1 when an exponent has more than six digits.
function numberLength(p: usize, n: u32): i32 {
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (!isDigit(c) && c != 46 && c != 101 && c != 69 && c != 43 && c != 45) return <i32>i;
    if (c == 101 || c == 69) {
      if (i == n - 1) return <i32>i;
      const d = <u32>load<u8>(p + i + 1);
      if (!isDigit(d) && d != 43 && d != 45) return <i32>i;
      if (d == 43 || d == 45) i++;
      let e = i + 1;
      while (e < n && isDigit(load<u8>(p + e))) e++;
      if (e - (i + 1) > 6) return -1;
    }
  }
  return <i32>n;
}

// big.Rat / big.Float number syntax: [+-] digits [. digits] [e [+-] digits], at least one digit.
function validNumber(p: usize, n: u32): bool {
  let i: u32 = 0;
  if (i < n && (load<u8>(p) == 43 || load<u8>(p) == 45)) i++;
  let digits: u32 = 0;
  while (i < n && isDigit(load<u8>(p + i))) {
    i++;
    digits++;
  }
  if (i < n && load<u8>(p + i) == 46) {
    i++;
    while (i < n && isDigit(load<u8>(p + i))) {
      i++;
      digits++;
    }
  }
  if (digits == 0) return false;
  if (i < n && (load<u8>(p + i) | 32) == 101) {
    i++;
    if (i < n && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) i++;
    const s = i;
    while (i < n && isDigit(load<u8>(p + i))) i++;
    if (i == s) return false;
  }
  return i == n;
}

function unitIs(p: usize, n: u32, u: string): bool {
  if (n != <u32>u.length) return false;
  const l = changetype<usize>(u);
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>load<u16>(l + (i << 1))) return false;
  return true;
}

const SCALE_LIMIT: i32 = 4000;

// Exact value of the number text times mult / 10^shift, as (numerator bignum, power-of-ten divisor exponent).
let valNeg = false;
let valDen: i32 = 0;

function exactValue(p: usize, n: u32, mult: u64, shift: i32): usize {
  const sign = load<u8>(p) == 43 ? 1 : 0;
  const d = decParse(p + sign, n - sign);
  valNeg = decNeg(d) && decNd(d) != 0;
  let m = bnMul(bnFromDigits(decDigits(d), decNd(d)), bnFromU64(mult));
  let e = decExp(d) - shift;
  if (e > 0) {
    m = bnMul(m, bnPow10(<u32>e));
    e = 0;
  }
  valDen = -e;
  return m;
}

function tooLarge(p: usize, n: u32): bool {
  const sign = load<u8>(p) == 43 ? 1 : 0;
  const d = decParse(p + sign, n - sign);
  const top = <i32>decNd(d) + decExp(d);
  return top > SCALE_LIMIT || top < -SCALE_LIMIT;
}

export function b_units_parse(s: usize): usize {
  const name = "units.parse";
  if (typeOf(s) != T_STRING) return typeError(name, 1, "string", s);
  const p = clean(s, false);
  const n = cleanLen;
  for (let i: u32 = 0; i < n; i++) if (load<u8>(p + i) == 32) return builtinError(name, "spaces not allowed in resource strings");
  const nl = numberLength(p, n);
  if (nl < 0) return builtinError(name, "exponent too large");
  if (nl == 0) return builtinError(name, "no amount provided");
  const u = p + <u32>nl;
  const un = n - <u32>nl;
  // Only the letters after the first are case-insensitive, so that m (milli) and M (mega) differ.
  for (let i: u32 = 1; i < un; i++) {
    const c = <u32>load<u8>(u + i);
    if (c - 65 < 26) store<u8>(u + i, <u8>(c + 32));
  }
  let mult: u64 = 1;
  let shift: i32 = 0;
  if (un == 0) mult = 1;
  else if (unitIs(u, un, "m")) shift = 3;
  else if (unitIs(u, un, "k") || unitIs(u, un, "K")) mult = 1000;
  else if (unitIs(u, un, "ki") || unitIs(u, un, "Ki")) mult = 1 << 10;
  else if (unitIs(u, un, "M")) mult = 1000000;
  else if (unitIs(u, un, "mi") || unitIs(u, un, "Mi")) mult = 1 << 20;
  else if (unitIs(u, un, "g") || unitIs(u, un, "G")) mult = 1000000000;
  else if (unitIs(u, un, "gi") || unitIs(u, un, "Gi")) mult = 1 << 30;
  else if (unitIs(u, un, "t") || unitIs(u, un, "T")) mult = 1000000000000;
  else if (unitIs(u, un, "ti") || unitIs(u, un, "Ti")) mult = 1 << 40;
  else if (unitIs(u, un, "p") || unitIs(u, un, "P")) mult = 1000000000000000;
  else if (unitIs(u, un, "pi") || unitIs(u, un, "Pi")) mult = 1 << 50;
  else if (unitIs(u, un, "e") || unitIs(u, un, "E")) mult = 1000000000000000000;
  else if (unitIs(u, un, "ei") || unitIs(u, un, "Ei")) mult = 1 << 60;
  else {
    const b = errorStart(name);
    lit(b, "unit ");
    bytes(b, u, un);
    lit(b, " not recognized");
    return errorSet(b, E_BUILTIN);
  }
  if (!validNumber(p, <u32>nl)) return builtinError(name, "could not parse amount to a number");
  if (tooLarge(p, <u32>nl)) return builtinError(name, "exponent too large");
  const m = exactValue(p, <u32>nl, mult, shift);
  if (valDen == 0) return numberFromBig(valNeg, m);
  const den = bnPow10(<u32>valDen);
  const q = bnDiv(m, den);
  if (bnIsZero(bnDivRem())) return numberFromBig(valNeg, q);
  // Ten decimals, rounded half away from zero (big.Rat's FloatString).
  const scaled = bnMul(m, bnPow10(10));
  let q10 = bnDiv(scaled, den);
  if (bnCmp(bnShl(bnDivRem(), 1), den) >= 0) q10 = bnAdd(q10, bnFromU64(1));
  const digits = alloc(10 * (<usize>bnLen(q10)) + 12);
  let nd = bnToDigits(q10, digits);
  const b = bufNew(nd + 16);
  if (valNeg) byte(b, 45);
  if (nd <= 10) {
    byte(b, 48);
    byte(b, 46);
    for (let i: u32 = nd; i < 10; i++) byte(b, 48);
    bytes(b, digits, nd);
  } else {
    bytes(b, digits, nd - 10);
    byte(b, 46);
    bytes(b, digits + nd - 10, 10);
  }
  const text = alloc(bufLen(b));
  memory.copy(text, bufData(b), bufLen(b));
  return numberFromText(text, bufLen(b));
}

export function b_units_parse_bytes(s: usize): usize {
  const name = "units.parse_bytes";
  if (typeOf(s) != T_STRING) return typeError(name, 1, "string", s);
  const p = clean(s, true);
  const n = cleanLen;
  for (let i: u32 = 0; i < n; i++) if (load<u8>(p + i) == 32) return builtinError(name, "spaces not allowed in resource strings");
  const nl = numberLength(p, n);
  if (nl < 0) return builtinError(name, "exponent too large");
  if (nl == 0) return builtinError(name, "no byte amount provided");
  const u = p + <u32>nl;
  const un = n - <u32>nl;
  let mult: u64 = 1;
  if (un == 0) mult = 1;
  else if (unitIs(u, un, "kb") || unitIs(u, un, "k")) mult = 1000;
  else if (unitIs(u, un, "kib") || unitIs(u, un, "ki")) mult = 1 << 10;
  else if (unitIs(u, un, "mb") || unitIs(u, un, "m")) mult = 1000000;
  else if (unitIs(u, un, "mib") || unitIs(u, un, "mi")) mult = 1 << 20;
  else if (unitIs(u, un, "gb") || unitIs(u, un, "g")) mult = 1000000000;
  else if (unitIs(u, un, "gib") || unitIs(u, un, "gi")) mult = 1 << 30;
  else if (unitIs(u, un, "tb") || unitIs(u, un, "t")) mult = 1000000000000;
  else if (unitIs(u, un, "tib") || unitIs(u, un, "ti")) mult = 1 << 40;
  else if (unitIs(u, un, "pb") || unitIs(u, un, "p")) mult = 1000000000000000;
  else if (unitIs(u, un, "pib") || unitIs(u, un, "pi")) mult = 1 << 50;
  else if (unitIs(u, un, "eb") || unitIs(u, un, "e")) mult = 1000000000000000000;
  else if (unitIs(u, un, "eib") || unitIs(u, un, "ei")) mult = 1 << 60;
  else {
    const b = errorStart(name);
    lit(b, "byte unit ");
    bytes(b, u, un);
    lit(b, " not recognized");
    return errorSet(b, E_BUILTIN);
  }
  if (!validNumber(p, <u32>nl)) return builtinError(name, "could not parse byte amount to a number");
  if (tooLarge(p, <u32>nl)) return builtinError(name, "exponent too large");
  const m = exactValue(p, <u32>nl, mult, 0);
  if (valDen == 0) return numberFromBig(valNeg, m);
  return numberFromBig(valNeg, bnDiv(m, bnPow10(<u32>valDen)));
}
