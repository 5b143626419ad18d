// glob.match (gobwas/glob syntax as OPA uses it): * (no delimiter), ** (anything), ?, [abc] [a-z] [!…],
// {alt,alt} and \ escapes. The glob is translated to an anchored regex and run on the regex engine, so
// matching is linear; delimiters default to "." for an empty array, none for null.

import { T_NULL, T_ARRAY, T_STRING, typeOf, strPtr, strLen, arrLen, arrGet, boolValue, newString } from "./value";
import { bufNew, byte, lit, bufData, bufLen, decimalU64 } from "./buf";
import { utf8Decode, utf8Width, runeCount } from "./utf8";
import { compilePattern } from "./bi-regex";
import { vmSearch } from "./regex-vm";
import { typeError, elementTypeError, errorStart, errorSet, typeName, E_TYPE, E_BUILTIN } from "./error";

const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

// \x{…} for any rune: safe inside and outside classes.
function runeEscape(b: usize, cp: u32): void {
  lit(b, "\\x{");
  let started = false;
  for (let s = 20; s >= 0; s -= 4) {
    const d = (cp >> <u32>s) & 15;
    if (d != 0 || started || s == 0) {
      byte(b, load<u8>(HEX + d));
      started = true;
    }
  }
  byte(b, 125);
}

function notDelims(b: usize, delims: usize, nd: u32): void {
  if (nd == 0) {
    byte(b, 46);
    return;
  }
  lit(b, "[^");
  for (let i: u32 = 0; i < nd; i++) runeEscape(b, load<u32>(delims + (<usize>i << 2)));
  byte(b, 93);
}

let bad = false;

// Translates glob text p[i..n) up to (not including) an unnested `stop` byte (0: to the end) into b.
function translate(b: usize, p: usize, n: u32, i: u32, delims: usize, nd: u32, inBraces: bool): u32 {
  while (i < n) {
    const c = <u32>load<u8>(p + i);
    if (inBraces && (c == 44 || c == 125)) return i;
    if (c == 42) {
      if (i + 1 < n && load<u8>(p + i + 1) == 42) {
        lit(b, "(?s:.*)");
        i += 2;
      } else {
        notDelims(b, delims, nd);
        byte(b, 42);
        i++;
      }
    } else if (c == 63) {
      notDelims(b, delims, nd);
      i++;
    } else if (c == 91) {
      i++;
      byte(b, 91);
      if (i < n && load<u8>(p + i) == 33) {
        byte(b, 94);
        i++;
      }
      let closed = false;
      let first = true;
      while (i < n) {
        const d = <u32>load<u8>(p + i);
        if (d == 93 && !first) {
          closed = true;
          i++;
          break;
        }
        first = false;
        if (d == 45) {
          byte(b, 45);
          i++;
          continue;
        }
        if (d == 92 && i + 1 < n) i++;
        const cp = utf8Decode(p + i, p + n);
        i += utf8Width();
        runeEscape(b, cp);
      }
      if (!closed) bad = true;
      byte(b, 93);
    } else if (c == 123) {
      lit(b, "(?:");
      i++;
      while (true) {
        i = translate(b, p, n, i, delims, nd, true);
        if (i >= n) {
          bad = true;
          break;
        }
        if (load<u8>(p + i) == 125) {
          i++;
          break;
        }
        byte(b, 124);
        i++;
      }
      byte(b, 41);
    } else {
      if (c == 92 && i + 1 < n) i++;
      const cp = utf8Decode(p + i, p + n);
      i += utf8Width();
      runeEscape(b, cp);
    }
  }
  return i;
}

export function b_glob_match(pattern: usize, delimiters: usize, text: usize): usize {
  if (typeOf(pattern) != T_STRING) return typeError("glob.match", 1, "string", pattern);
  const td = typeOf(delimiters);
  let delims: usize = 0;
  let nd: u32 = 0;
  if (td == T_ARRAY) {
    const n = arrLen(delimiters);
    const buf = bufNew(n * 4 + 4);
    for (let i: u32 = 0; i < n; i++) {
      const d = arrGet(delimiters, i);
      if (typeOf(d) != T_STRING) return elementTypeError("glob.match", 2, delimiters, "string", d);
      if (runeCount(strPtr(d), strLen(d)) != 1) return elementTypeError("glob.match", 2, delimiters, "rune", d);
      const cp = utf8Decode(strPtr(d), strPtr(d) + strLen(d));
      byte(buf, cp & 255);
      byte(buf, (cp >> 8) & 255);
      byte(buf, (cp >> 16) & 255);
      byte(buf, 0);
    }
    delims = bufData(buf);
    nd = n;
    if (nd == 0) {
      store<u32>(delims, 46);
      nd = 1;
    }
  } else if (td != T_NULL) {
    const b = errorStart("glob.match");
    lit(b, "operand 2 must be one of {array, null} but got ");
    lit(b, typeName(delimiters));
    return errorSet(b, E_TYPE);
  }
  if (typeOf(text) != T_STRING) return typeError("glob.match", 3, "string", text);
  const b = bufNew(strLen(pattern) * 4 + 16);
  lit(b, "^(?:");
  bad = false;
  translate(b, strPtr(pattern), strLen(pattern), 0, delims, nd, false);
  lit(b, ")$");
  if (bad) {
    const e = errorStart("glob.match");
    lit(e, "unexpected end of input at ");
    decimalU64(e, <u64>strLen(pattern));
    return errorSet(e, E_BUILTIN);
  }
  const vm = compilePattern(bufData(b), bufLen(b));
  if (vm == 0) {
    const e = errorStart("glob.match");
    lit(e, "invalid glob pattern");
    return errorSet(e, E_BUILTIN);
  }
  return boolValue(vmSearch(vm, strPtr(text), strLen(text), 0, true));
}

// glob.quote_meta: a backslash before each glob metacharacter (* ? [ ] { } \ and the range dash and
// negation inside classes), so the text matches itself.
export function b_glob_quote_meta(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("glob.quote_meta", 1, "string", s);
  const p = strPtr(s);
  const n = strLen(s);
  const b = bufNew(n * 2 + 1);
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 42 || c == 63 || c == 91 || c == 93 || c == 123 || c == 125 || c == 92 || c == 45 || c == 33 || c == 44) byte(b, 92);
    byte(b, c);
  }
  return newString(bufData(b), bufLen(b));
}
