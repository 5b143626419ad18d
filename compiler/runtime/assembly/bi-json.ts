// JSON builtins: json.marshal (Go's encoding: sorted keys, HTML-safe escapes), json.marshal_with_options,
// json.unmarshal, json.is_valid, and the path-based json.filter and json.remove ("a/b/c" strings with ~0/~1
// escapes, or arrays of segments), implemented as OPA does via a tree of paths with null leaves.

import { alloc } from "./alloc";
import {
  T_NULL, T_STRING, T_ARRAY, T_OBJECT, T_SET, typeOf, strPtr, strLen, newString, arrLen, arrGet, newArray, arrPush,
  nullValue, boolValue, newStringLit, T_BOOLEAN, boolOf,
} from "./value";
import { tableNewSized, tableCount, entryKey, entryValue, entryHash, objGet, objInsert, tableFind, tableAppend, newObject, setAdd } from "./table";
import { parseValue } from "./json-parse";
import { writeJSON, writeBegin, writeQuoted } from "./json-dump";
import { bufNew, byte, bytes, lit, bufData, bufLen, decimalU64 } from "./buf";
import { typeError, builtinError, errorStart, errorSet, typeName, E_TYPE } from "./error";
import { stringFromBuf, strEqualsLit } from "./strings";
import { sortedKeys } from "./sort";

export function b_json_marshal(v: usize): usize {
  writeBegin();
  const b = bufNew(64);
  writeJSON(b, v, true);
  return stringFromBuf(b);
}

function writeIndented(b: usize, v: usize, prefix: usize, indent: usize, depth: u32): void {
  const t = typeOf(v);
  if (t < T_ARRAY) {
    writeJSON(b, v, true);
    return;
  }
  const n = t == T_ARRAY ? arrLen(v) : tableCount(v);
  byte(b, t == T_OBJECT ? 123 : 91);
  if (n == 0) {
    byte(b, t == T_OBJECT ? 125 : 93);
    return;
  }
  const keys = t == T_ARRAY ? 0 : sortedKeys(v);
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) byte(b, 44);
    byte(b, 10);
    bytes(b, strPtr(prefix), strLen(prefix));
    for (let d: u32 = 0; d <= depth; d++) bytes(b, strPtr(indent), strLen(indent));
    if (t == T_ARRAY) {
      writeIndented(b, arrGet(v, i), prefix, indent, depth + 1);
    } else {
      const k = load<u32>(keys + (<usize>i << 2));
      if (t == T_OBJECT) {
        if (typeOf(k) == T_STRING) writeQuoted(b, strPtr(k), strLen(k), true);
        else {
          const kb = bufNew(16);
          writeJSON(kb, k, true);
          writeQuoted(b, bufData(kb), bufLen(kb), true);
        }
        lit(b, ": ");
        writeIndented(b, objGet(v, k), prefix, indent, depth + 1);
      } else {
        writeIndented(b, k, prefix, indent, depth + 1);
      }
    }
  }
  byte(b, 10);
  bytes(b, strPtr(prefix), strLen(prefix));
  for (let d: u32 = 0; d < depth; d++) bytes(b, strPtr(indent), strLen(indent));
  byte(b, t == T_OBJECT ? 125 : 93);
}

export function b_json_marshal_with_options(v: usize, opts: usize): usize {
  if (typeOf(opts) != T_OBJECT) return typeError("json.marshal_with_options", 2, "object", opts);
  let pretty: i32 = -1;
  let styled = false;
  let prefix = newString(0, 0);
  let indent = newStringLit("\t");
  const n = tableCount(opts);
  for (let i: u32 = 0; i < n; i++) {
    const k = entryKey(opts, i);
    const x = entryValue(opts, i);
    if (typeOf(k) == T_STRING && strEqualsLit(k, "pretty")) {
      if (typeOf(x) != T_BOOLEAN) return typeError("json.marshal_with_options", 2, "boolean", x);
      pretty = boolOf(x) ? 1 : 0;
    } else if (typeOf(k) == T_STRING && strEqualsLit(k, "indent")) {
      if (typeOf(x) != T_STRING) return typeError("json.marshal_with_options", 2, "string", x);
      indent = x;
      styled = true;
    } else if (typeOf(k) == T_STRING && strEqualsLit(k, "prefix")) {
      if (typeOf(x) != T_STRING) return typeError("json.marshal_with_options", 2, "string", x);
      prefix = x;
      styled = true;
    } else {
      writeBegin();
      const b = errorStart("json.marshal_with_options");
      lit(b, "operand 2 object contained unknown key ");
      writeJSON(b, k, false);
      return errorSet(b, E_TYPE);
    }
  }
  // An explicit "pretty" decides; otherwise a prefix or an indent asks for pretty output.
  if (pretty == 0 || (pretty < 0 && !styled)) return b_json_marshal(v);
  writeBegin();
  const b = bufNew(64);
  bytes(b, strPtr(prefix), strLen(prefix));
  writeIndented(b, v, prefix, indent, 0);
  return stringFromBuf(b);
}

export function b_json_unmarshal(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("json.unmarshal", 1, "string", s);
  const v = parseValue(strPtr(s), strLen(s), false);
  if (v == 0) return builtinError("json.unmarshal", "invalid JSON");
  return v;
}

export function b_json_is_valid(s: usize): usize {
  if (typeOf(s) != T_STRING) return boolValue(false);
  return boolValue(parseValue(strPtr(s), strLen(s), false) != 0);
}

// Splits "/a/b~1c" into ["a", "b/c"].
function splitPointer(s: usize): usize {
  const r = newArray(4);
  let p = strPtr(s);
  let n = strLen(s);
  if (n == 0) return r;
  while (n > 0 && load<u8>(p) == 47) {
    p++;
    n--;
  }
  let start: u32 = 0;
  for (let i: u32 = 0; i <= n; i++) {
    if (i < n && load<u8>(p + i) != 47) continue;
    const seg = alloc(i - start);
    let m: u32 = 0;
    for (let j = start; j < i; j++) {
      const c = load<u8>(p + j);
      if (c == 126 && j + 1 < i && (load<u8>(p + j + 1) == 49 || load<u8>(p + j + 1) == 48)) {
        store<u8>(seg + m++, load<u8>(p + j + 1) == 49 ? 47 : 126);
        j++;
      } else {
        store<u8>(seg + m++, c);
      }
    }
    arrPush(r, newString(seg, m));
    start = i + 1;
  }
  return r;
}

// The path tree of an array or set of paths: nested objects whose leaves are null. 0 after an error.
function pathTree(name: string, paths: usize): usize {
  const t = typeOf(paths);
  if (t != T_ARRAY && t != T_SET) {
    const b = errorStart(name);
    lit(b, "operand 2 must be one of {set, array} but got ");
    lit(b, typeName(paths));
    return errorSet(b, E_TYPE);
  }
  const root = newObject(0);
  const n = t == T_ARRAY ? arrLen(paths) : tableCount(paths);
  for (let i: u32 = 0; i < n; i++) {
    const p = t == T_ARRAY ? arrGet(paths, i) : entryKey(paths, i);
    let segs: usize;
    if (typeOf(p) == T_STRING) segs = splitPointer(p);
    else if (typeOf(p) == T_ARRAY) segs = p;
    else {
      const b = errorStart(name);
      lit(b, "operand 2 must be one of {set, array} containing string paths or array of path segments but got ");
      lit(b, typeName(p));
      return errorSet(b, E_TYPE);
    }
    const m = arrLen(segs);
    if (m == 0) continue;
    let node = root;
    let done = false;
    for (let j: u32 = 0; j + 1 < m && !done; j++) {
      const k = arrGet(segs, j);
      const child = objGet(node, k);
      if (child == 0) {
        const o = newObject(0);
        objInsert(node, k, o);
        node = o;
      } else if (typeOf(child) == T_NULL) {
        done = true;
      } else {
        node = child;
      }
    }
    if (!done) objInsert(node, arrGet(segs, m - 1), nullValue());
  }
  return root;
}

// Keeps of v what the filter tree f selects (null selects everything below).
function filterValue(v: usize, f: usize): usize {
  if (typeOf(f) == T_NULL) return v;
  const t = typeOf(v);
  if (t == T_ARRAY) {
    const r = newArray(0);
    const n = arrLen(v);
    for (let i: u32 = 0; i < n; i++) {
      const sub = objGet(f, indexString(i));
      if (sub != 0) arrPush(r, filterValue(arrGet(v, i), sub));
    }
    return r;
  }
  if (t == T_SET) {
    const n = tableCount(v);
    const r = tableNewSized(T_SET, 0);
    for (let i: u32 = 0; i < n; i++) {
      const x = entryKey(v, i);
      const sub = objGet(f, x);
      if (sub != 0) {
        const y = filterValue(x, sub);
        const h = entryHash(v, i);
        if (tableFind(r, y, h) < 0) tableAppend(r, y, y, h);
      }
    }
    return r;
  }
  if (t == T_OBJECT) {
    const n = tableCount(v);
    const r = tableNewSized(T_OBJECT, 0);
    for (let i: u32 = 0; i < n; i++) {
      const at = tableFind(f, entryKey(v, i), entryHash(v, i));
      if (at >= 0) tableAppend(r, entryKey(v, i), filterValue(entryValue(v, i), entryValue(f, <u32>at)), entryHash(v, i));
    }
    return r;
  }
  return v;
}

// Array positions appear in path trees as strings ("0", "1", …), as OPA builds them.
function indexString(i: u32): usize {
  const b = bufNew(12);
  decimalU64(b, <u64>i);
  return newString(bufData(b), bufLen(b));
}

// v without what the tree f marks with null leaves; 0 when v itself is removed.
function removeValue(v: usize, f: usize): usize {
  if (f == 0) return v;
  if (typeOf(f) == T_NULL) return 0;
  if (typeOf(f) != T_OBJECT) return v;
  const t = typeOf(v);
  if (t == T_OBJECT) {
    const n = tableCount(v);
    const r = tableNewSized(T_OBJECT, 0);
    for (let i: u32 = 0; i < n; i++) {
      const x = removeValue(entryValue(v, i), objGet(f, entryKey(v, i)));
      if (x != 0) tableAppend(r, entryKey(v, i), x, entryHash(v, i));
    }
    return r;
  }
  if (t == T_SET) {
    const n = tableCount(v);
    const r = tableNewSized(T_SET, 0);
    for (let i: u32 = 0; i < n; i++) {
      const x = removeValue(entryKey(v, i), objGet(f, entryKey(v, i)));
      if (x != 0) setAdd(r, x);
    }
    return r;
  }
  if (t == T_ARRAY) {
    const n = arrLen(v);
    const r = newArray(0);
    for (let i: u32 = 0; i < n; i++) {
      const x = removeValue(arrGet(v, i), objGet(f, indexString(i)));
      if (x != 0) arrPush(r, x);
    }
    return r;
  }
  return v;
}

export function b_json_filter(o: usize, paths: usize): usize {
  if (typeOf(o) != T_OBJECT) return typeError("json.filter", 1, "object", o);
  const tree = pathTree("json.filter", paths);
  if (tree == 0) return 0;
  return filterValue(o, tree);
}

export function b_json_remove(o: usize, paths: usize): usize {
  if (typeOf(o) != T_OBJECT) return typeError("json.remove", 1, "object", o);
  const tree = pathTree("json.remove", paths);
  if (tree == 0) return 0;
  return removeValue(o, tree);
}
