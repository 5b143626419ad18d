// Sorting arrays of value addresses in Rego's order: a bottom-up merge sort (stable, n log n, no recursion)
// over a scratch buffer, with insertion sort for short runs and a linear pre-check for input already in
// order, the common case for keys that come from sorted JSON.

import { alloc } from "./alloc";
import { valueCompare } from "./compare";
import { tableCount, tableEntries } from "./table";

const RUN: u32 = 8;

@inline function at(p: usize, i: u32): usize { return load<u32>(p + (<usize>i << 2)); }
@inline function put(p: usize, i: u32, v: usize): void { store<u32>(p + (<usize>i << 2), v); }

@inline function cmp(x: usize, y: usize, indirect: bool): i32 {
  return indirect ? valueCompare(load<u32>(x), load<u32>(y)) : valueCompare(x, y);
}

export function sortValues(p: usize, n: u32): void {
  sortWith(p, n, 0, false);
}

// Sorts n addresses at p; with `indirect` each address points at the value to compare by (a table entry,
// whose key comes first). tmp is scratch room for n addresses, or 0 to take it from the heap.
export function sortWith(p: usize, n: u32, tmp: usize, indirect: bool): void {
  if (n < 2) return;
  let sorted = true;
  for (let i: u32 = 1; i < n; i++) {
    if (cmp(at(p, i - 1), at(p, i), indirect) > 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  for (let s: u32 = 0; s < n; s += RUN) {
    const e = s + RUN < n ? s + RUN : n;
    for (let i = s + 1; i < e; i++) {
      const x = at(p, i);
      let j = i;
      while (j > s && cmp(at(p, j - 1), x, indirect) > 0) {
        put(p, j, at(p, j - 1));
        j--;
      }
      put(p, j, x);
    }
  }
  if (n <= RUN) return;
  let src = p;
  let dst = tmp != 0 ? tmp : alloc(<usize>n << 2);
  for (let w = RUN; w < n; w <<= 1) {
    for (let lo: u32 = 0; lo < n; lo += w << 1) {
      const mid = lo + w < n ? lo + w : n;
      const hi = lo + (w << 1) < n ? lo + (w << 1) : n;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (cmp(at(src, j), at(src, i), indirect) < 0) put(dst, k++, at(src, j++));
        else put(dst, k++, at(src, i++));
      }
      while (i < mid) put(dst, k++, at(src, i++));
      while (j < hi) put(dst, k++, at(src, j++));
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != p) memory.copy(p, src, <usize>n << 2);
}

// The keys of an object (or elements of a set) in sorted order, in a fresh buffer of addresses.
export function sortedKeys(t: usize): usize {
  const n = tableCount(t);
  const p = alloc(<usize>n << 2);
  const entries = tableEntries(t);
  for (let i: u32 = 0; i < n; i++) put(p, i, load<u32>(entries + i * 12));
  sortValues(p, n);
  return p;
}
