// Semantic versions (semver.org 2.0.0): semver.is_valid and semver.compare. Major, minor and patch are
// numbers without leading zeros; pre-release identifiers order below the release, numerically when numeric;
// build metadata is ignored when comparing.

import { T_STRING, typeOf, strPtr, strLen, boolValue, newInt } from "./value";
import { typeError, errorStart, errorSet, E_BUILTIN } from "./error";
import { lit, bytes } from "./buf";

// Parse results: the three numbers, and the pre-release text [preFrom, preTo).
let major: u64 = 0;
let minor: u64 = 0;
let patch: u64 = 0;
let preFrom: u32 = 0;
let preTo: u32 = 0;

@inline function isDigit(c: u32): bool { return c - 48 < 10; }
@inline function isIdentChar(c: u32): bool { return isDigit(c) || (c | 32) - 97 < 26 || c == 45; }

let pos: u32 = 0;

function number(p: usize, n: u32): i64 {
  const s = pos;
  let v: u64 = 0;
  while (pos < n && isDigit(load<u8>(p + pos))) {
    if (v > 100000000000000000) return -1;
    v = v * 10 + (<u64>load<u8>(p + pos) - 48);
    pos++;
  }
  if (pos == s || (pos - s > 1 && load<u8>(p + s) == 48)) return -1;
  return <i64>v;
}

// Dot-separated non-empty identifiers up to `stop` (or the end); numeric ones without leading zeros when
// `strictNumeric`.
function identifiers(p: usize, n: u32, stop: u32, strictNumeric: bool): bool {
  let start = pos;
  while (true) {
    if (pos < n && load<u8>(p + pos) != 46 && load<u8>(p + pos) != stop) {
      if (!isIdentChar(load<u8>(p + pos))) return false;
      pos++;
      continue;
    }
    if (pos == start) return false;
    if (strictNumeric) {
      let numeric = true;
      for (let i = start; i < pos; i++) if (!isDigit(load<u8>(p + i))) numeric = false;
      if (numeric && pos - start > 1 && load<u8>(p + start) == 48) return false;
    }
    if (pos < n && load<u8>(p + pos) == 46) {
      pos++;
      start = pos;
      continue;
    }
    return true;
  }
}

function parse(p: usize, n: u32): bool {
  pos = 0;
  const a = number(p, n);
  if (a < 0 || pos >= n || load<u8>(p + pos) != 46) return false;
  pos++;
  const b = number(p, n);
  if (b < 0 || pos >= n || load<u8>(p + pos) != 46) return false;
  pos++;
  const c = number(p, n);
  if (c < 0) return false;
  major = <u64>a;
  minor = <u64>b;
  patch = <u64>c;
  preFrom = 0;
  preTo = 0;
  if (pos < n && load<u8>(p + pos) == 45) {
    pos++;
    preFrom = pos;
    if (!identifiers(p, n, 43, true)) return false;
    preTo = pos;
  }
  if (pos < n && load<u8>(p + pos) == 43) {
    pos++;
    if (!identifiers(p, n, 0, false)) return false;
  }
  return pos == n;
}

export function b_semver_is_valid(v: usize): usize {
  if (typeOf(v) != T_STRING) return boolValue(false);
  return boolValue(parse(strPtr(v), strLen(v)));
}

function invalid(pos: i32, v: usize): usize {
  const b = errorStart("semver.compare");
  lit(b, "operand ");
  lit(b, pos == 1 ? "1" : "2");
  lit(b, ": string \"");
  bytes(b, strPtr(v), strLen(v));
  lit(b, "\" is not a valid SemVer");
  return errorSet(b, E_BUILTIN);
}

@inline function cmpU64(x: u64, y: u64): i32 { return x < y ? -1 : x > y ? 1 : 0; }

// Compares one pre-release identifier: numeric ones numerically and below alphanumeric ones.
function cmpIdent(a: usize, an: u32, b: usize, bn: u32): i32 {
  let na = true;
  let nb = true;
  for (let i: u32 = 0; i < an; i++) if (!isDigit(load<u8>(a + i))) na = false;
  for (let i: u32 = 0; i < bn; i++) if (!isDigit(load<u8>(b + i))) nb = false;
  if (na && nb) {
    if (an != bn) return an < bn ? -1 : 1;
    const c = memory.compare(a, b, an);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (na != nb) return na ? -1 : 1;
  const m = an < bn ? an : bn;
  const c = memory.compare(a, b, m);
  if (c != 0) return c < 0 ? -1 : 1;
  return an == bn ? 0 : an < bn ? -1 : 1;
}

function cmpPre(a: usize, an: u32, b: usize, bn: u32): i32 {
  if (an == 0 || bn == 0) return an == bn ? 0 : an == 0 ? 1 : -1;
  let i: u32 = 0;
  let j: u32 = 0;
  while (i < an && j < bn) {
    let ie = i;
    while (ie < an && load<u8>(a + ie) != 46) ie++;
    let je = j;
    while (je < bn && load<u8>(b + je) != 46) je++;
    const c = cmpIdent(a + i, ie - i, b + j, je - j);
    if (c != 0) return c;
    i = ie + 1;
    j = je + 1;
  }
  const aDone = i >= an;
  const bDone = j >= bn;
  return aDone && bDone ? 0 : aDone ? -1 : 1;
}

export function b_semver_compare(a: usize, b: usize): usize {
  if (typeOf(a) != T_STRING) return typeError("semver.compare", 1, "string", a);
  if (typeOf(b) != T_STRING) return typeError("semver.compare", 2, "string", b);
  if (!parse(strPtr(a), strLen(a))) return invalid(1, a);
  const a1 = major;
  const a2 = minor;
  const a3 = patch;
  const ap = strPtr(a) + preFrom;
  const an = preTo - preFrom;
  if (!parse(strPtr(b), strLen(b))) return invalid(2, b);
  let c = cmpU64(a1, major);
  if (c == 0) c = cmpU64(a2, minor);
  if (c == 0) c = cmpU64(a3, patch);
  if (c == 0) c = cmpPre(ap, an, strPtr(b) + preFrom, preTo - preFrom);
  return newInt(c);
}
