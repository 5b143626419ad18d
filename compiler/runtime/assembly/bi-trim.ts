// Trimming builtins: trim, trim_left, trim_right (runes in a cutset), trim_prefix, trim_suffix and
// trim_space (Unicode white space), as Go's strings.Trim* define them. Results share the input's bytes.

import { T_STRING, typeOf, strPtr, strLen } from "./value";
import { utf8Decode, utf8Width } from "./utf8";
import { startsWith, endsWith, substr } from "./strings";
import { typeError } from "./error";

function inCutset(cp: u32, cut: usize, cn: u32): bool {
  const end = cut + cn;
  let q = cut;
  while (q < end) {
    const c = utf8Decode(q, end);
    if (c == cp) return true;
    q += utf8Width();
  }
  return false;
}

// The rune ending just before byte offset `to` (for trimming from the right).
let lastStart: u32 = 0;

function runeBefore(p: usize, to: u32): u32 {
  let s = to - 1;
  while (s > 0 && to - s < 4 && (load<u8>(p + s) & 0xc0) == 0x80) s--;
  const cp = utf8Decode(p + s, p + to);
  if (s + utf8Width() != to) {
    // Not a whole rune: the last byte alone is invalid.
    lastStart = to - 1;
    return 0xfffd;
  }
  lastStart = s;
  return cp;
}

function trimLeftOffset(p: usize, n: u32, cut: usize, cn: u32): u32 {
  let i: u32 = 0;
  while (i < n) {
    const cp = utf8Decode(p + i, p + n);
    if (!inCutset(cp, cut, cn)) break;
    i += utf8Width();
  }
  return i;
}

function trimRightOffset(p: usize, from: u32, n: u32, cut: usize, cn: u32): u32 {
  let j = n;
  while (j > from) {
    const cp = runeBefore(p, j);
    if (!inCutset(cp, cut, cn)) break;
    j = lastStart;
  }
  return j;
}

function cutsetTrim(name: string, s: usize, c: usize, left: bool, right: bool): usize {
  if (typeOf(s) != T_STRING) return typeError(name, 1, "string", s);
  if (typeOf(c) != T_STRING) return typeError(name, 2, "string", c);
  const p = strPtr(s);
  const n = strLen(s);
  const i = left ? trimLeftOffset(p, n, strPtr(c), strLen(c)) : 0;
  const j = right ? trimRightOffset(p, i, n, strPtr(c), strLen(c)) : n;
  if (i == 0 && j == n) return s;
  return substr(s, i, j);
}

export function b_trim(s: usize, c: usize): usize {
  return cutsetTrim("trim", s, c, true, true);
}

export function b_trim_left(s: usize, c: usize): usize {
  return cutsetTrim("trim_left", s, c, true, false);
}

export function b_trim_right(s: usize, c: usize): usize {
  return cutsetTrim("trim_right", s, c, false, true);
}

export function b_trim_prefix(s: usize, pre: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("trim_prefix", 1, "string", s);
  if (typeOf(pre) != T_STRING) return typeError("trim_prefix", 2, "string", pre);
  if (!startsWith(strPtr(s), strLen(s), strPtr(pre), strLen(pre))) return s;
  return substr(s, strLen(pre), strLen(s));
}

export function b_trim_suffix(s: usize, suf: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("trim_suffix", 1, "string", s);
  if (typeOf(suf) != T_STRING) return typeError("trim_suffix", 2, "string", suf);
  if (!endsWith(strPtr(s), strLen(s), strPtr(suf), strLen(suf))) return s;
  return substr(s, 0, strLen(s) - strLen(suf));
}

function isSpaceRune(cp: u32): bool {
  if (cp < 0x80) return cp == 32 || (cp >= 9 && cp <= 13);
  return cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
    cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

export function b_trim_space(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("trim_space", 1, "string", s);
  const p = strPtr(s);
  const n = strLen(s);
  let i: u32 = 0;
  while (i < n) {
    const cp = utf8Decode(p + i, p + n);
    if (!isSpaceRune(cp)) break;
    i += utf8Width();
  }
  let j = n;
  while (j > i) {
    const cp = runeBefore(p, j);
    if (!isSpaceRune(cp)) break;
    j = lastStart;
  }
  if (i == 0 && j == n) return s;
  return substr(s, i, j);
}
