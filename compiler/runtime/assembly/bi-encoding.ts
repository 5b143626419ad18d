// Encoding builtins: base64 (standard and URL alphabets, with the padding rules OPA applies), hex, and
// urlquery (Go's QueryEscape/QueryUnescape and url.Values encoding). Decoded text keeps its raw bytes.

import { alloc } from "./alloc";
import { T_STRING, T_ARRAY, T_OBJECT, T_SET, typeOf, strPtr, strLen, newString, boolValue, arrLen, arrGet, newArray, arrPush } from "./value";
import { tableCount, entryKey, objGet, objInsert, newObject } from "./table";
import { sortedKeys } from "./sort";
import { bufNew, byte, bytes, lit, decimalU64 } from "./buf";
import { typeError, errorStart, errorSet, E_BUILTIN, E_TYPE, typeName } from "./error";
import { stringFromBuf } from "./strings";

const STD = memory.data<u8>([65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88,
  89, 90, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119,
  120, 121, 122, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 43, 47]);
const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
const HEXU = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 65, 66, 67, 68, 69, 70]);

@inline function alphabet(i: u32, url: bool): u32 {
  const c = <u32>load<u8>(STD + i);
  if (url && c == 43) return 45;
  if (url && c == 47) return 95;
  return c;
}

function b64value(c: u32, url: bool): i32 {
  if (c - 65 < 26) return <i32>(c - 65);
  if (c - 97 < 26) return <i32>(c - 71);
  if (c - 48 < 10) return <i32>(c + 4);
  if (c == (url ? 45 : 43)) return 62;
  if (c == (url ? 95 : 47)) return 63;
  return -1;
}

function encode(p: usize, n: u32, url: bool, padded: bool): usize {
  const b = bufNew(((n + 2) / 3) * 4 + 1);
  let i: u32 = 0;
  while (i + 3 <= n) {
    const x = (<u32>load<u8>(p + i) << 16) | (<u32>load<u8>(p + i + 1) << 8) | <u32>load<u8>(p + i + 2);
    byte(b, alphabet(x >> 18, url));
    byte(b, alphabet((x >> 12) & 63, url));
    byte(b, alphabet((x >> 6) & 63, url));
    byte(b, alphabet(x & 63, url));
    i += 3;
  }
  const rest = n - i;
  if (rest > 0) {
    let x = <u32>load<u8>(p + i) << 16;
    if (rest == 2) x |= <u32>load<u8>(p + i + 1) << 8;
    byte(b, alphabet(x >> 18, url));
    byte(b, alphabet((x >> 12) & 63, url));
    if (rest == 2) byte(b, alphabet((x >> 6) & 63, url));
    else if (padded) byte(b, 61);
    if (padded) byte(b, 61);
  }
  return stringFromBuf(b);
}

let badAt: i32 = -1;

// Decodes with Go's (non-strict) rules: CR and LF are skipped, '=' padding must complete the last quantum.
// Returns the bytes as a string, or 0 with the offending input position in badAt.
function decode(p: usize, n: u32, url: bool): usize {
  const out = alloc((n / 4) * 3 + 3);
  let m: u32 = 0;
  let acc: u32 = 0;
  let k: u32 = 0;
  let i: u32 = 0;
  while (i < n) {
    const c = <u32>load<u8>(p + i);
    if (c == 10 || c == 13) {
      i++;
      continue;
    }
    if (c == 61) {
      // Padding: allowed after 2 or 3 symbols of a quantum, then only more padding up to 4, then the end.
      if (k < 2) {
        badAt = <i32>i;
        return 0;
      }
      let need = 4 - k;
      let j = i;
      while (need > 0 && j < n) {
        const d = <u32>load<u8>(p + j);
        if (d == 10 || d == 13) {
          j++;
          continue;
        }
        if (d != 61) {
          badAt = <i32>j;
          return 0;
        }
        need--;
        j++;
      }
      if (need > 0) {
        badAt = <i32>n;
        return 0;
      }
      while (j < n && (load<u8>(p + j) == 10 || load<u8>(p + j) == 13)) j++;
      if (j < n) {
        badAt = <i32>j;
        return 0;
      }
      if (k == 2) store<u8>(out + m++, <u8>(acc >> 4));
      else {
        store<u8>(out + m++, <u8>(acc >> 10));
        store<u8>(out + m++, <u8>(acc >> 2));
      }
      return newString(out, m);
    }
    const v = b64value(c, url);
    if (v < 0) {
      badAt = <i32>i;
      return 0;
    }
    acc = (acc << 6) | <u32>v;
    k++;
    if (k == 4) {
      store<u8>(out + m++, <u8>(acc >> 16));
      store<u8>(out + m++, <u8>(acc >> 8));
      store<u8>(out + m++, <u8>acc);
      acc = 0;
      k = 0;
    }
    i++;
  }
  if (k != 0) {
    // An incomplete final quantum without padding.
    badAt = <i32>n - (k == 1 ? 1 : 0);
    return 0;
  }
  return newString(out, m);
}

function illegal(name: string): usize {
  const b = errorStart(name);
  lit(b, "illegal base64 data at input byte ");
  decimalU64(b, <u64>badAt);
  return errorSet(b, E_BUILTIN);
}

export function b_base64_encode(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("base64.encode", 1, "string", s);
  return encode(strPtr(s), strLen(s), false, true);
}

export function b_base64_decode(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("base64.decode", 1, "string", s);
  const r = decode(strPtr(s), strLen(s), false);
  return r != 0 ? r : illegal("base64.decode");
}

export function b_base64_is_valid(s: usize): usize {
  if (typeOf(s) != T_STRING) return boolValue(false);
  return boolValue(decode(strPtr(s), strLen(s), false) != 0);
}

export function b_base64url_encode(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("base64url.encode", 1, "string", s);
  return encode(strPtr(s), strLen(s), true, true);
}

export function b_base64url_encode_no_pad(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("base64url.encode_no_pad", 1, "string", s);
  return encode(strPtr(s), strLen(s), true, false);
}

export function b_base64url_decode(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("base64url.decode", 1, "string", s);
  let p = strPtr(s);
  let n = strLen(s);
  // Unpadded input gets its padding back (RFC 7515 appendix C), as OPA does.
  if (n == 0 || load<u8>(p + n - 1) != 61) {
    const r = n % 4;
    if (r == 1) {
      const b = errorStart("base64url.decode");
      lit(b, "illegal base64url string: ");
      bytes(b, p, n);
      return errorSet(b, E_BUILTIN);
    }
    if (r != 0) {
      const q = alloc(n + 2);
      memory.copy(q, p, n);
      store<u8>(q + n, 61);
      store<u8>(q + n + 1, 61);
      p = q;
      n += 4 - r;
    }
  }
  const r = decode(p, n, true);
  return r != 0 ? r : illegal("base64url.decode");
}

export function b_hex_encode(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("hex.encode", 1, "string", s);
  const p = strPtr(s);
  const n = strLen(s);
  const out = alloc(n * 2);
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    store<u8>(out + i * 2, load<u8>(HEX + (c >> 4)));
    store<u8>(out + i * 2 + 1, load<u8>(HEX + (c & 15)));
  }
  return newString(out, n * 2);
}

function hexVal(c: u32): i32 {
  if (c - 48 < 10) return <i32>(c - 48);
  if (c - 97 < 6) return <i32>(c - 87);
  if (c - 65 < 6) return <i32>(c - 55);
  return -1;
}

export function b_hex_decode(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("hex.decode", 1, "string", s);
  const p = strPtr(s);
  const n = strLen(s);
  const out = alloc(n / 2 + 1);
  let i: u32 = 0;
  for (; i + 1 < n; i += 2) {
    const hi = hexVal(load<u8>(p + i));
    const lo = hexVal(load<u8>(p + i + 1));
    if (hi < 0 || lo < 0) {
      const bad = hi < 0 ? i : i + 1;
      const b = errorStart("hex.decode");
      lit(b, "encoding/hex: invalid byte: U+00");
      const c = <u32>load<u8>(p + bad);
      byte(b, load<u8>(HEXU + (c >> 4)));
      byte(b, load<u8>(HEXU + (c & 15)));
      lit(b, " '");
      byte(b, c);
      byte(b, 39);
      return errorSet(b, E_BUILTIN);
    }
    store<u8>(out + (i >> 1), <u8>((hi << 4) | lo));
  }
  if (i < n) {
    if (hexVal(load<u8>(p + i)) < 0) {
      const b = errorStart("hex.decode");
      lit(b, "encoding/hex: invalid byte: U+00");
      const c = <u32>load<u8>(p + i);
      byte(b, load<u8>(HEXU + (c >> 4)));
      byte(b, load<u8>(HEXU + (c & 15)));
      lit(b, " '");
      byte(b, c);
      byte(b, 39);
      return errorSet(b, E_BUILTIN);
    }
    const b = errorStart("hex.decode");
    lit(b, "encoding/hex: odd length hex string");
    return errorSet(b, E_BUILTIN);
  }
  return newString(out, n / 2);
}

@inline function unreserved(c: u32): bool {
  return c - 65 < 26 || c - 97 < 26 || c - 48 < 10 || c == 45 || c == 95 || c == 46 || c == 126;
}

function queryEscape(b: usize, p: usize, n: u32): void {
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (unreserved(c)) byte(b, c);
    else if (c == 32) byte(b, 43);
    else {
      byte(b, 37);
      byte(b, load<u8>(HEXU + (c >> 4)));
      byte(b, load<u8>(HEXU + (c & 15)));
    }
  }
}

export function b_urlquery_encode(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("urlquery.encode", 1, "string", s);
  const b = bufNew(strLen(s) + 8);
  queryEscape(b, strPtr(s), strLen(s));
  return stringFromBuf(b);
}

// Unescapes p[0..n) into b; returns false (with an error recorded for `name`) on a bad escape.
function queryUnescape(name: string, b: usize, p: usize, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 43) {
      byte(b, 32);
    } else if (c == 37) {
      const hi = i + 2 < n ? hexVal(load<u8>(p + i + 1)) : -1;
      const lo = i + 2 < n ? hexVal(load<u8>(p + i + 2)) : -1;
      if (hi < 0 || lo < 0) {
        const e = errorStart(name);
        lit(e, "invalid URL escape \"");
        bytes(e, p + i, n - i < 3 ? n - i : 3);
        byte(e, 34);
        errorSet(e, E_BUILTIN);
        return false;
      }
      byte(b, <u32>((hi << 4) | lo));
      i += 2;
    } else {
      byte(b, c);
    }
  }
  return true;
}

export function b_urlquery_decode(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("urlquery.decode", 1, "string", s);
  const b = bufNew(strLen(s) + 1);
  if (!queryUnescape("urlquery.decode", b, strPtr(s), strLen(s))) return 0;
  return stringFromBuf(b);
}

export function b_urlquery_encode_object(o: usize): usize {
  if (typeOf(o) != T_OBJECT) return typeError("urlquery.encode_object", 1, "object", o);
  const keys = sortedKeys(o);
  const n = tableCount(o);
  const b = bufNew(64);
  let first = true;
  for (let i: u32 = 0; i < n; i++) {
    const k = load<u32>(keys + (<usize>i << 2));
    if (typeOf(k) != T_STRING) return typeError("urlquery.encode_object", 1, "object of strings", k);
    const v = objGet(o, k);
    const t = typeOf(v);
    const count: u32 = t == T_STRING ? 1 : t == T_ARRAY ? arrLen(v) : t == T_SET ? tableCount(v) : 0;
    if (t != T_STRING && t != T_ARRAY && t != T_SET) {
      const e = errorStart("urlquery.encode_object");
      lit(e, "operand 1 must be one of {string, array, set} but got ");
      lit(e, typeName(v));
      return errorSet(e, E_TYPE);
    }
    for (let j: u32 = 0; j < count; j++) {
      const x = t == T_STRING ? v : t == T_ARRAY ? arrGet(v, j) : entryKey(v, j);
      if (typeOf(x) != T_STRING) return typeError("urlquery.encode_object", 1, "string", x);
      if (!first) byte(b, 38);
      first = false;
      queryEscape(b, strPtr(k), strLen(k));
      byte(b, 61);
      queryEscape(b, strPtr(x), strLen(x));
    }
  }
  return stringFromBuf(b);
}

export function b_urlquery_decode_object(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("urlquery.decode_object", 1, "string", s);
  const p = strPtr(s);
  const n = strLen(s);
  const r = newObject(0);
  let start: u32 = 0;
  for (let i: u32 = 0; i <= n; i++) {
    if (i < n && load<u8>(p + i) != 38 && load<u8>(p + i) != 59) continue;
    if (i > start) {
      let eq = start;
      while (eq < i && load<u8>(p + eq) != 61) eq++;
      const kb = bufNew(eq - start + 1);
      if (!queryUnescape("urlquery.decode_object", kb, p + start, eq - start)) return 0;
      const vb = bufNew(i - eq + 1);
      if (eq < i && !queryUnescape("urlquery.decode_object", vb, p + eq + 1, i - eq - 1)) return 0;
      const k = stringFromBuf(kb);
      let list = objGet(r, k);
      if (list == 0) {
        list = newArray(1);
        objInsert(r, k, list);
      }
      arrPush(list, stringFromBuf(vb));
    }
    start = i + 1;
  }
  return r;
}
