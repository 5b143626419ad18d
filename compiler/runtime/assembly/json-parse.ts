// Text to values: JSON (opa_json_parse) and Rego literal syntax (opa_value_parse: also sets, `set()`,
// non-string keys, back-quoted raw strings). One iterative pass with explicit stacks (no recursion limit):
// finished elements wait on a scratch stack and each container is built once, at its exact size, when it
// closes. Strings without escapes point into the source text; numbers that are not i64 keep their text.
// In large documents object keys are shared: a key seen before is the same string value (Terraform plans repeat
// a few hundred keys millions of times), which saves a string per entry and hashes each key's bytes once.

import { alloc, realloc } from "./alloc";
import { T_OBJECT, T_SET, T_STRING, typeOf, nullValue, trueValue, falseValue, newInt, newString, newArrayFrom, strLen, strPtr } from "./value";
import { tableNewSized, tableFind, tableAppend } from "./table";
import { hashBytes, hashValue, stringHash } from "./hash";
import { numberFromText } from "./numbers";
import { isNumberSyntax } from "./decimal";
import { utf8Encode } from "./utf8";

const F_ARRAY: u32 = 1;
const F_OBJ_KEY: u32 = 2; // a key was just finished; a ':' and a value follow
const F_OBJ_VAL: u32 = 3; // a value was just finished; ',' and a key, or '}', follow
const F_SET: u32 = 4;
const F_BRACE: u32 = 5; // Rego `{x`: an object if ':' follows, else a set

let end: usize = 0;
let pos: usize = 0;
let stk: usize = 0;
let stkLen: u32 = 0;
let stkCap: u32 = 0;

@inline function stkPush(v: usize): void {
  if (stkLen == stkCap) {
    stk = realloc(stk, <usize>stkCap << 2, <usize>stkCap << 3);
    stkCap <<= 1;
  }
  store<u32>(stk + (<usize>stkLen << 2), v);
  stkLen++;
}

@inline function isWs(c: u32): bool { return c == 32 || c == 10 || c == 13 || c == 9; }

@inline function skipWs(): void {
  while (pos < end && isWs(load<u8>(pos))) pos++;
}

@inline function hasByteLess(w: u64, n: u64): u64 {
  return (w - 0x0101010101010101 * n) & ~w & 0x8080808080808080;
}

@inline function hasByte(w: u64, b: u64): u64 {
  const x = w ^ (0x0101010101010101 * b);
  return (x - 0x0101010101010101) & ~x & 0x8080808080808080;
}

function hexVal(c: u32): i32 {
  if (c - 48 < 10) return <i32>(c - 48);
  const l = c | 32;
  if (l - 97 < 6) return <i32>(l - 87);
  return -1;
}

function hex4(p: usize): i32 {
  if (p + 4 > end) return -1;
  let x: i32 = 0;
  for (let i = 0; i < 4; i++) {
    const h = hexVal(load<u8>(p + i));
    if (h < 0) return -1;
    x = (x << 4) | h;
  }
  return x;
}

// A JSON string starting after its opening quote; pos ends after the closing quote. 0 on error.
function parseString(): usize {
  const start = pos;
  let q = pos;
  while (q + 8 <= end) {
    const w = load<u64>(q);
    if ((hasByte(w, 0x22) | hasByte(w, 0x5c) | hasByteLess(w, 0x20)) != 0) break;
    q += 8;
  }
  while (q < end) {
    const c = <u32>load<u8>(q);
    if (c == 0x22) {
      pos = q + 1;
      return newString(start, <u32>(q - start));
    }
    if (c == 0x5c) break;
    if (c < 0x20) return 0;
    q++;
  }
  if (q >= end) return 0;
  return parseEscaped(start, q);
}

// Keys: a direct-mapped cache of the keys parsed so far in this document, by hash of their bytes. Only for
// documents of at least KEY_CACHE_MIN bytes (the cache costs 16 KiB per parse); 0 when there is none.
const KEY_CACHE_SLOTS: u32 = 4096;
const KEY_CACHE_MIN: u32 = 65536;
let keyCache: usize = 0;

// An object key starting after its opening quote, shared with an equal key parsed before when there is one.
function parseKey(): usize {
  if (keyCache == 0) return parseString();
  const start = pos;
  let q = pos;
  while (q < end) {
    const c = <u32>load<u8>(q);
    if (c == 0x22) break;
    if (c == 0x5c || c < 0x20) return parseString();
    q++;
  }
  if (q >= end) return 0;
  const n = <u32>(q - start);
  let h = hashBytes(start, n);
  if (h == 0) h = 1;
  const slot = keyCache + (<usize>(h & (KEY_CACHE_SLOTS - 1)) << 2);
  const seen = load<u32>(slot);
  pos = q + 1;
  if (seen != 0 && load<u32>(seen, 12) == h && strLen(seen) == n && memory.compare(strPtr(seen), start, n) == 0) return seen;
  const k = newString(start, n);
  store<u32>(k, h, 12);
  store<u32>(slot, k);
  return k;
}

// A string value: shared like a key when short (names, types, actions and tag values repeat in plans).
function parseShared(): usize {
  if (keyCache == 0) return parseString();
  let q = pos;
  const limit = pos + SHARED_MAX < end ? pos + SHARED_MAX : end;
  while (q < limit && load<u8>(q) != 0x22) q++;
  return q < limit ? parseKey() : parseString();
}

const SHARED_MAX: usize = 48;

// The slow path once an escape shows up: find the closing quote, then decode into a buffer of the raw length
// (decoding never lengthens the text).
function parseEscaped(start: usize, q: usize): usize {
  let close = q;
  while (close < end && load<u8>(close) != 0x22) close += load<u8>(close) == 0x5c ? 2 : 1;
  if (close >= end) return 0;
  const out = alloc(<u32>(close - start));
  let n = <u32>(q - start);
  memory.copy(out, start, n);
  while (q < end) {
    const c = <u32>load<u8>(q);
    if (c == 0x22) {
      pos = q + 1;
      return newString(out, n);
    }
    if (c < 0x20) return 0;
    if (c != 0x5c) {
      store<u8>(out + n++, <u8>c);
      q++;
      continue;
    }
    if (q + 1 >= end) return 0;
    const e = <u32>load<u8>(q + 1);
    q += 2;
    let ch: i32 = -1;
    if (e == 0x22 || e == 0x5c || e == 0x2f) ch = <i32>e;
    else if (e == 0x62) ch = 8;
    else if (e == 0x66) ch = 12;
    else if (e == 0x6e) ch = 10;
    else if (e == 0x72) ch = 13;
    else if (e == 0x74) ch = 9;
    else if (e == 0x75) {
      let cp = hex4(q);
      if (cp < 0) return 0;
      q += 4;
      if (cp >= 0xd800 && cp < 0xdc00) {
        // A high surrogate pairs with a following \uDC00-\uDFFF; alone it becomes U+FFFD, as in Go.
        let lo: i32 = -1;
        if (q + 6 <= end && load<u8>(q) == 0x5c && load<u8>(q + 1) == 0x75) lo = hex4(q + 2);
        if (lo >= 0xdc00 && lo < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          q += 6;
        } else {
          cp = 0xfffd;
        }
      } else if (cp >= 0xdc00 && cp < 0xe000) {
        cp = 0xfffd;
      }
      n += utf8Encode(out + n, <u32>cp);
      continue;
    } else {
      return 0;
    }
    store<u8>(out + n++, <u8>ch);
  }
  return 0;
}

function parseRawString(): usize {
  const start = pos;
  while (pos < end && load<u8>(pos) != 0x60) pos++;
  if (pos >= end) return 0;
  pos++;
  return newString(start, <u32>(pos - 1 - start));
}

@inline function isDigit(c: u32): bool { return c - 48 < 10; }

function parseNumber(): usize {
  const start = pos;
  let q = pos;
  let neg = false;
  if (load<u8>(q) == 45) {
    neg = true;
    q++;
  }
  const digitsStart = q;
  let x: i64 = 0;
  while (q < end) {
    const c = <u32>load<u8>(q);
    if (!isDigit(c)) break;
    x = x * 10 + <i64>(c - 48);
    q++;
  }
  const nd = <u32>(q - digitsStart);
  if (nd == 0) return 0;
  if (nd > 1 && load<u8>(digitsStart) == 48) return 0;
  const next = q < end ? <u32>load<u8>(q) : 0;
  if (nd <= 18 && next != 46 && (next | 32) != 101) {
    pos = q;
    return newInt(neg ? -x : x);
  }
  // Fractions, exponents and long integers: find the end, check the grammar, keep the text.
  while (q < end) {
    const c = <u32>load<u8>(q);
    if (isDigit(c) || c == 46 || (c | 32) == 101 || c == 43 || c == 45) q++;
    else break;
  }
  const n = <u32>(q - start);
  if (!isNumberSyntax(start, n)) return 0;
  pos = q;
  return numberFromText(start, n);
}

function matchWord(w: string): bool {
  const n = <u32>w.length;
  if (pos + n > end) return false;
  const p = changetype<usize>(w);
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u8>(pos + i) != <u32>load<u16>(p + (i << 1))) return false;
  pos += n;
  return true;
}

// Builds the object or set of the scratch entries from `start` on.
function closeTable(type: u32, start: u32): usize {
  const base = stk + (<usize>start << 2);
  if (type == T_OBJECT) {
    const pairs = (stkLen - start) >> 1;
    const o = tableNewSized(T_OBJECT, pairs);
    for (let i: u32 = 0; i < pairs; i++) {
      const k = load<u32>(base + (<usize>i << 3));
      const v = load<u32>(base + (<usize>i << 3), 4);
      const h = typeOf(k) == T_STRING ? stringHash(k) : hashValue(k);
      const at = tableFind(o, k, h);
      // Duplicate keys: the last one wins, as in Go's decoder.
      if (at >= 0) store<u32>(load<u32>(o, 12) + <u32>at * 12, v, 4);
      else tableAppend(o, k, v, h);
    }
    return o;
  }
  const n = stkLen - start;
  const s = tableNewSized(T_SET, n);
  for (let i: u32 = 0; i < n; i++) {
    const v = load<u32>(base + (<usize>i << 2));
    const h = hashValue(v);
    if (tableFind(s, v, h) < 0) tableAppend(s, v, v, h);
  }
  return s;
}

export function parseValue(p: usize, n: u32, rego: bool): usize {
  end = p + n;
  pos = p;
  stkCap = 256;
  stkLen = 0;
  stk = alloc(<usize>stkCap << 2);
  keyCache = 0;
  if (n >= KEY_CACHE_MIN) {
    keyCache = alloc(<usize>KEY_CACHE_SLOTS << 2);
    memory.fill(keyCache, 0, <usize>KEY_CACHE_SLOTS << 2);
  }
  let fcap: u32 = 32;
  let frames = alloc(<usize>fcap << 3);
  let fsp: u32 = 0;
  let v: usize = 0;
  while (true) {
    // Parse one value into v, or open a container and go on with its first element.
    skipWs();
    if (pos >= end) return 0;
    const c = <u32>load<u8>(pos);
    if (c == 0x22) {
      pos++;
      // In Rego syntax a key is parsed as any value: where one may start, share it like a JSON key.
      const kind = fsp > 0 ? load<u32>(frames + (<usize>(fsp - 1) << 3)) : 0;
      v = kind == F_BRACE || kind == F_OBJ_KEY ? parseKey() : parseShared();
    } else if (c - 48 < 10 || c == 45) {
      v = parseNumber();
    } else if (c == 0x7b || c == 0x5b) {
      pos++;
      if (fsp == fcap) {
        frames = realloc(frames, <usize>fcap << 3, <usize>fcap << 4);
        fcap <<= 1;
      }
      const f = frames + (<usize>fsp << 3);
      store<u32>(f, stkLen, 4);
      fsp++;
      skipWs();
      if (c == 0x5b) {
        store<u32>(f, F_ARRAY);
        if (pos < end && load<u8>(pos) == 0x5d) {
          pos++;
          fsp--;
          v = newArrayFrom(0, 0);
        } else {
          continue;
        }
      } else {
        if (pos < end && load<u8>(pos) == 0x7d) {
          pos++;
          fsp--;
          v = tableNewSized(T_OBJECT, 0);
        } else if (rego) {
          store<u32>(f, F_BRACE);
          continue;
        } else {
          store<u32>(f, F_OBJ_KEY);
          if (pos >= end || load<u8>(pos) != 0x22) return 0;
          pos++;
          v = parseKey();
          if (v == 0) return 0;
          stkPush(v);
          skipWs();
          if (pos >= end || load<u8>(pos) != 0x3a) return 0;
          pos++;
          store<u32>(f, F_OBJ_VAL);
          continue;
        }
      }
    } else if (c == 0x74) {
      v = matchWord("true") ? trueValue() : 0;
    } else if (c == 0x66) {
      v = matchWord("false") ? falseValue() : 0;
    } else if (c == 0x6e) {
      v = matchWord("null") ? nullValue() : 0;
    } else if (rego && c == 0x60) {
      pos++;
      v = parseRawString();
    } else if (rego && c == 0x73) {
      v = matchWord("set()") ? tableNewSized(T_SET, 0) : 0;
    } else {
      return 0;
    }
    if (v == 0) return 0;
    // v is finished: hand it to the enclosing containers, closing those that end here.
    let next = false;
    while (!next) {
      if (fsp == 0) {
        skipWs();
        return pos == end ? v : 0;
      }
      const f = frames + (<usize>(fsp - 1) << 3);
      const kind = load<u32>(f);
      stkPush(v);
      skipWs();
      if (pos >= end) return 0;
      const d = <u32>load<u8>(pos++);
      if (kind == F_BRACE) {
        if (d == 0x3a) {
          store<u32>(f, F_OBJ_VAL);
          next = true;
          continue;
        }
        store<u32>(f, F_SET);
      }
      if (kind == F_OBJ_VAL) {
        if (d == 0x2c) {
          skipWs();
          if (!rego) {
            if (pos >= end || load<u8>(pos) != 0x22) return 0;
            pos++;
            const k = parseKey();
            if (k == 0) return 0;
            stkPush(k);
            skipWs();
            if (pos >= end || load<u8>(pos) != 0x3a) return 0;
            pos++;
            next = true;
            continue;
          }
          store<u32>(f, F_OBJ_KEY);
          next = true;
          continue;
        }
        if (d != 0x7d) return 0;
        const start = load<u32>(f, 4);
        v = closeTable(T_OBJECT, start);
        stkLen = start;
        fsp--;
        continue;
      }
      if (kind == F_OBJ_KEY) {
        if (d != 0x3a) return 0;
        store<u32>(f, F_OBJ_VAL);
        next = true;
        continue;
      }
      if (d == 0x2c) {
        next = true;
        continue;
      }
      const start = load<u32>(f, 4);
      if (kind == F_ARRAY) {
        if (d != 0x5d) return 0;
        v = newArrayFrom(stk + (<usize>start << 2), stkLen - start);
      } else {
        if (d != 0x7d) return 0;
        v = closeTable(T_SET, start);
      }
      stkLen = start;
      fsp--;
    }
  }
  return 0;
}
