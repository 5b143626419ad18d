// Set algebra and its builtins: and (&), or (|), minus on sets, intersection and union of a set of sets,
// set_diff. Results are fresh sets in the order elements are met, sized up front.

import { T_SET, typeOf } from "./value";
import { tableNewSized, tableCount, tableFind, tableAppend, entryKey, entryHash, tableCopy } from "./table";
import { typeError } from "./error";

export function setDifference(a: usize, b: usize): usize {
  const n = tableCount(a);
  const r = tableNewSized(T_SET, n);
  for (let i: u32 = 0; i < n; i++) {
    const h = entryHash(a, i);
    const x = entryKey(a, i);
    if (tableFind(b, x, h) < 0) tableAppend(r, x, x, h);
  }
  return r;
}

export function setIntersection(a: usize, b: usize): usize {
  if (tableCount(a) > tableCount(b)) {
    const t = a;
    a = b;
    b = t;
  }
  const n = tableCount(a);
  const r = tableNewSized(T_SET, n);
  for (let i: u32 = 0; i < n; i++) {
    const h = entryHash(a, i);
    const x = entryKey(a, i);
    if (tableFind(b, x, h) >= 0) tableAppend(r, x, x, h);
  }
  return r;
}

// Adds the elements of b to r in place.
function addAll(r: usize, b: usize): void {
  const n = tableCount(b);
  for (let i: u32 = 0; i < n; i++) {
    const h = entryHash(b, i);
    const x = entryKey(b, i);
    if (tableFind(r, x, h) < 0) tableAppend(r, x, x, h);
  }
}

export function setUnion(a: usize, b: usize): usize {
  const r = tableCopy(a, tableCount(b));
  addAll(r, b);
  return r;
}

export function b_and(a: usize, b: usize): usize {
  if (typeOf(a) != T_SET) return typeError("and", 1, "set", a);
  if (typeOf(b) != T_SET) return typeError("and", 2, "set", b);
  return setIntersection(a, b);
}

export function b_or(a: usize, b: usize): usize {
  if (typeOf(a) != T_SET) return typeError("or", 1, "set", a);
  if (typeOf(b) != T_SET) return typeError("or", 2, "set", b);
  return setUnion(a, b);
}

export function b_set_diff(a: usize, b: usize): usize {
  if (typeOf(a) != T_SET) return typeError("set_diff", 1, "set", a);
  if (typeOf(b) != T_SET) return typeError("set_diff", 2, "set", b);
  return setDifference(a, b);
}

export function b_intersection(s: usize): usize {
  if (typeOf(s) != T_SET) return typeError("intersection", 1, "set", s);
  const n = tableCount(s);
  if (n == 0) return tableNewSized(T_SET, 0);
  for (let i: u32 = 0; i < n; i++) {
    const x = entryKey(s, i);
    if (typeOf(x) != T_SET) return typeError("intersection", 1, "set", x);
  }
  let r = entryKey(s, 0);
  for (let i: u32 = 1; i < n; i++) r = setIntersection(r, entryKey(s, i));
  return r;
}

export function b_union(s: usize): usize {
  if (typeOf(s) != T_SET) return typeError("union", 1, "set", s);
  const n = tableCount(s);
  let total: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const x = entryKey(s, i);
    if (typeOf(x) != T_SET) return typeError("union", 1, "set", x);
    total += tableCount(x);
  }
  const r = tableNewSized(T_SET, total);
  for (let i: u32 = 0; i < n; i++) addAll(r, entryKey(s, i));
  return r;
}
