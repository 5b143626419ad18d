// UTF-8 encoding and decoding with Go's rules, which OPA's string builtins inherit: an invalid byte decodes
// as U+FFFD and advances one byte; encoding never emits surrogates. String builtins work on the bytes and use
// these helpers only where runes matter (counts, indexes, reversal, case, regex).

let runeWidth: u32 = 0;

// The width in bytes of the rune decoded by the last utf8Decode.
@inline export function utf8Width(): u32 { return runeWidth; }

// Decodes the rune at p (p < end).
export function utf8Decode(p: usize, end: usize): u32 {
  const c0 = <u32>load<u8>(p);
  if (c0 < 0x80) {
    runeWidth = 1;
    return c0;
  }
  runeWidth = 1;
  const avail = <u32>(end - p);
  if (c0 < 0xc2) return 0xfffd;
  if (c0 < 0xe0) {
    if (avail < 2) return 0xfffd;
    const c1 = <u32>load<u8>(p, 1);
    if ((c1 & 0xc0) != 0x80) return 0xfffd;
    runeWidth = 2;
    return ((c0 & 0x1f) << 6) | (c1 & 0x3f);
  }
  if (c0 < 0xf0) {
    if (avail < 3) return 0xfffd;
    const c1 = <u32>load<u8>(p, 1);
    const c2 = <u32>load<u8>(p, 2);
    if ((c1 & 0xc0) != 0x80 || (c2 & 0xc0) != 0x80) return 0xfffd;
    if (c0 == 0xe0 && c1 < 0xa0) return 0xfffd;
    if (c0 == 0xed && c1 >= 0xa0) return 0xfffd;
    runeWidth = 3;
    return ((c0 & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
  }
  if (c0 < 0xf5) {
    if (avail < 4) return 0xfffd;
    const c1 = <u32>load<u8>(p, 1);
    const c2 = <u32>load<u8>(p, 2);
    const c3 = <u32>load<u8>(p, 3);
    if ((c1 & 0xc0) != 0x80 || (c2 & 0xc0) != 0x80 || (c3 & 0xc0) != 0x80) return 0xfffd;
    if (c0 == 0xf0 && c1 < 0x90) return 0xfffd;
    if (c0 == 0xf4 && c1 >= 0x90) return 0xfffd;
    runeWidth = 4;
    return ((c0 & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
  }
  return 0xfffd;
}

// Encodes cp at dst; returns the byte count (1..4).
export function utf8Encode(dst: usize, cp: u32): u32 {
  if (cp < 0x80) {
    store<u8>(dst, <u8>cp);
    return 1;
  }
  if (cp < 0x800) {
    store<u8>(dst, <u8>(0xc0 | (cp >> 6)));
    store<u8>(dst, <u8>(0x80 | (cp & 0x3f)), 1);
    return 2;
  }
  if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
  if (cp > 0x10ffff) cp = 0xfffd;
  if (cp < 0x10000) {
    store<u8>(dst, <u8>(0xe0 | (cp >> 12)));
    store<u8>(dst, <u8>(0x80 | ((cp >> 6) & 0x3f)), 1);
    store<u8>(dst, <u8>(0x80 | (cp & 0x3f)), 2);
    return 3;
  }
  store<u8>(dst, <u8>(0xf0 | (cp >> 18)));
  store<u8>(dst, <u8>(0x80 | ((cp >> 12) & 0x3f)), 1);
  store<u8>(dst, <u8>(0x80 | ((cp >> 6) & 0x3f)), 2);
  store<u8>(dst, <u8>(0x80 | (cp & 0x3f)), 3);
  return 4;
}

// The number of runes in p[0..n), counting each invalid byte as one.
export function runeCount(p: usize, n: u32): u32 {
  const end = p + n;
  let count: u32 = 0;
  let q = p;
  while (q < end) {
    if (load<u8>(q) < 0x80) q++;
    else {
      utf8Decode(q, end);
      q += runeWidth;
    }
    count++;
  }
  return count;
}

// The byte offset of rune number r (or n when r is past the end).
export function runeOffset(p: usize, n: u32, r: u32): u32 {
  const end = p + n;
  let q = p;
  let i: u32 = 0;
  while (q < end && i < r) {
    if (load<u8>(q) < 0x80) q++;
    else {
      utf8Decode(q, end);
      q += runeWidth;
    }
    i++;
  }
  return <u32>(q - p);
}

