// The module's exported interface: the OPA Wasm ABI functions the SDK calls (allocator, JSON in and out, data
// updates) and the rt_* helpers the generated policy code calls (construction, lookup, iteration, comparison,
// upsert, host calls, print, errors). Each is a thin wrapper; the work is in the files it imports.

import { heapInit, heapTop, heapReset, alloc } from "./alloc";
import { hostAbort, hostPrintln, hostBuiltin0, hostBuiltin1, hostBuiltin2, hostBuiltin3, hostBuiltin4 } from "./env";
import {
  T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET, N_INT, typeOf, valuesInit, nullValue, boolValue, newInt, newString,
  newArray, arrPush, arrLen, arrGet, numRepr, numI64, strPtr, strLen, falseValue, arrElems,
} from "./value";
import { numberFromF64, numberFromText } from "./numbers";
import { newObject, newSet, objInsert, objInsertUnique, objGet, setAdd, setGet, tableCount, entryKey, entryValue, tableCopy, tableRemove } from "./table";
import { valueCompare, valueEqual } from "./compare";
import { parseValue } from "./json-parse";
import { dumpJSON, dumpRego, writeRego, writeBegin } from "./json-dump";
import { errorClear, errorMessage, errorCode } from "./error";
import { bufNew, byte, bytes, lit, bufCString, bufData, bufLen } from "./buf";

export function rt_init(heapBase: usize): void {
  heapInit(heapBase);
  valuesInit();
  errorClear();
  writeBegin();
}

// The end of the runtime's own static data: where a module without policy data would start its heap.
export function rt_heap_base(): usize {
  return __heap_base;
}

export function opa_malloc(size: usize): usize {
  return alloc(size);
}

export function opa_free(addr: usize): void {}

export function opa_heap_ptr_get(): usize {
  return heapTop();
}

export function opa_heap_ptr_set(addr: usize): void {
  heapReset(addr);
}

export function opa_json_parse(str: usize, len: u32): usize {
  return parseValue(str, len, false);
}

export function opa_value_parse(str: usize, len: u32): usize {
  return parseValue(str, len, true);
}

export function opa_json_dump(v: usize): usize {
  return dumpJSON(v == 0 ? nullValue() : v);
}

export function opa_value_dump(v: usize): usize {
  return dumpRego(v == 0 ? nullValue() : v);
}

const ERR_OK: i32 = 0;
const ERR_INVALID_TYPE: i32 = 2;
const ERR_INVALID_PATH: i32 = 3;

// A path for the data updates: a non-empty array whose elements but the last are strings.
function pathLength(path: usize): i32 {
  if (path == 0 || typeOf(path) != T_ARRAY) return -1;
  const n = arrLen(path);
  if (n == 0) return -1;
  for (let i: u32 = 0; i + 1 < n; i++) if (typeOf(arrGet(path, i)) != T_STRING) return -1;
  return <i32>n;
}

export function opa_value_add_path(base: usize, path: usize, v: usize): i32 {
  const n = pathLength(path);
  if (n < 1) return ERR_INVALID_PATH;
  let curr = base;
  for (let i: u32 = 0; i + 1 < <u32>n; i++) {
    const k = arrGet(path, i);
    let next = opa_value_get(curr, k);
    if (next == 0) {
      if (typeOf(curr) != T_OBJECT) return ERR_INVALID_TYPE;
      next = newObject(0);
      objInsert(curr, k, next);
    }
    curr = next;
  }
  if (typeOf(curr) != T_OBJECT) return ERR_INVALID_TYPE;
  objInsert(curr, arrGet(path, <u32>n - 1), v);
  return ERR_OK;
}

export function opa_value_remove_path(base: usize, path: usize): i32 {
  const n = pathLength(path);
  if (n < 1) return ERR_INVALID_PATH;
  let curr = base;
  for (let i: u32 = 0; i + 1 < <u32>n; i++) {
    const next = opa_value_get(curr, arrGet(path, i));
    if (next == 0) return ERR_OK;
    curr = next;
  }
  if (typeOf(curr) == T_OBJECT) tableRemove(curr, arrGet(path, <u32>n - 1));
  return ERR_OK;
}

export function opa_null(): usize {
  return nullValue();
}

export function opa_boolean(b: i32): usize {
  return boolValue(b != 0);
}

export function opa_number_int(x: i64): usize {
  return newInt(x);
}

export function opa_number_float(f: f64): usize {
  return numberFromF64(f);
}

export function opa_number_ref(ptr: usize, len: u32): usize {
  return numberFromText(ptr, len);
}

export function opa_string(ptr: usize, len: u32): usize {
  return newString(ptr, len);
}

export function opa_array_with_cap(n: u32): usize {
  return newArray(n);
}

export function opa_array_append(arr: usize, v: usize): void {
  arrPush(arr, v);
}

export function opa_object(): usize {
  return newObject(0);
}

export function opa_object_insert(obj: usize, k: usize, v: usize): void {
  objInsert(obj, k, v);
}

export function rt_object_insert_unique(obj: usize, k: usize, v: usize): i32 {
  return objInsertUnique(obj, k, v);
}

export function opa_set(): usize {
  return newSet(0);
}

export function opa_set_add(set: usize, v: usize): void {
  setAdd(set, v);
}

export function opa_value_type(v: usize): i32 {
  return <i32>typeOf(v);
}

export function opa_value_length(v: usize): i32 {
  const t = typeOf(v);
  if (t == T_ARRAY) return <i32>arrLen(v);
  if (t == T_OBJECT || t == T_SET) return <i32>tableCount(v);
  return 0;
}

export function opa_value_get(v: usize, key: usize): usize {
  const t = typeOf(v);
  if (t == T_OBJECT) return objGet(v, key);
  if (t == T_ARRAY) {
    if (typeOf(key) != T_NUMBER || numRepr(key) != N_INT) return 0;
    const i = numI64(key);
    if (i < 0 || i >= <i64>arrLen(v)) return 0;
    return arrGet(v, <u32>i);
  }
  if (t == T_SET) return setGet(v, key);
  return 0;
}

export function rt_array_get(arr: usize, i: u32): usize {
  return arrGet(arr, i);
}

export function rt_iter_count(v: usize): u32 {
  const t = typeOf(v);
  if (t == T_ARRAY) return arrLen(v);
  if (t == T_OBJECT || t == T_SET) return tableCount(v);
  return 0;
}

export function rt_iter_key(v: usize, pos: u32): usize {
  if (typeOf(v) == T_ARRAY) return newInt(<i64>pos);
  return entryKey(v, pos);
}

export function rt_iter_value(v: usize, pos: u32): usize {
  if (typeOf(v) == T_ARRAY) return arrGet(v, pos);
  return entryValue(v, pos);
}

export function opa_value_compare(a: usize, b: usize): i32 {
  return valueCompare(a, b);
}

export function opa_value_equal(a: usize, b: usize): i32 {
  return valueEqual(a, b) ? 1 : 0;
}

export function rt_is_false(v: usize): i32 {
  return v == falseValue() ? 1 : 0;
}

export function rt_value_shallow_copy(v: usize): usize {
  const t = typeOf(v);
  if (t == T_ARRAY) {
    const n = arrLen(v);
    const c = newArray(n + 4);
    if (n > 0) memory.copy(arrElems(c), arrElems(v), <usize>n << 2);
    store<u32>(c, n, 4);
    return c;
  }
  if (t == T_OBJECT || t == T_SET) return tableCopy(v, 4);
  return v;
}

function upsert(base: usize, path: usize, i: u32, v: usize): usize {
  if (i == arrLen(path)) return v;
  const k = arrGet(path, i);
  let obj: usize;
  let child: usize = 0;
  if (base != 0 && typeOf(base) == T_OBJECT) {
    obj = tableCopy(base, 1);
    child = objGet(base, k);
  } else {
    obj = newObject(1);
  }
  objInsert(obj, k, upsert(child, path, i + 1, v));
  return obj;
}

export function rt_value_upsert(base: usize, path: usize, v: usize): usize {
  return upsert(base, path, 0, v);
}

export function rt_abort(msg: usize): void {
  hostAbort(msg);
  unreachable();
}

export function rt_host0(id: i32): usize {
  return hostBuiltin0(id, 0);
}

export function rt_host1(id: i32, a: usize): usize {
  return hostBuiltin1(id, 0, a);
}

export function rt_host2(id: i32, a: usize, b: usize): usize {
  return hostBuiltin2(id, 0, a, b);
}

export function rt_host3(id: i32, a: usize, b: usize, c: usize): usize {
  return hostBuiltin3(id, 0, a, b, c);
}

export function rt_host4(id: i32, a: usize, b: usize, c: usize, d: usize): usize {
  return hostBuiltin4(id, 0, a, b, c, d);
}

// Strings as they are, other values in Rego syntax, undefined (0) as <undefined>.
function writePlain(b: usize, v: usize): void {
  if (v == 0) lit(b, "<undefined>");
  else if (typeOf(v) == T_STRING) bytes(b, strPtr(v), strLen(v));
  else writeRego(b, v);
}

export function rt_print(args: usize): void {
  writeBegin();
  const b = bufNew(64);
  const n = arrLen(args);
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) byte(b, 32);
    writePlain(b, arrGet(args, i));
  }
  hostPrintln(bufCString(b));
}

export function rt_template_string(parts: usize): usize {
  writeBegin();
  const b = bufNew(64);
  const n = arrLen(parts);
  for (let i: u32 = 0; i < n; i++) writePlain(b, arrGet(parts, i));
  return newString(bufData(b), bufLen(b));
}

// Strict builtin errors: aborts with "<location>eval_type_error: <builtin>: <message>" (or eval_builtin_error),
// as OPA words them; `location` is a NUL-terminated "<file>:<row>: " prefix the code generator lays out.
export function rt_abort_builtin_error(location: usize): void {
  const b = bufNew(128);
  bytes(b, location, <u32>cStringLength(location));
  lit(b, errorCode() == 1 ? "eval_type_error: " : "eval_builtin_error: ");
  const msg = errorMessage();
  bytes(b, msg, <u32>cStringLength(msg));
  hostAbort(bufCString(b));
  unreachable();
}

function cStringLength(p: usize): usize {
  let n: usize = 0;
  while (load<u8>(p + n) != 0) n++;
  return n;
}

export function rt_error_get(): usize {
  return errorMessage();
}

export function rt_error_code(): i32 {
  return errorCode();
}

export function rt_error_clear(): void {
  errorClear();
}
