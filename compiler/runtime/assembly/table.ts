// Objects and sets: insertion-ordered hash tables. Header {u8 type, u32 count, u32 cap, u32 entries,
// u32 index, u32 mask}; entries are {key, value, hash} triples in insertion order (a set stores its element as
// both key and value), so iteration is by position. Small tables are scanned linearly by hash; past
// LINEAR_MAX entries an open-addressing index of entry numbers (+1) is built and kept at most half full.

import { alloc, realloc } from "./alloc";
import { T_OBJECT, T_SET } from "./value";
import { hashValue } from "./hash";
import { valueEqual } from "./compare";

const LINEAR_MAX: u32 = 8;
const ENTRY: u32 = 12;

@inline export function tableCount(t: usize): u32 { return load<u32>(t, 4); }
@inline export function tableEntries(t: usize): usize { return load<u32>(t, 12); }
@inline export function entryKey(t: usize, i: u32): usize { return load<u32>(load<u32>(t, 12) + i * ENTRY); }
@inline export function entryValue(t: usize, i: u32): usize { return load<u32>(load<u32>(t, 12) + i * ENTRY, 4); }
@inline export function entryHash(t: usize, i: u32): u32 { return load<u32>(load<u32>(t, 12) + i * ENTRY, 8); }

export function tableNew(type: u32, cap: u32): usize {
  const t = alloc(24);
  store<u32>(t, type);
  store<u32>(t, 0, 4);
  store<u32>(t, cap, 8);
  store<u32>(t, cap > 0 ? alloc(cap * ENTRY) : 0, 12);
  store<u32>(t, 0, 16);
  store<u32>(t, 0, 20);
  return t;
}

// A table with room for n entries, its index (if n needs one) built up front so filling it never rehashes.
export function tableNewSized(type: u32, n: u32): usize {
  const t = tableNew(type, n);
  if (n > LINEAR_MAX) {
    let size: u32 = 32;
    while (size < n * 2) size <<= 1;
    indexBuild(t, size);
  }
  return t;
}

@inline export function newObject(cap: u32): usize { return tableNew(T_OBJECT, cap); }
@inline export function newSet(cap: u32): usize { return tableNew(T_SET, cap); }

function indexPut(index: usize, mask: u32, h: u32, n: u32): void {
  let slot = h & mask;
  while (load<u32>(index + (<usize>slot << 2)) != 0) slot = (slot + 1) & mask;
  store<u32>(index + (<usize>slot << 2), n);
}

function indexBuild(t: usize, size: u32): void {
  const index = alloc(<usize>size << 2);
  memory.fill(index, 0, <usize>size << 2);
  const mask = size - 1;
  const count = load<u32>(t, 4);
  const entries = load<u32>(t, 12);
  for (let i: u32 = 0; i < count; i++) indexPut(index, mask, load<u32>(entries + i * ENTRY, 8), i + 1);
  store<u32>(t, index, 16);
  store<u32>(t, mask, 20);
}

// The position of key (whose hash is h) in t, or -1.
export function tableFind(t: usize, key: usize, h: u32): i32 {
  const entries = load<u32>(t, 12);
  const index = load<u32>(t, 16);
  if (index == 0) {
    const count = load<u32>(t, 4);
    for (let i: u32 = 0; i < count; i++) {
      const e = entries + i * ENTRY;
      if (load<u32>(e, 8) == h && valueEqual(load<u32>(e), key)) return <i32>i;
    }
    return -1;
  }
  const mask = load<u32>(t, 20);
  let slot = h & mask;
  while (true) {
    const n = load<u32>(index + (<usize>slot << 2));
    if (n == 0) return -1;
    const e = entries + (n - 1) * ENTRY;
    if (load<u32>(e, 8) == h && valueEqual(load<u32>(e), key)) return <i32>(n - 1);
    slot = (slot + 1) & mask;
  }
}

// Appends an entry whose key is known to be absent.
export function tableAppend(t: usize, key: usize, value: usize, h: u32): void {
  const count = load<u32>(t, 4);
  const cap = load<u32>(t, 8);
  if (count == cap) {
    const ncap = cap < 4 ? 4 : cap << 1;
    const entries = load<u32>(t, 12);
    store<u32>(t, entries == 0 ? alloc(ncap * ENTRY) : realloc(entries, cap * ENTRY, ncap * ENTRY), 12);
    store<u32>(t, ncap, 8);
  }
  const e = load<u32>(t, 12) + count * ENTRY;
  store<u32>(e, key);
  store<u32>(e, value, 4);
  store<u32>(e, h, 8);
  store<u32>(t, count + 1, 4);
  const index = load<u32>(t, 16);
  if (index != 0) {
    const size = load<u32>(t, 20) + 1;
    if ((count + 1) * 2 > size) indexBuild(t, size << 1);
    else indexPut(index, size - 1, h, count + 1);
  } else if (count + 1 > LINEAR_MAX) {
    let size: u32 = 32;
    while (size < (count + 1) * 2) size <<= 1;
    indexBuild(t, size);
  }
}

// Inserts or overwrites key in an object.
export function objInsert(o: usize, key: usize, value: usize): void {
  const h = hashValue(key);
  const i = tableFind(o, key, h);
  if (i >= 0) store<u32>(load<u32>(o, 12) + <u32>i * ENTRY, value, 4);
  else tableAppend(o, key, value, h);
}

// 0: inserted, or present with an equal value; 1: present with a different value.
export function objInsertUnique(o: usize, key: usize, value: usize): i32 {
  const h = hashValue(key);
  const i = tableFind(o, key, h);
  if (i < 0) {
    tableAppend(o, key, value, h);
    return 0;
  }
  return valueEqual(entryValue(o, <u32>i), value) ? 0 : 1;
}

export function objGet(o: usize, key: usize): usize {
  const i = tableFind(o, key, hashValue(key));
  return i < 0 ? 0 : entryValue(o, <u32>i);
}

export function setAdd(s: usize, v: usize): void {
  const h = hashValue(v);
  if (tableFind(s, v, h) < 0) tableAppend(s, v, v, h);
}

// The member equal to v, or 0.
export function setGet(s: usize, v: usize): usize {
  const i = tableFind(s, v, hashValue(v));
  return i < 0 ? 0 : entryKey(s, <u32>i);
}

// Removes key in place (only for values that nobody else holds yet, or data updates); keeps the order.
export function tableRemove(t: usize, key: usize): bool {
  const i = tableFind(t, key, hashValue(key));
  if (i < 0) return false;
  const count = load<u32>(t, 4);
  const e = load<u32>(t, 12) + <u32>i * ENTRY;
  memory.copy(e, e + ENTRY, (count - 1 - <u32>i) * ENTRY);
  store<u32>(t, count - 1, 4);
  if (load<u32>(t, 16) != 0) indexBuild(t, load<u32>(t, 20) + 1);
  return true;
}

// A copy with room for `extra` more entries; keys and values are shared.
export function tableCopy(t: usize, extra: u32): usize {
  const count = load<u32>(t, 4);
  const c = tableNew(load<u8>(t), count + extra);
  if (count > 0) memory.copy(load<u32>(c, 12), load<u32>(t, 12), count * ENTRY);
  store<u32>(c, count, 4);
  if (count > LINEAR_MAX) {
    let size: u32 = 32;
    while (size < (count + extra) * 2) size <<= 1;
    indexBuild(c, size);
  }
  return c;
}
