// Values to text: JSON (opa_json_dump: sets as arrays, non-string keys as their JSON text in a string) and
// Rego syntax (opa_value_dump, print, sprintf %v: sets as {…} or set(), ", " and ": " separators as OPA's
// String() writes them). Object keys and set elements come out sorted; the sort scratch lives on a private
// stack so the output buffer stays the heap's last block and grows without copies.

import { alloc } from "./alloc";
import { T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, typeOf, boolOf, strLen, strPtr, arrLen, arrGet } from "./value";
import { tableCount, tableEntries } from "./table";
import { writeNumber } from "./numbers";
import { sortWith } from "./sort";
import { bufNew, bufReserve, bufAdvance, byte, bytes, lit, bufCString, bufData, bufLen } from "./buf";
import { utf8Decode, utf8Width } from "./utf8";

let scratch: usize = 0;
let scratchTop: u32 = 0;
let scratchCap: u32 = 0;

// Room for n addresses on the scratch stack; the caller pops with scratchTop = its saved value.
function scratchPush(n: u32): usize {
  if (scratchTop + n > scratchCap) {
    let ncap = scratchCap << 1;
    if (ncap < scratchTop + n) ncap = scratchTop + n + 256;
    const ns = alloc(<usize>ncap << 2);
    memory.copy(ns, scratch, <usize>scratchTop << 2);
    scratch = ns;
    scratchCap = ncap;
  }
  const p = scratch + (<usize>scratchTop << 2);
  scratchTop += n;
  return p;
}

// The entries (objects) or elements (sets) of t sorted, as addresses of entries on the scratch stack.
function sortedEntries(t: usize): usize {
  const n = tableCount(t);
  const p = scratchPush(n);
  const entries = tableEntries(t);
  for (let i: u32 = 0; i < n; i++) store<u32>(p + (<usize>i << 2), entries + i * 12);
  const tmp = scratchPush(n);
  sortWith(p, n, tmp, true);
  scratchTop -= n;
  return p;
}

@inline function hasByte(w: u64, b: u64): u64 {
  const x = w ^ (0x0101010101010101 * b);
  return (x - 0x0101010101010101) & ~x & 0x8080808080808080;
}

const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

function writeU4(b: usize, cp: u32): void {
  const d = bufReserve(b, 6);
  store<u8>(d, 92);
  store<u8>(d, 117, 1);
  store<u8>(d, load<u8>(HEX + ((cp >> 12) & 15)), 2);
  store<u8>(d, load<u8>(HEX + ((cp >> 8) & 15)), 3);
  store<u8>(d, load<u8>(HEX + ((cp >> 4) & 15)), 4);
  store<u8>(d, load<u8>(HEX + (cp & 15)), 5);
  bufAdvance(b, 6);
}

// Appends p[0..n) as a quoted JSON string. With `goMarshal`, escapes as Go's json.Marshal does (<, >, &,
// U+2028, U+2029, invalid UTF-8 as U+FFFD); otherwise only what JSON requires.
export function writeQuoted(b: usize, p: usize, n: u32, goMarshal: bool): void {
  byte(b, 34);
  const end = p + n;
  let run = p;
  let q = p;
  while (q < end) {
    if (!goMarshal) {
      while (q + 8 <= end) {
        const w = load<u64>(q);
        const ctl = (w - 0x2020202020202020) & ~w & 0x8080808080808080;
        if ((hasByte(w, 0x22) | hasByte(w, 0x5c) | ctl) != 0) break;
        q += 8;
      }
      if (q >= end) break;
    }
    const c = <u32>load<u8>(q);
    if (c >= 0x20 && c != 0x22 && c != 0x5c && !(goMarshal && (c == 0x3c || c == 0x3e || c == 0x26 || c >= 0x80))) {
      q++;
      continue;
    }
    if (c >= 0x80) {
      const cp = utf8Decode(q, end);
      const w = utf8Width();
      if ((cp == 0xfffd && w == 1) || cp == 0x2028 || cp == 0x2029) {
        bytes(b, run, <u32>(q - run));
        writeU4(b, cp);
        q += w;
        run = q;
      } else {
        q += w;
      }
      continue;
    }
    bytes(b, run, <u32>(q - run));
    q++;
    run = q;
    if (c == 0x22 || c == 0x5c) {
      byte(b, 92);
      byte(b, c);
    } else if (c == 10) {
      byte(b, 92);
      byte(b, 110);
    } else if (c == 13) {
      byte(b, 92);
      byte(b, 114);
    } else if (c == 9) {
      byte(b, 92);
      byte(b, 116);
    } else {
      writeU4(b, c);
    }
  }
  bytes(b, run, <u32>(end - run));
  byte(b, 34);
}

export function writeJSON(b: usize, v: usize, goMarshal: bool): void {
  const t = typeOf(v);
  if (t == T_STRING) {
    writeQuoted(b, strPtr(v), strLen(v), goMarshal);
  } else if (t == T_NUMBER) {
    writeNumber(b, v);
  } else if (t == T_BOOLEAN) {
    if (boolOf(v)) lit(b, "true");
    else lit(b, "false");
  } else if (t == T_NULL) {
    lit(b, "null");
  } else if (t == T_ARRAY) {
    byte(b, 91);
    const n = arrLen(v);
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) byte(b, 44);
      writeJSON(b, arrGet(v, i), goMarshal);
    }
    byte(b, 93);
  } else {
    const saved = scratchTop;
    const n = tableCount(v);
    const sorted = sortedEntries(v);
    byte(b, t == T_OBJECT ? 123 : 91);
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) byte(b, 44);
      const e = load<u32>(sorted + (<usize>i << 2));
      if (t == T_OBJECT) {
        const k = load<u32>(e);
        if (typeOf(k) == T_STRING) {
          writeQuoted(b, strPtr(k), strLen(k), goMarshal);
        } else {
          // A non-string key becomes the JSON text of the key, quoted.
          const kb = bufNew(32);
          writeJSON(kb, k, goMarshal);
          writeQuoted(b, bufData(kb), bufLen(kb), goMarshal);
        }
        byte(b, 58);
        writeJSON(b, load<u32>(e, 4), goMarshal);
      } else {
        writeJSON(b, load<u32>(e), goMarshal);
      }
    }
    byte(b, t == T_OBJECT ? 125 : 93);
    scratchTop = saved;
  }
}

export function writeRego(b: usize, v: usize): void {
  const t = typeOf(v);
  if (t == T_ARRAY) {
    byte(b, 91);
    const n = arrLen(v);
    for (let i: u32 = 0; i < n; i++) {
      if (i > 0) {
        byte(b, 44);
        byte(b, 32);
      }
      writeRego(b, arrGet(v, i));
    }
    byte(b, 93);
    return;
  }
  if (t < T_ARRAY) {
    writeJSON(b, v, false);
    return;
  }
  const n = tableCount(v);
  if (n == 0) {
    if (t == T_OBJECT) lit(b, "{}");
    else lit(b, "set()");
    return;
  }
  const saved = scratchTop;
  const sorted = sortedEntries(v);
  byte(b, 123);
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) {
      byte(b, 44);
      byte(b, 32);
    }
    const e = load<u32>(sorted + (<usize>i << 2));
    writeRego(b, load<u32>(e));
    if (t == T_OBJECT) {
      byte(b, 58);
      byte(b, 32);
      writeRego(b, load<u32>(e, 4));
    }
  }
  byte(b, 125);
  scratchTop = saved;
}

// The scratch stack is set up before the output buffer so that the buffer is the heap's last block.
function begin(): void {
  scratchCap = 1024;
  scratchTop = 0;
  scratch = alloc(<usize>scratchCap << 2);
}

export function dumpJSON(v: usize): usize {
  begin();
  const b = bufNew(256);
  writeJSON(b, v, false);
  return bufCString(b);
}

export function dumpRego(v: usize): usize {
  begin();
  const b = bufNew(256);
  writeRego(b, v);
  return bufCString(b);
}

// Callers that append values to their own buffer (print, sprintf, json.marshal) call this first: the scratch
// stack of an earlier call may lie in memory a heap reset has freed since, so it starts empty and is
// allocated on first need.
export function writeBegin(): void {
  scratch = 0;
  scratchCap = 0;
  scratchTop = 0;
}
