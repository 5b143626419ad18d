// Object builtins: object.get (a key or a path array), object.keys, object.remove, object.filter,
// object.union (recursive merge, right wins), object.union_n (a left fold of union) and object.subset.

import { T_ARRAY, T_OBJECT, T_SET, T_NUMBER, N_INT, typeOf, arrLen, arrGet, numRepr, numI64, boolValue } from "./value";
import { tableNewSized, tableCount, entryKey, entryValue, entryHash, tableFind, tableAppend, objGet, setGet, tableCopy } from "./table";
import { valueEqual } from "./compare";
import { hashValue } from "./hash";
import { typeError, elementTypeError, errorStart, errorSet, typeName, E_TYPE } from "./error";
import { lit, byte } from "./buf";

export function oneOf(name: string, pos: i32, expected: string, got: usize): usize {
  const b = errorStart(name);
  lit(b, "operand ");
  byte(b, 48 + pos);
  lit(b, " must be one of {");
  lit(b, expected);
  lit(b, "} but got ");
  lit(b, typeName(got));
  return errorSet(b, E_TYPE);
}

// One step of a path: objects by key, arrays by integer index, sets by membership.
export function step(v: usize, k: usize): usize {
  const t = typeOf(v);
  if (t == T_OBJECT) return objGet(v, k);
  if (t == T_SET) return setGet(v, k);
  if (t == T_ARRAY) {
    if (typeOf(k) != T_NUMBER || numRepr(k) != N_INT) return 0;
    const i = numI64(k);
    if (i < 0 || i >= <i64>arrLen(v)) return 0;
    return arrGet(v, <u32>i);
  }
  return 0;
}

export function b_object_get(o: usize, key: usize, dflt: usize): usize {
  if (typeOf(o) != T_OBJECT) return typeError("object.get", 1, "object", o);
  if (typeOf(key) != T_ARRAY) {
    const r = objGet(o, key);
    return r != 0 ? r : dflt;
  }
  let cur = o;
  const n = arrLen(key);
  for (let i: u32 = 0; i < n; i++) {
    cur = step(cur, arrGet(key, i));
    if (cur == 0) return dflt;
  }
  return cur;
}

export function b_object_keys(o: usize): usize {
  if (typeOf(o) != T_OBJECT) return typeError("object.keys", 1, "object", o);
  const n = tableCount(o);
  const s = tableNewSized(T_SET, n);
  for (let i: u32 = 0; i < n; i++) tableAppend(s, entryKey(o, i), entryKey(o, i), entryHash(o, i));
  return s;
}

// The keys named by an array, set or object operand, as a set (0 after a type error).
function keySet(name: string, v: usize): usize {
  const t = typeOf(v);
  if (t == T_SET) return v;
  if (t == T_OBJECT) return b_object_keys(v);
  if (t == T_ARRAY) {
    const n = arrLen(v);
    const s = tableNewSized(T_SET, n);
    for (let i: u32 = 0; i < n; i++) {
      const x = arrGet(v, i);
      const h = hashValue(x);
      if (tableFind(s, x, h) < 0) tableAppend(s, x, x, h);
    }
    return s;
  }
  return oneOf(name, 2, "object, set, array", v);
}

function keep(name: string, o: usize, keys: usize, wanted: bool): usize {
  if (typeOf(o) != T_OBJECT) return typeError(name, 1, "object", o);
  const ks = keySet(name, keys);
  if (ks == 0) return 0;
  const n = tableCount(o);
  const r = tableNewSized(T_OBJECT, wanted ? (tableCount(ks) < n ? tableCount(ks) : n) : n);
  for (let i: u32 = 0; i < n; i++) {
    const h = entryHash(o, i);
    if ((tableFind(ks, entryKey(o, i), h) >= 0) == wanted) tableAppend(r, entryKey(o, i), entryValue(o, i), h);
  }
  return r;
}

export function b_object_remove(o: usize, keys: usize): usize {
  return keep("object.remove", o, keys, false);
}

export function b_object_filter(o: usize, keys: usize): usize {
  return keep("object.filter", o, keys, true);
}

// a with b merged in: nested objects merge recursively, anything else from b replaces.
export function mergeObjects(a: usize, b: usize): usize {
  const r = tableCopy(a, tableCount(b));
  const n = tableCount(b);
  for (let i: u32 = 0; i < n; i++) {
    const k = entryKey(b, i);
    const h = entryHash(b, i);
    const v = entryValue(b, i);
    const at = tableFind(r, k, h);
    if (at < 0) {
      tableAppend(r, k, v, h);
      continue;
    }
    const old = entryValue(r, <u32>at);
    const nv = typeOf(old) == T_OBJECT && typeOf(v) == T_OBJECT ? mergeObjects(old, v) : v;
    store<u32>(load<u32>(r, 12) + <u32>at * 12, nv, 4);
  }
  return r;
}

export function b_object_union(a: usize, b: usize): usize {
  if (typeOf(a) != T_OBJECT) return typeError("object.union", 1, "object", a);
  if (typeOf(b) != T_OBJECT) return typeError("object.union", 2, "object", b);
  return mergeObjects(a, b);
}

export function b_object_union_n(arr: usize): usize {
  if (typeOf(arr) != T_ARRAY) return typeError("object.union_n", 1, "array", arr);
  const n = arrLen(arr);
  for (let i: u32 = 0; i < n; i++) {
    const x = arrGet(arr, i);
    if (typeOf(x) != T_OBJECT) return elementTypeError("object.union_n", 1, arr, "object", x);
  }
  let r = tableNewSized(T_OBJECT, 0);
  for (let i: u32 = 0; i < n; i++) r = mergeObjects(r, arrGet(arr, i));
  return r;
}

// object.subset: every key of sub is in sup with a value that is, recursively, a subset (objects), an
// equal value, or (sets) a subset; an array sub is a contiguous run of the array sup.
function isSubset(sup: usize, sub: usize): bool {
  const ts = typeOf(sup);
  const tb = typeOf(sub);
  if (ts == T_OBJECT && tb == T_OBJECT) {
    const n = tableCount(sub);
    for (let i: u32 = 0; i < n; i++) {
      const at = tableFind(sup, entryKey(sub, i), entryHash(sub, i));
      if (at < 0) return false;
      if (!isSubset(entryValue(sup, <u32>at), entryValue(sub, i))) return false;
    }
    return true;
  }
  if (ts == T_SET && tb == T_SET) {
    const n = tableCount(sub);
    for (let i: u32 = 0; i < n; i++) if (tableFind(sup, entryKey(sub, i), entryHash(sub, i)) < 0) return false;
    return true;
  }
  if (ts == T_ARRAY && tb == T_ARRAY) {
    const ns = arrLen(sup);
    const nb = arrLen(sub);
    if (nb == 0) return true;
    for (let s: u32 = 0; s + nb <= ns; s++) {
      let all = true;
      for (let j: u32 = 0; j < nb && all; j++) all = valueEqual(arrGet(sup, s + j), arrGet(sub, j));
      if (all) return true;
    }
    return false;
  }
  if (ts == T_ARRAY && tb == T_SET) {
    // Every element of the set appears somewhere in the array.
    const n = tableCount(sub);
    const ns = arrLen(sup);
    for (let i: u32 = 0; i < n; i++) {
      let found = false;
      for (let j: u32 = 0; j < ns && !found; j++) found = valueEqual(arrGet(sup, j), entryKey(sub, i));
      if (!found) return false;
    }
    return true;
  }
  return valueEqual(sup, sub);
}

export function b_object_subset(sup: usize, sub: usize): usize {
  const ts = typeOf(sup);
  const tb = typeOf(sub);
  if (ts != T_OBJECT && ts != T_SET && ts != T_ARRAY) return oneOf("object.subset", 1, "object, set, array", sup);
  if (tb != T_OBJECT && tb != T_SET && tb != T_ARRAY) return oneOf("object.subset", 2, "object, set, array", sub);
  if (ts != tb && !(ts == T_ARRAY && tb == T_SET)) {
    const b = errorStart("object.subset");
    lit(b, "both arguments must be of the same type or the first an array and the second a set");
    return errorSet(b, E_TYPE);
  }
  return boolValue(isSubset(sup, sub));
}
