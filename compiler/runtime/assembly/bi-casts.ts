// to_number: null → 0, booleans → 0/1, numbers as they are, strings parsed with Go's ParseFloat rules (a
// leading sign, digits with an optional point, an exponent; no inf or nan). The number keeps the string's text
// when it is valid JSON number text, else a normalised text of the same value.

import { T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, typeOf, strPtr, strLen, boolOf, newInt } from "./value";
import { isNumberSyntax, decParse, decNd, decExp, decNeg, decDigits, decToF64 } from "./decimal";
import { numberFromText } from "./numbers";
import { alloc } from "./alloc";
import { bufNew, byte, bytes, lit, decimalU64, bufData, bufLen } from "./buf";
import { errorStart, errorSet, typeName, E_TYPE, E_BUILTIN } from "./error";

// Go's ParseFloat decimal syntax: [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits].
function goFloatSyntax(p: usize, n: u32): bool {
  let i: u32 = 0;
  if (i < n && (load<u8>(p) == 43 || load<u8>(p) == 45)) i++;
  let digits: u32 = 0;
  while (i < n && <u32>load<u8>(p + i) - 48 < 10) {
    i++;
    digits++;
  }
  if (i < n && load<u8>(p + i) == 46) {
    i++;
    while (i < n && <u32>load<u8>(p + i) - 48 < 10) {
      i++;
      digits++;
    }
  }
  if (digits == 0) return false;
  if (i < n && (load<u8>(p + i) | 32) == 101) {
    i++;
    if (i < n && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) i++;
    const s = i;
    while (i < n && <u32>load<u8>(p + i) - 48 < 10) i++;
    if (i == s) return false;
  }
  return i == n;
}

function isWordCI(p: usize, n: u32, w: string): bool {
  if (n != <u32>w.length) return false;
  const l = changetype<usize>(w);
  for (let i: u32 = 0; i < n; i++) if ((<u32>load<u8>(p + i) | 32) != <u32>load<u16>(l + (i << 1))) return false;
  return true;
}

function syntaxError(s: usize, reason: string): usize {
  const b = errorStart("to_number");
  lit(b, "strconv.ParseFloat: parsing \"");
  bytes(b, strPtr(s), strLen(s));
  lit(b, "\": ");
  lit(b, reason);
  return errorSet(b, E_BUILTIN);
}

export function b_to_number(v: usize): usize {
  const t = typeOf(v);
  if (t == T_NULL) return newInt(0);
  if (t == T_BOOLEAN) return newInt(boolOf(v) ? 1 : 0);
  if (t == T_NUMBER) return v;
  if (t != T_STRING) {
    const b = errorStart("to_number");
    lit(b, "operand 1 must be one of {null, boolean, number, string} but got ");
    lit(b, typeName(v));
    return errorSet(b, E_TYPE);
  }
  let p = strPtr(v);
  let n = strLen(v);
  let q = p;
  let m = n;
  while (m > 0 && (load<u8>(q) == 43 || load<u8>(q) == 45)) {
    q++;
    m--;
  }
  if (isWordCI(q, m, "inf") || isWordCI(q, m, "infinity") || isWordCI(q, m, "nan")) {
    const b = errorStart("to_number");
    lit(b, "operand 1 must be valid number string but got string");
    return errorSet(b, E_TYPE);
  }
  if (!goFloatSyntax(p, n)) return syntaxError(v, "invalid syntax");
  if (load<u8>(p) == 43) {
    p++;
    n--;
  }
  const d = decParse(p, n);
  if (decNd(d) != 0 && Math.abs(decToF64(d)) == Infinity) return syntaxError(v, "value out of range");
  if (isNumberSyntax(p, n)) return numberFromText(p, n);
  // ".5", "5.", "05": write the same value as digits and an exponent.
  const b = bufNew(decNd(d) + 16);
  if (decNeg(d) && decNd(d) != 0) byte(b, 45);
  if (decNd(d) == 0) {
    byte(b, 48);
  } else {
    bytes(b, decDigits(d), decNd(d));
    const e = decExp(d);
    if (e != 0) {
      byte(b, 101);
      if (e < 0) byte(b, 45);
      decimalU64(b, <u64>(e < 0 ? -e : e));
    }
  }
  const text = alloc(bufLen(b));
  memory.copy(text, bufData(b), bufLen(b));
  return numberFromText(text, bufLen(b));
}
