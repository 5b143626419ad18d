// String builtins: concat, contains, startswith, endswith, indexof, indexof_n, lower, upper, replace, split,
// substring, format_int, strings.replace_n, strings.reverse, strings.count, strings.any_prefix_match and
// strings.any_suffix_match. Semantics follow Go's strings package as OPA uses it; offsets count runes.

import { alloc } from "./alloc";
import {
  T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET, typeOf, strPtr, strLen, newString, newArray, arrPush, arrLen, arrGet,
  newInt, boolValue, numRepr, numI64, N_INT,
} from "./value";
import { tableCount, entryKey, objGet } from "./table";
import { sortedKeys } from "./sort";
import { bufNew, byte, bytes, lit, bufReserve, bufAdvance, bufData, bufLen } from "./buf";
import { utf8Decode, utf8Width, utf8Encode, runeCount, runeOffset } from "./utf8";
import { toLowerRune, toUpperRune } from "./unicode-case";
import { findBytes, startsWith, endsWith, stringFromBuf, substr } from "./strings";
import { typeError, elementTypeError, builtinError, operandError, errorStart, errorSet, typeName, E_TYPE } from "./error";
import { numIsInteger, numToBig, numBigNeg, numToF64 } from "./numbers";
import { bnDivSmall, bnRemSmall, bnIsZero, bnFromU64 } from "./bignum";

function oneOfErr(name: string, pos: i32, expected: string, got: usize): usize {
  const b = errorStart(name);
  lit(b, "operand ");
  byte(b, 48 + pos);
  lit(b, " must be one of {");
  lit(b, expected);
  lit(b, "} but got ");
  lit(b, typeName(got));
  return errorSet(b, E_TYPE);
}

export function b_concat(delim: usize, coll: usize): usize {
  if (typeOf(delim) != T_STRING) return typeError("concat", 1, "string", delim);
  const t = typeOf(coll);
  let elems: usize;
  let n: u32;
  if (t == T_ARRAY) {
    n = arrLen(coll);
    elems = load<u32>(coll, 12);
  } else if (t == T_SET) {
    n = tableCount(coll);
    elems = sortedKeys(coll);
  } else {
    return oneOfErr("concat", 2, "set, array", coll);
  }
  let total: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const s = load<u32>(elems + (<usize>i << 2));
    if (typeOf(s) != T_STRING) return elementTypeError("concat", 2, coll, "string", s);
    total += strLen(s);
  }
  const dn = strLen(delim);
  if (n > 1) total += dn * (n - 1);
  const p = alloc(total);
  let o: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) {
      memory.copy(p + o, strPtr(delim), dn);
      o += dn;
    }
    const s = load<u32>(elems + (<usize>i << 2));
    memory.copy(p + o, strPtr(s), strLen(s));
    o += strLen(s);
  }
  return newString(p, total);
}

export function b_contains(s: usize, sub: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("contains", 1, "string", s);
  if (typeOf(sub) != T_STRING) return typeError("contains", 2, "string", sub);
  return boolValue(findBytes(strPtr(s), strLen(s), strPtr(sub), strLen(sub), 0) >= 0);
}

export function b_startswith(s: usize, p: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("startswith", 1, "string", s);
  if (typeOf(p) != T_STRING) return typeError("startswith", 2, "string", p);
  return boolValue(startsWith(strPtr(s), strLen(s), strPtr(p), strLen(p)));
}

export function b_endswith(s: usize, p: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("endswith", 1, "string", s);
  if (typeOf(p) != T_STRING) return typeError("endswith", 2, "string", p);
  return boolValue(endsWith(strPtr(s), strLen(s), strPtr(p), strLen(p)));
}

export function b_indexof(s: usize, sub: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("indexof", 1, "string", s);
  if (typeOf(sub) != T_STRING) return typeError("indexof", 2, "string", sub);
  if (strLen(sub) == 0) return builtinError("indexof", "empty search character");
  const i = findBytes(strPtr(s), strLen(s), strPtr(sub), strLen(sub), 0);
  if (i < 0) return newInt(-1);
  return newInt(runeCount(strPtr(s), <u32>i));
}

export function b_indexof_n(s: usize, sub: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("indexof_n", 1, "string", s);
  if (typeOf(sub) != T_STRING) return typeError("indexof_n", 2, "string", sub);
  if (strLen(sub) == 0) return builtinError("indexof_n", "empty search character");
  const r = newArray(0);
  const p = strPtr(s);
  const n = strLen(s);
  let from: u32 = 0;
  while (true) {
    const i = findBytes(p, n, strPtr(sub), strLen(sub), from);
    if (i < 0) break;
    arrPush(r, newInt(runeCount(p, <u32>i)));
    // Overlapping matches count, as OPA scans every rune position.
    utf8Decode(p + <u32>i, p + n);
    from = <u32>i + utf8Width();
  }
  return r;
}

function mapCase(name: string, s: usize, upper: bool): usize {
  if (typeOf(s) != T_STRING) return typeError(name, 1, "string", s);
  const p = strPtr(s);
  const n = strLen(s);
  const end = p + n;
  const b = bufNew(n + 8);
  let q = p;
  while (q < end) {
    const c = <u32>load<u8>(q);
    if (c < 0x80) {
      byte(b, upper ? (c - 0x61 < 26 ? c - 32 : c) : (c - 0x41 < 26 ? c + 32 : c));
      q++;
      continue;
    }
    const cp = utf8Decode(q, end);
    const w = utf8Width();
    if (cp == 0xfffd && w == 1) {
      // Go's ToUpper/ToLower rewrite an invalid byte as U+FFFD.
      const d = bufReserve(b, 3);
      bufAdvance(b, utf8Encode(d, 0xfffd));
    } else {
      const m = upper ? toUpperRune(cp) : toLowerRune(cp);
      const d = bufReserve(b, 4);
      bufAdvance(b, utf8Encode(d, m));
    }
    q += w;
  }
  return stringFromBuf(b);
}

export function b_lower(s: usize): usize {
  return mapCase("lower", s, false);
}

export function b_upper(s: usize): usize {
  return mapCase("upper", s, true);
}

// Go's strings.Replacer over (old, new) pairs in priority order: at each position the first pair whose old
// string matches wins; an empty old string matches between every two runes.
function replacePairs(s: usize, pairs: usize, np: u32): usize {
  const p = strPtr(s);
  const n = strLen(s);
  const b = bufNew(n + 16);
  let i: u32 = 0;
  let run: u32 = 0;
  while (i <= n) {
    let matched = false;
    for (let k: u32 = 0; k < np; k++) {
      const old = load<u32>(pairs + (<usize>k << 3));
      const on = strLen(old);
      if (on > n - i) continue;
      if (on > 0 && memory.compare(p + i, strPtr(old), on) != 0) continue;
      const nw = load<u32>(pairs + (<usize>k << 3), 4);
      bytes(b, p + run, i - run);
      bytes(b, strPtr(nw), strLen(nw));
      if (on == 0) {
        // An empty match copies the next rune and moves past it.
        if (i == n) {
          i++;
          run = n;
        } else {
          utf8Decode(p + i, p + n);
          const w = utf8Width();
          bytes(b, p + i, w);
          i += w;
          run = i;
        }
      } else {
        i += on;
        run = i;
      }
      matched = true;
      break;
    }
    if (!matched) {
      if (i == n) break;
      i++;
    }
  }
  if (run < n) bytes(b, p + run, n - run);
  return stringFromBuf(b);
}

export function b_replace(s: usize, old: usize, nw: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("replace", 1, "string", s);
  if (typeOf(old) != T_STRING) return typeError("replace", 2, "string", old);
  if (typeOf(nw) != T_STRING) return typeError("replace", 3, "string", nw);
  const pairs = alloc(8);
  store<u32>(pairs, old);
  store<u32>(pairs, nw, 4);
  return replacePairs(s, pairs, 1);
}

export function b_strings_replace_n(patterns: usize, s: usize): usize {
  if (typeOf(patterns) != T_OBJECT) return typeError("strings.replace_n", 1, "object", patterns);
  if (typeOf(s) != T_STRING) return typeError("strings.replace_n", 2, "string", s);
  const n = tableCount(patterns);
  const keys = sortedKeys(patterns);
  const pairs = alloc(<usize>n << 3);
  for (let i: u32 = 0; i < n; i++) {
    const k = load<u32>(keys + (<usize>i << 2));
    if (typeOf(k) != T_STRING) return operandError("strings.replace_n", 1, "non-string key found in pattern object", E_TYPE);
    const v = objGet(patterns, k);
    if (typeOf(v) != T_STRING) return operandError("strings.replace_n", 1, "non-string value found in pattern object", E_TYPE);
    store<u32>(pairs + (<usize>i << 3), k);
    store<u32>(pairs + (<usize>i << 3), v, 4);
  }
  return replacePairs(s, pairs, n);
}

export function b_split(s: usize, d: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("split", 1, "string", s);
  if (typeOf(d) != T_STRING) return typeError("split", 2, "string", d);
  const p = strPtr(s);
  const n = strLen(s);
  const dn = strLen(d);
  const r = newArray(4);
  if (dn == 0) {
    // Split into runes; an invalid byte becomes its own U+FFFD string, as Go's explode does.
    let q: u32 = 0;
    while (q < n) {
      const cp = utf8Decode(p + q, p + n);
      const w = utf8Width();
      if (cp == 0xfffd && w == 1) {
        const e = alloc(3);
        utf8Encode(e, 0xfffd);
        arrPush(r, newString(e, 3));
      } else {
        arrPush(r, substr(s, q, q + w));
      }
      q += w;
    }
    return r;
  }
  let from: u32 = 0;
  while (true) {
    const i = findBytes(p, n, strPtr(d), dn, from);
    if (i < 0) break;
    arrPush(r, substr(s, from, <u32>i));
    from = <u32>i + dn;
  }
  arrPush(r, substr(s, from, n));
  return r;
}

// An integer operand as an i32 for offsets and lengths; sets intArgOk.
let intArgOk = false;

function intArg(name: string, pos: i32, v: usize): i64 {
  intArgOk = false;
  if (typeOf(v) != T_NUMBER) {
    typeError(name, pos, "number", v);
    return 0;
  }
  if (!numIsInteger(v)) {
    operandError(name, pos, "must be integer number but got floating-point number", E_TYPE);
    return 0;
  }
  intArgOk = true;
  if (numRepr(v) == N_INT) return numI64(v);
  return numToF64(v) < 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
}

export function b_substring(s: usize, start: usize, length: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("substring", 1, "string", s);
  const st = intArg("substring", 2, start);
  if (!intArgOk) return 0;
  const ln = intArg("substring", 3, length);
  if (!intArgOk) return 0;
  if (st < 0) return builtinError("substring", "negative offset");
  const p = strPtr(s);
  const n = strLen(s);
  const runes = <i64>runeCount(p, n);
  if (st >= runes) return newString(p, 0);
  const from = runeOffset(p, n, <u32>st);
  if (ln < 0 || st + ln >= runes) return substr(s, from, n);
  const to = from + runeOffset(p + from, n - from, <u32>ln);
  return substr(s, from, to);
}

export function b_strings_reverse(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("strings.reverse", 1, "string", s);
  const p = strPtr(s);
  const n = strLen(s);
  const out = alloc(n);
  let q: u32 = 0;
  while (q < n) {
    utf8Decode(p + q, p + n);
    const w = utf8Width();
    memory.copy(out + n - q - w, p + q, w);
    q += w;
  }
  return newString(out, n);
}

export function b_strings_count(s: usize, sub: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("strings.count", 1, "string", s);
  if (typeOf(sub) != T_STRING) return typeError("strings.count", 2, "string", sub);
  const p = strPtr(s);
  const n = strLen(s);
  const sn = strLen(sub);
  if (sn == 0) return newInt(runeCount(p, n) + 1);
  let count: i64 = 0;
  let from: u32 = 0;
  while (true) {
    const i = findBytes(p, n, strPtr(sub), sn, from);
    if (i < 0) break;
    count++;
    from = <u32>i + sn;
  }
  return newInt(count);
}

// The strings of a string, array or set operand into a fresh address list; 0 after an error.
let listLen: u32 = 0;

function stringList(name: string, pos: i32, v: usize): usize {
  const t = typeOf(v);
  if (t == T_STRING) {
    const l = alloc(4);
    store<u32>(l, v);
    listLen = 1;
    return l;
  }
  if (t != T_ARRAY && t != T_SET) {
    oneOfErr(name, pos, "string, set, array", v);
    return 0;
  }
  const n = t == T_ARRAY ? arrLen(v) : tableCount(v);
  const l = alloc(<usize>n << 2);
  for (let i: u32 = 0; i < n; i++) {
    const x = t == T_ARRAY ? arrGet(v, i) : entryKey(v, i);
    if (typeOf(x) != T_STRING) {
      elementTypeError(name, pos, v, "string", x);
      return 0;
    }
    store<u32>(l + (<usize>i << 2), x);
  }
  listLen = n;
  return l;
}

function anyMatch(name: string, a: usize, b: usize, suffix: bool): usize {
  const sa = stringList(name, 1, a);
  if (sa == 0) return 0;
  const na = listLen;
  const sb = stringList(name, 2, b);
  if (sb == 0) return 0;
  const nb = listLen;
  for (let i: u32 = 0; i < na; i++) {
    const s = load<u32>(sa + (<usize>i << 2));
    for (let j: u32 = 0; j < nb; j++) {
      const x = load<u32>(sb + (<usize>j << 2));
      const hit = suffix
        ? endsWith(strPtr(s), strLen(s), strPtr(x), strLen(x))
        : startsWith(strPtr(s), strLen(s), strPtr(x), strLen(x));
      if (hit) return boolValue(true);
    }
  }
  return boolValue(false);
}

export function b_strings_any_prefix_match(a: usize, b: usize): usize {
  return anyMatch("strings.any_prefix_match", a, b, false);
}

export function b_strings_any_suffix_match(a: usize, b: usize): usize {
  return anyMatch("strings.any_suffix_match", a, b, true);
}

const DIGITS = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

export function b_format_int(x: usize, base: usize): usize {
  if (typeOf(x) != T_NUMBER) return typeError("format_int", 1, "number", x);
  if (typeOf(base) != T_NUMBER) return typeError("format_int", 2, "number", base);
  let radix: u32 = 0;
  if (numRepr(base) == N_INT) {
    const r = numI64(base);
    if (r == 2 || r == 8 || r == 10 || r == 16) radix = <u32>r;
  }
  if (radix == 0) return operandError("format_int", 2, "must be one of {2, 8, 10, 16}", E_TYPE);
  // The value truncated toward zero.
  let neg: bool;
  let m: usize;
  if (numRepr(x) == N_INT) {
    const v = numI64(x);
    neg = v < 0;
    m = bnFromU64(neg ? <u64>(0 - v) : <u64>v);
  } else if (numIsInteger(x)) {
    m = numToBig(x);
    neg = numBigNeg();
  } else {
    const f = Math.trunc(numToF64(x));
    neg = f < 0;
    m = bnFromU64(<u64>Math.abs(f));
  }
  const b = bufNew(32);
  if (bnIsZero(m)) {
    byte(b, 48);
    return stringFromBuf(b);
  }
  while (!bnIsZero(m)) {
    m = bnDivSmall(m, radix);
    byte(b, load<u8>(DIGITS + bnRemSmall()));
  }
  if (neg) byte(b, 45);
  const p = bufData(b);
  const n = bufLen(b);
  for (let i: u32 = 0, j = n - 1; i < j; i++, j--) {
    const t = load<u8>(p + i);
    store<u8>(p + i, load<u8>(p + j));
    store<u8>(p + j, t);
  }
  return newString(p, n);
}
