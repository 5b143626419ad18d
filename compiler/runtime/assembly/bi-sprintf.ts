// sprintf: Go's fmt.Sprintf over OPA's argument conversion (integers as int or *big.Int, other numbers as
// float64, strings as string, every other value as its Rego text). Verbs v s d b o x X c q U e E f F g G t T
// with flags + - # space 0, width and precision (also *), and Go's %!verb(type=value) for mismatches.

import { alloc } from "./alloc";
import { T_NUMBER, T_STRING, T_ARRAY, N_INT, N_FLOAT, typeOf, strPtr, strLen, arrLen, arrGet, numRepr, numI64, numRefPtr, numRefLen } from "./value";
import { numToF64, numToBig } from "./numbers";
import { bnFromU64, bnDivSmall, bnRemSmall, bnIsZero } from "./bignum";
import { bufNew, byte, bytes, lit, bufData, bufLen, bufSetLen, decimalU64 } from "./buf";
import { writeRego, writeBegin } from "./json-dump";
import { shortestDigits, shortestK, exactDigits, exactCount, roundDigits } from "./float-format";
import { utf8Decode, utf8Width, utf8Encode, runeOffset } from "./utf8";
import { stringFromBuf } from "./strings";
import { typeError } from "./error";

const K_INT: u32 = 1;
const K_BIG: u32 = 2;
const K_FLOAT: u32 = 3;
const K_STR: u32 = 4;

// Per-argument conversion results, kept in a small array of {kind, i64/f64 bits, ptr, len}.
const ARG_SIZE: u32 = 24;

function isIntegerText(p: usize, n: u32): bool {
  let i: u32 = 0;
  if (i < n && (load<u8>(p) == 45 || load<u8>(p) == 43)) i++;
  if (i == n) return false;
  for (; i < n; i++) if (<u32>load<u8>(p + i) - 48 >= 10) return false;
  return true;
}

function convertArgs(arr: usize): usize {
  const n = arrLen(arr);
  const out = alloc(<usize>n * ARG_SIZE);
  for (let i: u32 = 0; i < n; i++) {
    const v = arrGet(arr, i);
    const a = out + i * ARG_SIZE;
    const t = typeOf(v);
    if (t == T_STRING) {
      store<u32>(a, K_STR);
      store<u32>(a, strPtr(v), 16);
      store<u32>(a, strLen(v), 20);
    } else if (t == T_NUMBER && numRepr(v) == N_INT) {
      store<u32>(a, K_INT);
      store<i64>(a, numI64(v), 8);
    } else if (t == T_NUMBER && numRepr(v) != N_FLOAT && isIntegerText(numRefPtr(v), numRefLen(v))) {
      store<u32>(a, K_BIG);
      store<u32>(a, v, 16);
    } else if (t == T_NUMBER && Math.abs(numToF64(v)) != Infinity) {
      store<u32>(a, K_FLOAT);
      store<f64>(a, numToF64(v), 8);
    } else {
      // Numbers a float64 cannot hold keep their text; everything else prints in Rego syntax.
      writeBegin();
      const b = bufNew(32);
      writeRego(b, v);
      store<u32>(a, K_STR);
      store<u32>(a, bufData(b), 16);
      store<u32>(a, bufLen(b), 20);
    }
  }
  return out;
}

// Formatting state of the current verb.
let fPlus = false;
let fMinus = false;
let fSharp = false;
let fSpace = false;
let fZero = false;
let width: i32 = -1;
let prec: i32 = -1;

const HEXL = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
const HEXU = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 65, 66, 67, 68, 69, 70]);

// Appends `body` (len bytes at p) padded to the width; numeric bodies get zeros after their sign.
function pad(out: usize, p: usize, n: u32, numeric: bool): void {
  let w: u32 = 0;
  let q: u32 = 0;
  while (q < n) {
    utf8Decode(p + q, p + n);
    q += utf8Width();
    w++;
  }
  const fill = width > <i32>w ? <u32>width - w : 0;
  if (fill == 0) {
    bytes(out, p, n);
    return;
  }
  if (fMinus) {
    bytes(out, p, n);
    for (let i: u32 = 0; i < fill; i++) byte(out, 32);
    return;
  }
  if (fZero) {
    let s: u32 = 0;
    if (numeric && n > 0 && (load<u8>(p) == 45 || load<u8>(p) == 43 || load<u8>(p) == 32)) {
      byte(out, load<u8>(p));
      s = 1;
    }
    for (let i: u32 = 0; i < fill; i++) byte(out, 48);
    bytes(out, p + s, n - s);
    return;
  }
  for (let i: u32 = 0; i < fill; i++) byte(out, 32);
  bytes(out, p, n);
}

// Digits of magnitude m in a base, with sign, precision (minimum digits) and the # prefix.
function formatInteger(out: usize, neg: bool, m: usize, base: u32, upper: bool, verb: u32): void {
  const b = bufNew(32);
  const digits = upper ? HEXU : HEXL;
  let x = m;
  const start = bufLen(b);
  if (bnIsZero(x)) {
    if (prec != 0) byte(b, 48);
  } else {
    while (!bnIsZero(x)) {
      x = bnDivSmall(x, base);
      byte(b, load<u8>(digits + bnRemSmall()));
    }
  }
  while (<i32>(bufLen(b) - start) < prec) byte(b, 48);
  if (fSharp) {
    if (base == 16) {
      byte(b, upper ? 88 : 120);
      byte(b, 48);
    } else if (base == 8 && load<u8>(bufData(b) + bufLen(b) - 1) != 48) {
      byte(b, 48);
    } else if (base == 2) {
      byte(b, 98);
      byte(b, 48);
    }
  }
  if (verb == 79) {
    byte(b, 111);
    byte(b, 48);
  }
  if (neg) byte(b, 45);
  else if (fPlus) byte(b, 43);
  else if (fSpace) byte(b, 32);
  const p = bufData(b);
  const n = bufLen(b);
  for (let i: u32 = 0, j = n - 1; n > 0 && i < j; i++, j--) {
    const t = load<u8>(p + i);
    store<u8>(p + i, load<u8>(p + j));
    store<u8>(p + j, t);
  }
  const saveZero = fZero;
  if (prec >= 0) fZero = false;
  pad(out, p, n, true);
  fZero = saveZero;
}

function isPrintable(cp: u32): bool {
  if (cp < 0x20 || cp == 0x7f) return false;
  if (cp >= 0x80 && cp < 0xa0) return false;
  if (cp == 0xad || (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff || cp == 0xfeff) return false;
  if (cp == 0x2028 || cp == 0x2029) return false;
  return true;
}

// Go's strconv.Quote (or QuoteRune with single quotes).
function quote(b: usize, p: usize, n: u32, q: u32): void {
  byte(b, q);
  const end = p + n;
  let s = p;
  while (s < end) {
    const cp = utf8Decode(s, end);
    const w = utf8Width();
    if (cp == 0xfffd && w == 1) {
      lit(b, "\\x");
      const c = <u32>load<u8>(s);
      byte(b, load<u8>(HEXL + (c >> 4)));
      byte(b, load<u8>(HEXL + (c & 15)));
    } else if (cp == q || cp == 92) {
      byte(b, 92);
      byte(b, cp);
    } else if (isPrintable(cp)) {
      bytes(b, s, w);
    } else if (cp == 7) lit(b, "\\a");
    else if (cp == 8) lit(b, "\\b");
    else if (cp == 12) lit(b, "\\f");
    else if (cp == 10) lit(b, "\\n");
    else if (cp == 13) lit(b, "\\r");
    else if (cp == 9) lit(b, "\\t");
    else if (cp == 11) lit(b, "\\v");
    else {
      const digits: i32 = cp < 0x80 ? 2 : cp < 0x10000 ? 4 : 8;
      byte(b, 92);
      byte(b, digits == 2 ? 120 : digits == 4 ? 117 : 85);
      for (let i = digits - 1; i >= 0; i--) byte(b, load<u8>(HEXL + ((cp >> (<u32>i * 4)) & 15)));
    }
    s += w;
  }
  byte(b, q);
}

// %e / %f / %g of a finite float with the current precision (-1: shortest).
function formatFloat(out: usize, f: f64, verb: u32): void {
  const b = bufNew(32);
  const neg = f < 0 || (f == 0 && 1 / f < 0);
  if (neg) f = -f;
  if (neg) byte(b, 45);
  else if (fPlus) byte(b, 43);
  else if (fSpace) byte(b, 32);
  const lower = verb | 32;
  let d: usize;
  let nd: u32;
  let k: i32;
  const shortest = prec < 0 && lower == 103;
  if (f == 0) {
    d = alloc(1);
    store<u8>(d, 48);
    nd = 0;
    k = 1;
  } else if (shortest) {
    d = alloc(24);
    nd = shortestDigits(f, d);
    k = shortestK();
  } else {
    d = exactDigits(f);
    nd = exactCount();
    k = shortestK();
  }
  let p = prec;
  if (lower == 101) {
    if (p < 0) p = 6;
    if (f != 0) {
      nd = roundDigits(d, nd, k, p + 1);
      k = shortestK();
    }
    writeE(b, d, nd, k, p, verb == 69);
  } else if (lower == 102) {
    if (p < 0) p = 6;
    if (f != 0) {
      nd = roundDigits(d, nd, k, k + p);
      k = shortestK();
    }
    writeF(b, d, nd, k, p);
  } else {
    if (shortest) {
      // Go's %v and %g with the shortest digits: exponent form below 1e-4 and from 1e6 on.
      const x = k - 1;
      if (f != 0 && (x < -4 || x >= 6)) writeE(b, d, nd, k, <i32>nd - 1, verb == 71);
      else writeF(b, d, nd, k, <i32>nd - k > 0 ? <i32>nd - k : 0);
    } else {
      if (p == 0) p = 1;
      if (f != 0) {
        nd = roundDigits(d, nd, k, p);
        k = shortestK();
      }
      let eprec = p;
      if (eprec > <i32>nd && <i32>nd >= k) eprec = <i32>nd;
      const x = k - 1;
      if (f != 0 && (x < -4 || x >= eprec)) {
        writeE(b, d, nd, k, (p > <i32>nd ? <i32>nd : p) - 1, verb == 71);
      } else {
        const pp = p > k ? <i32>nd : p;
        writeF(b, d, nd, k, pp - k > 0 ? pp - k : 0);
      }
    }
  }
  pad(out, bufData(b), bufLen(b), true);
}

function digitAt(d: usize, nd: u32, i: i32): u32 {
  return i >= 0 && i < <i32>nd ? <u32>load<u8>(d + i) : 48;
}

function writeE(b: usize, d: usize, nd: u32, k: i32, p: i32, upper: bool): void {
  byte(b, digitAt(d, nd, 0));
  if (p > 0) {
    byte(b, 46);
    for (let i = 1; i <= p; i++) byte(b, digitAt(d, nd, i));
  }
  byte(b, upper ? 69 : 101);
  let x = nd == 0 ? 0 : k - 1;
  if (x < 0) {
    byte(b, 45);
    x = -x;
  } else {
    byte(b, 43);
  }
  if (x < 10) byte(b, 48);
  decimalU64(b, <u64>x);
}

function writeF(b: usize, d: usize, nd: u32, k: i32, p: i32): void {
  if (k <= 0 || nd == 0) {
    byte(b, 48);
  } else {
    for (let i = 0; i < k; i++) byte(b, digitAt(d, nd, i));
  }
  if (p > 0) {
    byte(b, 46);
    for (let i = 0; i < p; i++) byte(b, nd == 0 ? 48 : digitAt(d, nd, k + i));
  }
}

// %!verb(type=value)
function badVerb(out: usize, verb: u32, a: usize): void {
  lit(out, "%!");
  const e = alloc(4);
  bytes(out, e, utf8Encode(e, verb));
  byte(out, 40);
  writeTypeAndValue(out, a);
  byte(out, 41);
}

function writeTypeAndValue(out: usize, a: usize): void {
  const kind = load<u32>(a);
  if (kind == K_INT) {
    lit(out, "int=");
    const x = load<i64>(a, 8);
    if (x < 0) {
      byte(out, 45);
      decimalU64(out, <u64>(0 - x));
    } else {
      decimalU64(out, <u64>x);
    }
  } else if (kind == K_BIG) {
    lit(out, "*big.Int=");
    const v = load<u32>(a, 16);
    bytes(out, numRefPtr(v), numRefLen(v));
  } else if (kind == K_FLOAT) {
    lit(out, "float64=");
    const save = prec;
    prec = -1;
    const sw = width;
    width = -1;
    formatFloat(out, load<f64>(a, 8), 103);
    prec = save;
    width = sw;
  } else {
    lit(out, "string=");
    bytes(out, load<u32>(a, 16), load<u32>(a, 20));
  }
}

function typeNameOfArg(out: usize, a: usize): void {
  const kind = load<u32>(a);
  if (kind == K_INT) lit(out, "int");
  else if (kind == K_BIG) lit(out, "*big.Int");
  else if (kind == K_FLOAT) lit(out, "float64");
  else lit(out, "string");
}

function formatArg(out: usize, verb: u32, a: usize): void {
  const kind = load<u32>(a);
  if (verb == 84) {
    const b = bufNew(16);
    typeNameOfArg(b, a);
    pad(out, bufData(b), bufLen(b), false);
    return;
  }
  if (kind == K_STR) {
    const p = load<u32>(a, 16);
    let n = load<u32>(a, 20);
    if (verb == 115 || verb == 118) {
      if (prec >= 0) n = runeOffset(p, n, <u32>prec);
      pad(out, p, n, false);
    } else if (verb == 113) {
      const b = bufNew(n + 2);
      quote(b, p, n, 34);
      pad(out, bufData(b), bufLen(b), false);
    } else if (verb == 120 || verb == 88) {
      const b = bufNew(n * 2);
      const digits = verb == 88 ? HEXU : HEXL;
      if (prec >= 0 && <u32>prec < n) n = <u32>prec;
      for (let i: u32 = 0; i < n; i++) {
        if (fSpace && i > 0) byte(b, 32);
        const c = <u32>load<u8>(p + i);
        byte(b, load<u8>(digits + (c >> 4)));
        byte(b, load<u8>(digits + (c & 15)));
      }
      pad(out, bufData(b), bufLen(b), false);
    } else {
      badVerb(out, verb, a);
    }
    return;
  }
  if (kind == K_INT || kind == K_BIG) {
    let neg: bool;
    let m: usize;
    if (kind == K_INT) {
      const x = load<i64>(a, 8);
      neg = x < 0;
      m = bnFromU64(neg ? <u64>(0 - x) : <u64>x);
    } else {
      const v = load<u32>(a, 16);
      m = numToBig(v);
      neg = load<u8>(numRefPtr(v)) == 45;
    }
    if (verb == 100 || verb == 118 || (kind == K_BIG && verb == 115)) formatInteger(out, neg, m, 10, false, verb);
    else if (verb == 120 || verb == 88) formatInteger(out, neg, m, 16, verb == 88, verb);
    else if (verb == 111 || verb == 79) formatInteger(out, neg, m, 8, false, verb);
    else if (verb == 98) formatInteger(out, neg, m, 2, false, verb);
    else if (kind == K_INT && (verb == 99 || verb == 113 || verb == 85)) {
      const x = load<i64>(a, 8);
      const cp = x < 0 || x > 0x10ffff ? 0xfffd : <u32>x;
      const b = bufNew(16);
      if (verb == 99) {
        const e = alloc(4);
        bytes(b, e, utf8Encode(e, cp));
      } else if (verb == 113) {
        const e = alloc(4);
        quote(b, e, utf8Encode(e, cp), 39);
      } else {
        lit(b, "U+");
        const hb = bufNew(8);
        let y = cp;
        let nd = 0;
        while (y != 0 || nd < 4) {
          byte(hb, load<u8>(HEXU + (y & 15)));
          y >>= 4;
          nd++;
        }
        for (let i = <i32>bufLen(hb) - 1; i >= 0; i--) byte(b, load<u8>(bufData(hb) + i));
      }
      pad(out, bufData(b), bufLen(b), false);
    } else {
      badVerb(out, verb, a);
    }
    return;
  }
  const f = load<f64>(a, 8);
  if (verb == 118) formatFloat(out, f, 103);
  else if (verb == 101 || verb == 69 || verb == 102 || verb == 70 || verb == 103 || verb == 71) formatFloat(out, f, verb == 70 ? 102 : verb);
  else badVerb(out, verb, a);
}

@inline function isDigit(c: u32): bool { return c - 48 < 10; }

export function b_sprintf(fmt: usize, arr: usize): usize {
  if (typeOf(fmt) != T_STRING) return typeError("sprintf", 1, "string", fmt);
  if (typeOf(arr) != T_ARRAY) return typeError("sprintf", 2, "array", arr);
  const args = convertArgs(arr);
  const nargs = arrLen(arr);
  let argi: u32 = 0;
  const p = strPtr(fmt);
  const n = strLen(fmt);
  const out = bufNew(n + 16);
  let i: u32 = 0;
  while (i < n) {
    const c = <u32>load<u8>(p + i);
    if (c != 37) {
      byte(out, c);
      i++;
      continue;
    }
    i++;
    fPlus = false;
    fMinus = false;
    fSharp = false;
    fSpace = false;
    fZero = false;
    width = -1;
    prec = -1;
    while (i < n) {
      const f = <u32>load<u8>(p + i);
      if (f == 43) fPlus = true;
      else if (f == 45) fMinus = true;
      else if (f == 35) fSharp = true;
      else if (f == 32) fSpace = true;
      else if (f == 48) fZero = true;
      else break;
      i++;
    }
    if (i < n && load<u8>(p + i) == 42) {
      i++;
      if (argi < nargs && load<u32>(args + argi * ARG_SIZE) == K_INT) {
        width = <i32>load<i64>(args + argi * ARG_SIZE, 8);
        if (width < 0) {
          fMinus = true;
          width = -width;
        }
      } else {
        lit(out, "%!(BADWIDTH)");
      }
      argi++;
    } else {
      while (i < n && isDigit(load<u8>(p + i))) {
        width = (width < 0 ? 0 : width) * 10 + <i32>(load<u8>(p + i) - 48);
        i++;
      }
    }
    if (i < n && load<u8>(p + i) == 46) {
      i++;
      prec = 0;
      if (i < n && load<u8>(p + i) == 42) {
        i++;
        if (argi < nargs && load<u32>(args + argi * ARG_SIZE) == K_INT) prec = <i32>load<i64>(args + argi * ARG_SIZE, 8);
        else lit(out, "%!(BADPREC)");
        if (prec < 0) prec = -1;
        argi++;
      } else {
        while (i < n && isDigit(load<u8>(p + i))) {
          prec = prec * 10 + <i32>(load<u8>(p + i) - 48);
          i++;
        }
      }
    }
    if (i >= n) {
      lit(out, "%!(NOVERB)");
      break;
    }
    const verb = utf8Decode(p + i, p + n);
    i += utf8Width();
    if (verb == 37) {
      byte(out, 37);
      continue;
    }
    if (argi >= nargs) {
      lit(out, "%!");
      const e = alloc(4);
      bytes(out, e, utf8Encode(e, verb));
      lit(out, "(MISSING)");
      continue;
    }
    formatArg(out, verb, args + argi * ARG_SIZE);
    argi++;
  }
  if (argi < nargs) {
    lit(out, "%!(EXTRA ");
    for (let k = argi; k < nargs; k++) {
      if (k > argi) lit(out, ", ");
      const a = args + k * ARG_SIZE;
      typeNameOfArg(out, a);
      byte(out, 61);
      const save = bufLen(out);
      writeTypeAndValue(out, a);
      // writeTypeAndValue repeats the type name before '='; keep only the value.
      const base = bufData(out);
      let eq = save;
      while (load<u8>(base + eq) != 61) eq++;
      const vlen = bufLen(out) - eq - 1;
      memory.copy(base + save, base + eq + 1, vlen);
      bufSetLen(out, save + vlen);
    }
    byte(out, 41);
  }
  return stringFromBuf(out);
}

