// Byte-level string helpers shared by the string builtins: substring search, counting, building a string
// value from a buffer. Everything works on UTF-8 bytes; rune-aware callers convert offsets with utf8.ts.

import { newString, strPtr, strLen } from "./value";
import { bufData, bufLen } from "./buf";

// The byte offset of the first occurrence of needle in hay at or after `from`, or -1.
export function findBytes(hay: usize, hn: u32, needle: usize, nn: u32, from: u32): i32 {
  if (nn == 0) return from <= hn ? <i32>from : -1;
  if (nn > hn) return -1;
  const first = load<u8>(needle);
  const last = hn - nn;
  for (let i = from; i <= last; i++) {
    if (load<u8>(hay + i) != first) continue;
    if (memory.compare(hay + i, needle, nn) == 0) return <i32>i;
  }
  return -1;
}

export function startsWith(s: usize, sn: u32, p: usize, pn: u32): bool {
  return pn <= sn && memory.compare(s, p, pn) == 0;
}

export function endsWith(s: usize, sn: u32, p: usize, pn: u32): bool {
  return pn <= sn && memory.compare(s + sn - pn, p, pn) == 0;
}

// The string of a finished buffer; its bytes are fresh heap memory, so the string points at them.
export function stringFromBuf(b: usize): usize {
  return newString(bufData(b), bufLen(b));
}

// A string over bytes [from, to) of string value s (shares the bytes).
export function substr(s: usize, from: u32, to: u32): usize {
  return newString(strPtr(s) + from, to - from);
}

export function strEqualsLit(s: usize, lit: string): bool {
  const n = <u32>lit.length;
  if (strLen(s) != n) return false;
  const p = strPtr(s);
  const l = changetype<usize>(lit);
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>load<u16>(l + (i << 1))) return false;
  return true;
}
