// Growable byte buffers on the heap, the one way the runtime builds text (dumps, messages, string builtins).
// A buffer is a 12-byte header {data, len, cap}; growth extends the data in place when it is the heap's last
// block, so a buffer being filled with nothing else allocating costs no copies. `lit` appends ASCII source
// literals, which AssemblyScript stores as UTF-16 static data, without allocating a managed string.

import { alloc, extendInPlace } from "./alloc";

@inline export function bufData(b: usize): usize { return load<u32>(b); }
@inline export function bufLen(b: usize): u32 { return load<u32>(b, 4); }
@inline export function bufSetLen(b: usize, n: u32): void { store<u32>(b, n, 4); }

export function bufNew(cap: u32): usize {
  const b = alloc(12);
  if (cap < 16) cap = 16;
  store<u32>(b, alloc(cap));
  store<u32>(b, 0, 4);
  store<u32>(b, cap, 8);
  return b;
}

function bufGrow(b: usize, need: u32): void {
  const data = load<u32>(b);
  const len = load<u32>(b, 4);
  const cap = load<u32>(b, 8);
  let ncap = cap << 1;
  if (ncap < len + need) ncap = len + need + 16;
  if (extendInPlace(data, cap, ncap)) {
    store<u32>(b, ncap, 8);
    return;
  }
  const nd = alloc(ncap);
  memory.copy(nd, data, len);
  store<u32>(b, nd);
  store<u32>(b, ncap, 8);
}

// Makes room for n more bytes and returns the address where they go; the caller then calls bufAdvance.
@inline export function bufReserve(b: usize, n: u32): usize {
  if (load<u32>(b, 4) + n > load<u32>(b, 8)) bufGrow(b, n);
  return load<u32>(b) + load<u32>(b, 4);
}

@inline export function bufAdvance(b: usize, n: u32): void {
  store<u32>(b, load<u32>(b, 4) + n, 4);
}

@inline export function byte(b: usize, c: u32): void {
  const len = load<u32>(b, 4);
  if (len + 1 > load<u32>(b, 8)) bufGrow(b, 1);
  store<u8>(load<u32>(b) + len, <u8>c);
  store<u32>(b, len + 1, 4);
}

export function bytes(b: usize, src: usize, n: u32): void {
  const dst = bufReserve(b, n);
  memory.copy(dst, src, n);
  bufAdvance(b, n);
}

// Appends an ASCII string literal.
export function lit(b: usize, s: string): void {
  const p = changetype<usize>(s);
  const n = <u32>s.length;
  const dst = bufReserve(b, n);
  for (let i: u32 = 0; i < n; i++) store<u8>(dst + i, <u8>load<u16>(p + (i << 1)));
  bufAdvance(b, n);
}

export function decimalU64(b: usize, x: u64): void {
  const dst = bufReserve(b, 20);
  let n: u32 = 0;
  do {
    store<u8>(dst + n, <u8>(48 + <u32>(x % 10)));
    x /= 10;
    n++;
  } while (x != 0);
  for (let i: u32 = 0, j = n - 1; i < j; i++, j--) {
    const t = load<u8>(dst + i);
    store<u8>(dst + i, load<u8>(dst + j));
    store<u8>(dst + j, t);
  }
  bufAdvance(b, n);
}

export function decimalI64(b: usize, x: i64): void {
  if (x < 0) {
    byte(b, 45);
    decimalU64(b, <u64>(-x));
  } else {
    decimalU64(b, <u64>x);
  }
}

// Appends a NUL and returns the address of the text: the C-string form the host reads.
export function bufCString(b: usize): usize {
  byte(b, 0);
  return load<u32>(b);
}
