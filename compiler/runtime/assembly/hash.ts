// Hashing of values for the object and set tables. Equal values hash alike: numbers by value (numbers.ts),
// strings by their bytes (cached in the string), arrays in order, objects and sets independently of insertion
// order (a commutative sum of per-entry hashes).

import { T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, typeOf, boolOf, strLen, strPtr, arrLen, arrGet } from "./value";
import { numHash } from "./numbers";

@inline function fmix(h: u32): u32 {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

// A Murmur3-style hash over 4-byte words.
export function hashBytes(p: usize, n: u32): u32 {
  let h: u32 = 0x9747b28c ^ n;
  const end = p + (n & ~3);
  let q = p;
  while (q < end) {
    let k = load<u32>(q) * 0xcc9e2d51;
    k = rotl<u32>(k, 15) * 0x1b873593;
    h ^= k;
    h = rotl<u32>(h, 13) * 5 + 0xe6546b64;
    q += 4;
  }
  const rest = n & 3;
  if (rest != 0) {
    let k: u32 = load<u8>(q);
    if (rest > 1) k |= (<u32>load<u8>(q, 1)) << 8;
    if (rest > 2) k |= (<u32>load<u8>(q, 2)) << 16;
    k *= 0xcc9e2d51;
    k = rotl<u32>(k, 15) * 0x1b873593;
    h ^= k;
  }
  return fmix(h);
}

export function stringHash(v: usize): u32 {
  let h = load<u32>(v, 12);
  if (h != 0) return h;
  h = hashBytes(strPtr(v), strLen(v));
  if (h == 0) h = 1;
  store<u32>(v, h, 12);
  return h;
}

export function hashValue(v: usize): u32 {
  const t = typeOf(v);
  if (t == T_STRING) return stringHash(v);
  if (t == T_NUMBER) return numHash(v);
  if (t == T_NULL) return 0x3c6ef372;
  if (t == T_BOOLEAN) return boolOf(v) ? 0x7f4a7c15 : 0x1b873593;
  if (t == T_ARRAY) {
    const n = arrLen(v);
    let h: u32 = 0x2545f491 ^ n;
    for (let i: u32 = 0; i < n; i++) h = (rotl<u32>(h, 5) ^ hashValue(arrGet(v, i))) * 0x9e3779b1;
    return fmix(h);
  }
  // Objects and sets: entries are {key, value, hash} triples (table.ts).
  const count = load<u32>(v, 4);
  const entries = load<u32>(v, 12);
  let h: u32 = t == 6 ? 0x6a09e667 : 0xbb67ae85;
  for (let i: u32 = 0; i < count; i++) {
    const e = entries + i * 12;
    const kh = load<u32>(e, 8);
    h += t == 6 ? fmix(kh * 0x9e3779b1 + hashValue(load<u32>(e, 4))) : fmix(kh);
  }
  return fmix(h ^ count);
}
