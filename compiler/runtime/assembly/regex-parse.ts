// Regular expression syntax (RE2/Go regexp) to a syntax tree. Takes the pattern's UTF-8 bytes; produces nodes
// {op, a, b, min, max, flags} on the heap, or 0 with an error text in Go's words (regexErrorCode/At). Rejects
// what RE2 rejects: backreferences, lookaround, possessive or nested repetition, counts above 1000.

import { alloc } from "./alloc";
import { utf8Decode, utf8Width } from "./utf8";
import { toLowerRune, toUpperRune } from "./unicode-case";

export const R_EMPTY: u32 = 0;
export const R_LIT: u32 = 1;
export const R_CLASS: u32 = 2;
export const R_ANY: u32 = 3; // flags & F_DOTNL: also matches \n
export const R_BOL: u32 = 4;
export const R_EOL: u32 = 5;
export const R_BOT: u32 = 6;
export const R_EOT: u32 = 7;
export const R_WORDB: u32 = 8;
export const R_NWORDB: u32 = 9;
export const R_CAT: u32 = 10;
export const R_ALT: u32 = 11;
export const R_CAP: u32 = 12;
export const R_REP: u32 = 13;

export const F_FOLD: u32 = 1;
export const F_MULTI: u32 = 2;
export const F_DOTNL: u32 = 4;
export const F_UNGREEDY: u32 = 8;
export const F_LAZY: u32 = 16;

const MAX_REPEAT: i32 = 1000;

@inline export function nodeOp(n: usize): u32 { return load<u32>(n); }
@inline export function nodeA(n: usize): u32 { return load<u32>(n, 4); }
@inline export function nodeB(n: usize): u32 { return load<u32>(n, 8); }
@inline export function nodeMin(n: usize): i32 { return load<i32>(n, 12); }
@inline export function nodeMax(n: usize): i32 { return load<i32>(n, 16); }
@inline export function nodeFlags(n: usize): u32 { return load<u32>(n, 20); }

function node(op: u32, a: u32, b: u32, min: i32, max: i32, flags: u32): usize {
  const n = alloc(24);
  store<u32>(n, op);
  store<u32>(n, a, 4);
  store<u32>(n, b, 8);
  store<i32>(n, min, 12);
  store<i32>(n, max, 16);
  store<u32>(n, flags, 20);
  return n;
}

// Parse state.
let src: usize = 0;
let end: usize = 0;
let pos: usize = 0;
let flags: u32 = 0;
let ncap: u32 = 0;
let names: usize = 0;
let namesCap: u32 = 0;
let errCode: string = "";
let errFrom: usize = 0;
let errTo: usize = 0;

@inline export function regexGroups(): u32 { return ncap; }

// Group names: {ptr, len} per group number (len 0: unnamed), valid for groups 1..regexGroups().
@inline export function regexNames(): usize { return names; }

function setName(index: u32, p: usize, n: u32): void {
  if (index >= namesCap) {
    const ncap = namesCap < 8 ? 8 : namesCap << 1;
    const nn = alloc(<usize>ncap << 3);
    memory.fill(nn, 0, <usize>ncap << 3);
    if (namesCap > 0) memory.copy(nn, names, <usize>namesCap << 3);
    names = nn;
    namesCap = ncap;
  }
  store<u32>(names + (<usize>index << 3), p);
  store<u32>(names + (<usize>index << 3), n, 4);
}
@inline export function regexErrorCode(): string { return errCode; }
@inline export function regexErrorFrom(): usize { return errFrom; }
@inline export function regexErrorTo(): usize { return errTo; }

function fail(code: string, from: usize, to: usize): usize {
  if (errCode.length == 0) {
    errCode = code;
    errFrom = from;
    errTo = to;
  }
  return 0;
}

// A growable list of node addresses (for concatenation and alternation).
function listNew(): usize {
  const l = alloc(12);
  store<u32>(l, alloc(32));
  store<u32>(l, 0, 4);
  store<u32>(l, 8, 8);
  return l;
}

function listPush(l: usize, x: usize): void {
  const n = load<u32>(l, 4);
  const cap = load<u32>(l, 8);
  if (n == cap) {
    const nd = alloc(<usize>cap << 3);
    memory.copy(nd, load<u32>(l), <usize>cap << 2);
    store<u32>(l, nd);
    store<u32>(l, cap << 1, 8);
  }
  store<u32>(load<u32>(l) + (<usize>n << 2), x);
  store<u32>(l, n + 1, 4);
}

// Character class ranges: a growable list of [lo, hi] pairs.
let rs: usize = 0;
let rsLen: u32 = 0;
let rsCap: u32 = 0;

function rangesBegin(): void {
  rsCap = 16;
  rsLen = 0;
  rs = alloc(<usize>rsCap << 3);
}

function addRange(lo: u32, hi: u32): void {
  if (rsLen == rsCap) {
    const nr = alloc(<usize>rsCap << 4);
    memory.copy(nr, rs, <usize>rsCap << 3);
    rs = nr;
    rsCap <<= 1;
  }
  store<u32>(rs + (<usize>rsLen << 3), lo);
  store<u32>(rs + (<usize>rsLen << 3), hi, 4);
  rsLen++;
}

// Sorts and merges the ranges in place; returns the count.
function normalize(p: usize, n: u32): u32 {
  for (let i: u32 = 1; i < n; i++) {
    const lo = load<u32>(p + (<usize>i << 3));
    const hi = load<u32>(p + (<usize>i << 3), 4);
    let j = i;
    while (j > 0 && load<u32>(p + (<usize>(j - 1) << 3)) > lo) {
      store<u64>(p + (<usize>j << 3), load<u64>(p + (<usize>(j - 1) << 3)));
      j--;
    }
    store<u32>(p + (<usize>j << 3), lo);
    store<u32>(p + (<usize>j << 3), hi, 4);
  }
  let m: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const lo = load<u32>(p + (<usize>i << 3));
    const hi = load<u32>(p + (<usize>i << 3), 4);
    if (m > 0 && lo <= load<u32>(p + (<usize>(m - 1) << 3), 4) + 1) {
      if (hi > load<u32>(p + (<usize>(m - 1) << 3), 4)) store<u32>(p + (<usize>(m - 1) << 3), hi, 4);
    } else {
      store<u32>(p + (<usize>m << 3), lo);
      store<u32>(p + (<usize>m << 3), hi, 4);
      m++;
    }
  }
  return m;
}

// Adds the case variants of the ranges gathered so far (small ranges rune by rune; letters in bulk).
function addFolds(): void {
  const n = rsLen;
  for (let i: u32 = 0; i < n; i++) {
    const lo = load<u32>(rs + (<usize>i << 3));
    const hi = load<u32>(rs + (<usize>i << 3), 4);
    if (hi - lo > 2000) continue;
    for (let c = lo; c <= hi; c++) {
      const l = toLowerRune(c);
      const u = toUpperRune(c);
      if (l != c) addRange(l, l);
      if (u != c) addRange(u, u);
    }
  }
}

// Makes a class node of the gathered ranges, negated if asked.
function classNode(negate: bool): usize {
  if ((flags & F_FOLD) != 0) addFolds();
  let n = normalize(rs, rsLen);
  if (negate) {
    const out = alloc((<usize>n + 1) << 3);
    let m: u32 = 0;
    let next: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const lo = load<u32>(rs + (<usize>i << 3));
      const hi = load<u32>(rs + (<usize>i << 3), 4);
      if (lo > next) {
        store<u32>(out + (<usize>m << 3), next);
        store<u32>(out + (<usize>m << 3), lo - 1, 4);
        m++;
      }
      next = hi + 1;
    }
    if (next <= 0x10ffff) {
      store<u32>(out + (<usize>m << 3), next);
      store<u32>(out + (<usize>m << 3), 0x10ffff, 4);
      m++;
    }
    return node(R_CLASS, out, m, 0, 0, 0);
  }
  const out = alloc(<usize>n << 3);
  memory.copy(out, rs, <usize>n << 3);
  return node(R_CLASS, out, n, 0, 0, 0);
}

// Perl classes \d \s \w (and their negations through `negate`), into the current ranges.
function perlRanges(c: u32): void {
  if (c == 100) addRange(48, 57);
  else if (c == 115) {
    addRange(9, 10);
    addRange(12, 13);
    addRange(32, 32);
  } else {
    addRange(48, 57);
    addRange(65, 90);
    addRange(95, 95);
    addRange(97, 122);
  }
}

// Adds the complement of the ranges from index `from` on, replacing them.
function complementFrom(from: u32): void {
  const n = normalize(rs + (<usize>from << 3), rsLen - from);
  const tmp = alloc((<usize>n) << 3);
  memory.copy(tmp, rs + (<usize>from << 3), <usize>n << 3);
  rsLen = from;
  let next: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const lo = load<u32>(tmp + (<usize>i << 3));
    const hi = load<u32>(tmp + (<usize>i << 3), 4);
    if (lo > next) addRange(next, lo - 1);
    next = hi + 1;
  }
  if (next <= 0x10ffff) addRange(next, 0x10ffff);
}

function matchName(p: usize, n: u32, name: string): bool {
  if (n != <u32>name.length) return false;
  const l = changetype<usize>(name);
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>load<u16>(l + (i << 1))) return false;
  return true;
}

function posixRanges(p: usize, n: u32): bool {
  if (matchName(p, n, "alnum")) { addRange(48, 57); addRange(65, 90); addRange(97, 122); }
  else if (matchName(p, n, "alpha")) { addRange(65, 90); addRange(97, 122); }
  else if (matchName(p, n, "ascii")) addRange(0, 127);
  else if (matchName(p, n, "blank")) { addRange(9, 9); addRange(32, 32); }
  else if (matchName(p, n, "cntrl")) { addRange(0, 31); addRange(127, 127); }
  else if (matchName(p, n, "digit")) addRange(48, 57);
  else if (matchName(p, n, "graph")) addRange(33, 126);
  else if (matchName(p, n, "lower")) addRange(97, 122);
  else if (matchName(p, n, "print")) addRange(32, 126);
  else if (matchName(p, n, "punct")) { addRange(33, 47); addRange(58, 64); addRange(91, 96); addRange(123, 126); }
  else if (matchName(p, n, "space")) { addRange(9, 13); addRange(32, 32); }
  else if (matchName(p, n, "upper")) addRange(65, 90);
  else if (matchName(p, n, "word")) { addRange(48, 57); addRange(65, 90); addRange(95, 95); addRange(97, 122); }
  else if (matchName(p, n, "xdigit")) { addRange(48, 57); addRange(65, 70); addRange(97, 102); }
  else return false;
  return true;
}

// Unicode classes by name, as coarse script and category ranges (letters, digits, major scripts).
function unicodeRanges(p: usize, n: u32): bool {
  if (matchName(p, n, "L") || matchName(p, n, "Letter")) {
    addRange(65, 90); addRange(97, 122); addRange(0xaa, 0xaa); addRange(0xb5, 0xb5); addRange(0xba, 0xba);
    addRange(0xc0, 0xd6); addRange(0xd8, 0xf6); addRange(0xf8, 0x2c1); addRange(0x370, 0x373); addRange(0x376, 0x377);
    addRange(0x37b, 0x37d); addRange(0x386, 0x386); addRange(0x388, 0x3ff); addRange(0x400, 0x481); addRange(0x48a, 0x52f);
    addRange(0x531, 0x556); addRange(0x561, 0x587); addRange(0x5d0, 0x5ea); addRange(0x620, 0x64a); addRange(0x904, 0x939);
    addRange(0xe01, 0xe30); addRange(0x10a0, 0x10ff); addRange(0x1e00, 0x1fbc); addRange(0x3041, 0x3096); addRange(0x30a1, 0x30fa);
    addRange(0x3400, 0x4dbf); addRange(0x4e00, 0x9fff); addRange(0xac00, 0xd7a3); addRange(0xff21, 0xff3a); addRange(0xff41, 0xff5a);
  } else if (matchName(p, n, "Lu")) {
    addRange(65, 90); addRange(0xc0, 0xd6); addRange(0xd8, 0xde); addRange(0x391, 0x3a9); addRange(0x400, 0x42f);
  } else if (matchName(p, n, "Ll")) {
    addRange(97, 122); addRange(0xb5, 0xb5); addRange(0xdf, 0xf6); addRange(0xf8, 0xff); addRange(0x3b1, 0x3c9); addRange(0x430, 0x45f);
  } else if (matchName(p, n, "N") || matchName(p, n, "Nd")) {
    addRange(48, 57); addRange(0x660, 0x669); addRange(0x6f0, 0x6f9); addRange(0x966, 0x96f); addRange(0xff10, 0xff19);
  } else if (matchName(p, n, "Greek")) {
    addRange(0x370, 0x3ff); addRange(0x1f00, 0x1fff);
  } else if (matchName(p, n, "Cyrillic")) {
    addRange(0x400, 0x52f); addRange(0x2de0, 0x2dff); addRange(0xa640, 0xa69f);
  } else if (matchName(p, n, "Latin")) {
    addRange(65, 90); addRange(97, 122); addRange(0xaa, 0xaa); addRange(0xba, 0xba); addRange(0xc0, 0xd6);
    addRange(0xd8, 0xf6); addRange(0xf8, 0x24f); addRange(0x1e00, 0x1eff); addRange(0xff21, 0xff3a); addRange(0xff41, 0xff5a);
  } else if (matchName(p, n, "Han")) {
    addRange(0x2e80, 0x2fdf); addRange(0x3005, 0x3005); addRange(0x3007, 0x3007); addRange(0x3021, 0x3029);
    addRange(0x3400, 0x4dbf); addRange(0x4e00, 0x9fff); addRange(0xf900, 0xfaff); addRange(0x20000, 0x2fa1f);
  } else if (matchName(p, n, "Any")) {
    addRange(0, 0x10ffff);
  } else {
    return false;
  }
  return true;
}

@inline function peek(): u32 { return pos < end ? <u32>load<u8>(pos) : 0xffffffff; }

function hexDigit(c: u32): i32 {
  if (c - 48 < 10) return <i32>(c - 48);
  const l = c | 32;
  if (l - 97 < 6) return <i32>(l - 87);
  return -1;
}

// After a backslash (pos at the escaped character): a literal rune, or -1 with an error set. Class escapes
// (\d \pL …) are handled by the callers before this.
function escapeRune(start: usize): i32 {
  if (pos >= end) {
    fail("trailing backslash at end of expression", start, end);
    return -1;
  }
  const c = <u32>load<u8>(pos);
  if (c >= 49 && c <= 57) {
    pos++;
    fail("invalid escape sequence", start, pos);
    return -1;
  }
  pos++;
  if (c == 48) {
    // Octal: \0 then up to two more octal digits.
    let v: i32 = 0;
    for (let i = 0; i < 2 && pos < end && load<u8>(pos) >= 48 && load<u8>(pos) <= 55; i++) v = v * 8 + <i32>(load<u8>(pos++) - 48);
    return v;
  }
  if (c == 120) {
    if (pos < end && load<u8>(pos) == 123) {
      pos++;
      let v: i32 = 0;
      let digits = 0;
      while (pos < end && load<u8>(pos) != 125) {
        const h = hexDigit(load<u8>(pos));
        if (h < 0 || v > 0x10ffff) break;
        v = v * 16 + h;
        digits++;
        pos++;
      }
      if (pos >= end || load<u8>(pos) != 125 || digits == 0 || v > 0x10ffff) {
        fail("invalid escape sequence", start, pos < end ? pos + 1 : end);
        return -1;
      }
      pos++;
      return v;
    }
    const h1 = pos < end ? hexDigit(load<u8>(pos)) : -1;
    const h2 = pos + 1 < end ? hexDigit(load<u8>(pos + 1)) : -1;
    if (h1 < 0 || h2 < 0) {
      fail("invalid escape sequence", start, pos + 2 <= end ? pos + 2 : end);
      return -1;
    }
    pos += 2;
    return h1 * 16 + h2;
  }
  if (c == 97) return 7;
  if (c == 102) return 12;
  if (c == 110) return 10;
  if (c == 114) return 13;
  if (c == 116) return 9;
  if (c == 118) return 11;
  // Escaped punctuation stands for itself; escaped letters and digits are reserved.
  if (c < 0x80 && !(c - 48 < 10 || (c | 32) - 97 < 26)) return <i32>c;
  fail("invalid escape sequence", start, pos);
  return -1;
}

// \pX, \p{Name}, \PX, \P{Name} (pos after the p/P); adds ranges; false with an error.
function unicodeClass(start: usize, negate: bool): bool {
  let np: usize;
  let nn: u32;
  if (pos < end && load<u8>(pos) == 123) {
    const s = pos + 1;
    let q = s;
    while (q < end && load<u8>(q) != 125) q++;
    if (q >= end) {
      fail("invalid character class range", start, end);
      return false;
    }
    np = s;
    nn = <u32>(q - s);
    pos = q + 1;
  } else {
    if (pos >= end) {
      fail("invalid character class range", start, end);
      return false;
    }
    np = pos;
    nn = 1;
    pos++;
  }
  if (nn > 0 && load<u8>(np) == 94) {
    negate = !negate;
    np++;
    nn--;
  }
  const from = rsLen;
  if (!unicodeRanges(np, nn)) {
    fail("invalid character class range", start, pos);
    return false;
  }
  if (negate) complementFrom(from);
  return true;
}

function parseClass(): usize {
  const start = pos;
  pos++;
  rangesBegin();
  let negate = false;
  if (peek() == 94) {
    negate = true;
    pos++;
  }
  let first = true;
  while (true) {
    if (pos >= end) return fail("missing closing ]", start, end);
    const c = <u32>load<u8>(pos);
    if (c == 93 && !first) {
      pos++;
      break;
    }
    first = false;
    if (c == 91 && pos + 1 < end && load<u8>(pos + 1) == 58) {
      // [:name:] or [:^name:]
      let q = pos + 2;
      while (q + 1 < end && !(load<u8>(q) == 58 && load<u8>(q + 1) == 93)) q++;
      if (q + 1 < end) {
        let np = pos + 2;
        let nn = <u32>(q - np);
        let neg = false;
        if (nn > 0 && load<u8>(np) == 94) {
          neg = true;
          np++;
          nn--;
        }
        const from = rsLen;
        if (!posixRanges(np, nn)) return fail("invalid character class range", pos, q + 2);
        if (neg) complementFrom(from);
        pos = q + 2;
        continue;
      }
    }
    let lo: i32;
    const itemStart = pos;
    if (c == 92) {
      pos++;
      const e = peek();
      if (e == 100 || e == 115 || e == 119 || e == 68 || e == 83 || e == 87) {
        pos++;
        const from = rsLen;
        perlRanges(e | 32);
        if (e < 97) complementFrom(from);
        continue;
      }
      if (e == 112 || e == 80) {
        pos++;
        if (!unicodeClass(itemStart, e == 80)) return 0;
        continue;
      }
      lo = escapeRune(itemStart);
      if (lo < 0) return 0;
    } else {
      lo = <i32>utf8Decode(pos, end);
      pos += utf8Width();
    }
    let hi = lo;
    if (pos + 1 < end && load<u8>(pos) == 45 && load<u8>(pos + 1) != 93) {
      pos++;
      const hs = pos;
      if (load<u8>(pos) == 92) {
        pos++;
        hi = escapeRune(hs);
        if (hi < 0) return 0;
      } else {
        hi = <i32>utf8Decode(pos, end);
        pos += utf8Width();
      }
      if (hi < lo) return fail("invalid character class range", itemStart, pos);
    }
    addRange(<u32>lo, <u32>hi);
  }
  return classNode(negate);
}

function isRepeatOp(c: u32): bool {
  return c == 42 || c == 43 || c == 63 || c == 123;
}

// {n}, {n,}, {n,m} at pos; returns false (pos unchanged) if the text is not a repetition, as RE2 then reads
// the brace as a literal.
let repMin: i32 = 0;
let repMax: i32 = 0;

function parseBraces(): bool {
  let q = pos + 1;
  let n: i32 = 0;
  let digits = 0;
  while (q < end && <u32>load<u8>(q) - 48 < 10) {
    if (n <= 100000) n = n * 10 + <i32>(load<u8>(q) - 48);
    q++;
    digits++;
  }
  if (digits == 0) return false;
  let m = n;
  if (q < end && load<u8>(q) == 44) {
    q++;
    if (q < end && load<u8>(q) == 125) {
      m = -1;
    } else {
      m = 0;
      let d2 = 0;
      while (q < end && <u32>load<u8>(q) - 48 < 10) {
        if (m <= 100000) m = m * 10 + <i32>(load<u8>(q) - 48);
        q++;
        d2++;
      }
      if (d2 == 0) return false;
    }
  }
  if (q >= end || load<u8>(q) != 125) return false;
  repMin = n;
  repMax = m;
  pos = q + 1;
  return true;
}

function parseAlt(depth: i32): usize {
  const alts = listNew();
  let cat = listNew();
  const savedFlags = flags;
  while (true) {
    if (pos >= end) break;
    const c = <u32>load<u8>(pos);
    if (c == 124) {
      pos++;
      listPush(alts, catNode(cat));
      cat = listNew();
      continue;
    }
    if (c == 41) {
      if (depth == 0) return fail("unexpected )", src, end);
      break;
    }
    let atom: usize = 0;
    if (c == 40) {
      atom = parseGroup(depth);
      if (atom == 0) {
        if (errCode.length != 0) return 0;
        // A flag-only group like (?i) changes flags for the rest of this group.
        continue;
      }
    } else if (c == 91) {
      atom = parseClass();
      if (atom == 0) return 0;
    } else if (c == 46) {
      pos++;
      atom = node(R_ANY, 0, 0, 0, 0, flags & F_DOTNL);
    } else if (c == 94) {
      pos++;
      atom = node((flags & F_MULTI) != 0 ? R_BOL : R_BOT, 0, 0, 0, 0, 0);
    } else if (c == 36) {
      pos++;
      atom = node((flags & F_MULTI) != 0 ? R_EOL : R_EOT, 0, 0, 0, 0, 0);
    } else if (c == 92) {
      atom = parseEscapeAtom();
      if (atom == 0) return 0;
      if (atom == 1) continue;
    } else if (c == 42 || c == 43 || c == 63) {
      return fail("missing argument to repetition operator", pos, pos + 1);
    } else if (c == 123 && parseBracesProbe()) {
      return fail("missing argument to repetition operator", pos, pos + 1);
    } else {
      const r = utf8Decode(pos, end);
      if (r == 0xfffd && utf8Width() == 1) return fail("invalid UTF-8", pos, pos + 1);
      pos += utf8Width();
      atom = node(R_LIT, r, 0, 0, 0, flags & F_FOLD);
    }
    // Repetition operators.
    let repeated = false;
    let firstOp: usize = 0;
    while (pos < end && isRepeatOp(load<u8>(pos))) {
      const opStart = pos;
      const op = <u32>load<u8>(pos);
      let min: i32;
      let max: i32;
      if (op == 123) {
        if (!parseBraces()) break;
        min = repMin;
        max = repMax;
        if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) return fail("invalid repeat count", opStart, pos);
      } else {
        pos++;
        min = op == 43 ? 1 : 0;
        max = op == 63 ? 1 : -1;
      }
      let lazy = (flags & F_UNGREEDY) != 0;
      if (pos < end && load<u8>(pos) == 63) {
        pos++;
        lazy = !lazy;
      }
      if (repeated) return fail("invalid nested repetition operator", firstOp, pos);
      repeated = true;
      firstOp = opStart;
      if (nodeOp(atom) == R_EMPTY) return fail("missing argument to repetition operator", opStart, pos);
      atom = node(R_REP, atom, 0, min, max, lazy ? F_LAZY : 0);
    }
    listPush(cat, atom);
  }
  flags = savedFlags;
  listPush(alts, catNode(cat));
  const n = load<u32>(alts, 4);
  if (n == 1) return load<u32>(load<u32>(alts));
  return node(R_ALT, load<u32>(alts), n, 0, 0, 0);
}

function parseBracesProbe(): bool {
  const save = pos;
  const ok = parseBraces();
  pos = save;
  return ok;
}

function catNode(l: usize): usize {
  const n = load<u32>(l, 4);
  if (n == 0) return node(R_EMPTY, 0, 0, 0, 0, 0);
  if (n == 1) return load<u32>(load<u32>(l));
  return node(R_CAT, load<u32>(l), n, 0, 0, 0);
}

// An escape outside a class: an assertion, a class, \Q…\E (returns 1 after pushing nothing), or a literal.
function parseEscapeAtom(): usize {
  const start = pos;
  pos++;
  const e = peek();
  if (e == 65) {
    pos++;
    return node(R_BOT, 0, 0, 0, 0, 0);
  }
  if (e == 122) {
    pos++;
    return node(R_EOT, 0, 0, 0, 0, 0);
  }
  if (e == 98) {
    pos++;
    return node(R_WORDB, 0, 0, 0, 0, 0);
  }
  if (e == 66) {
    pos++;
    return node(R_NWORDB, 0, 0, 0, 0, 0);
  }
  if (e == 100 || e == 115 || e == 119 || e == 68 || e == 83 || e == 87) {
    pos++;
    rangesBegin();
    perlRanges(e | 32);
    return classNode(e < 97);
  }
  if (e == 112 || e == 80) {
    pos++;
    rangesBegin();
    if (!unicodeClass(start, e == 80)) return 0;
    return classNode(false);
  }
  if (e == 81) {
    // \Q…\E: literal text.
    pos++;
    const l = listNew();
    while (pos < end) {
      if (load<u8>(pos) == 92 && pos + 1 < end && load<u8>(pos + 1) == 69) {
        pos += 2;
        break;
      }
      const r = utf8Decode(pos, end);
      pos += utf8Width();
      listPush(l, node(R_LIT, r, 0, 0, 0, flags & F_FOLD));
    }
    return catNode(l);
  }
  if (e == 67) return fail("invalid escape sequence", start, pos + 1);
  const r = escapeRune(start);
  if (r < 0) return 0;
  return node(R_LIT, <u32>r, 0, 0, 0, flags & F_FOLD);
}

// (…), (?:…), (?P<name>…), (?<name>…), (?flags) and (?flags:…). Returns 0 without an error for a bare
// flag group, which only changes the current flags.
function parseGroup(depth: i32): usize {
  const start = pos;
  pos++;
  if (peek() == 63) {
    pos++;
    const c = peek();
    if (c == 80 || c == 60) {
      // Named capture.
      if (c == 80) pos++;
      if (peek() != 60) return fail("invalid or unsupported Perl syntax", start, pos);
      if (c == 60 && pos + 1 < end && (load<u8>(pos + 1) == 61 || load<u8>(pos + 1) == 33)) {
        return fail("invalid or unsupported Perl syntax", start, pos + 2);
      }
      pos++;
      const nameStart = pos;
      while (pos < end && load<u8>(pos) != 62) {
        const ch = <u32>load<u8>(pos);
        if (!(ch - 48 < 10 || (ch | 32) - 97 < 26 || ch == 95)) {
          while (pos < end && load<u8>(pos) != 62) pos++;
          return fail("invalid named capture", start, pos < end ? pos + 1 : end);
        }
        pos++;
      }
      if (pos >= end || pos == nameStart) return fail("invalid named capture", start, pos < end ? pos + 1 : end);
      const nameEnd = pos;
      pos++;
      ncap++;
      const index = ncap;
      setName(index, nameStart, <u32>(nameEnd - nameStart));
      const sub = parseAlt(depth + 1);
      if (sub == 0) return 0;
      if (peek() != 41) return fail("missing closing )", src, end);
      pos++;
      return node(R_CAP, sub, index, 0, 0, 0);
    }
    // Flags.
    let neg = false;
    let f = flags;
    let any = false;
    while (pos < end) {
      const ch = <u32>load<u8>(pos);
      pos++;
      if (ch == 105 || ch == 109 || ch == 115 || ch == 85) {
        const bit = ch == 105 ? F_FOLD : ch == 109 ? F_MULTI : ch == 115 ? F_DOTNL : F_UNGREEDY;
        f = neg ? f & ~bit : f | bit;
        any = true;
      } else if (ch == 45 && !neg) {
        neg = true;
        any = false;
      } else if (ch == 41 || ch == 58) {
        if (neg && !any) return fail("invalid or unsupported Perl syntax", start, pos);
        if (ch == 41) {
          flags = f;
          return 0;
        }
        const saved = flags;
        flags = f;
        const sub = parseAlt(depth + 1);
        flags = saved;
        if (sub == 0) return 0;
        if (peek() != 41) return fail("missing closing )", src, end);
        pos++;
        return sub;
      } else {
        return fail("invalid or unsupported Perl syntax", start, pos);
      }
    }
    return fail("missing closing )", src, end);
  }
  ncap++;
  const index = ncap;
  const sub = parseAlt(depth + 1);
  if (sub == 0) return 0;
  if (peek() != 41) return fail("missing closing )", src, end);
  pos++;
  return node(R_CAP, sub, index, 0, 0, 0);
}

// Parses p[0..n); returns the tree (whole match = group 0 is added by the compiler) or 0.
export function regexParse(p: usize, n: u32): usize {
  src = p;
  end = p + n;
  pos = p;
  flags = 0;
  ncap = 0;
  namesCap = 0;
  names = 0;
  setName(0, 0, 0);
  errCode = "";
  errFrom = 0;
  errTo = 0;
  const t = parseAlt(0);
  if (t == 0) return 0;
  if (pos < end) return fail("unexpected )", src, end);
  return t;
}

