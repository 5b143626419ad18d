// Rego's total order and equality over values: null < boolean < number < string < array < object < set;
// numbers by exact value, strings by UTF-8 bytes, arrays element-wise, objects by their sorted keys then
// values, sets by their sorted elements. Equality avoids sorting: it looks entries up by their cached hashes.

import { T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, typeOf, boolOf, strLen, strPtr, arrLen, arrGet } from "./value";
import { numCompare, numEqual } from "./numbers";
import { tableCount, tableFind, entryKey, entryValue, entryHash, objGet } from "./table";
import { sortedKeys } from "./sort";

@inline export function stringCompare(a: usize, b: usize): i32 {
  const la = strLen(a);
  const lb = strLen(b);
  const c = memory.compare(strPtr(a), strPtr(b), la < lb ? la : lb);
  if (c != 0) return c;
  return la == lb ? 0 : la < lb ? -1 : 1;
}

export function valueCompare(a: usize, b: usize): i32 {
  if (a == b) return 0;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  if (ta == T_STRING) return stringCompare(a, b);
  if (ta == T_NUMBER) return numCompare(a, b);
  if (ta == T_BOOLEAN) return <i32>boolOf(a) - <i32>boolOf(b);
  if (ta == T_NULL) return 0;
  if (ta == T_ARRAY) {
    const na = arrLen(a);
    const nb = arrLen(b);
    const n = na < nb ? na : nb;
    for (let i: u32 = 0; i < n; i++) {
      const c = valueCompare(arrGet(a, i), arrGet(b, i));
      if (c != 0) return c;
    }
    return na == nb ? 0 : na < nb ? -1 : 1;
  }
  const na = tableCount(a);
  const nb = tableCount(b);
  const ka = sortedKeys(a);
  const kb = sortedKeys(b);
  const n = na < nb ? na : nb;
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u32>(ka + (<usize>i << 2));
    const y = load<u32>(kb + (<usize>i << 2));
    const c = valueCompare(x, y);
    if (c != 0) return c;
    if (ta == T_OBJECT) {
      const cv = valueCompare(objGet(a, x), objGet(b, y));
      if (cv != 0) return cv;
    }
  }
  return na == nb ? 0 : na < nb ? -1 : 1;
}

export function valueEqual(a: usize, b: usize): bool {
  if (a == b) return true;
  const ta = typeOf(a);
  if (ta != typeOf(b)) return false;
  if (ta == T_STRING) {
    const n = strLen(a);
    if (n != strLen(b)) return false;
    const pa = strPtr(a);
    const pb = strPtr(b);
    return pa == pb || memory.compare(pa, pb, n) == 0;
  }
  if (ta == T_NUMBER) return numEqual(a, b);
  if (ta == T_BOOLEAN) return boolOf(a) == boolOf(b);
  if (ta == T_NULL) return true;
  if (ta == T_ARRAY) {
    const n = arrLen(a);
    if (n != arrLen(b)) return false;
    for (let i: u32 = 0; i < n; i++) if (!valueEqual(arrGet(a, i), arrGet(b, i))) return false;
    return true;
  }
  const n = tableCount(a);
  if (n != tableCount(b)) return false;
  for (let i: u32 = 0; i < n; i++) {
    const j = tableFind(b, entryKey(a, i), entryHash(a, i));
    if (j < 0) return false;
    if (ta == T_OBJECT && !valueEqual(entryValue(a, i), entryValue(b, <u32>j))) return false;
  }
  return true;
}
