// Regex builtins on the RE2-syntax engine (regex-parse, regex-compile, regex-vm): regex.is_valid,
// regex.match (and re_match), regex.find_n, regex.find_all_string_submatch_n, regex.split, regex.replace.
// Compiled patterns are cached by text for the current heap epoch, so a rule matching in a loop compiles once.

import { alloc, heapEpoch } from "./alloc";
import { T_STRING, T_NUMBER, N_INT, typeOf, strPtr, strLen, newString, newArray, arrPush, boolValue, numRepr, numI64 } from "./value";
import { regexParse, regexGroups, regexNames, regexErrorCode, regexErrorFrom, regexErrorTo } from "./regex-parse";
import { regexCompile, programLength } from "./regex-compile";
import { vmNew, vmSearch, vmCaps, vmCapCount } from "./regex-vm";
import { utf8Decode, utf8Width } from "./utf8";
import { bufNew, byte, bytes, lit } from "./buf";
import { hashBytes } from "./hash";
import { typeError, errorStart, errorSet, E_BUILTIN } from "./error";
import { stringFromBuf, substr } from "./strings";

// Cache: 64 slots {epoch, hash, ptr, len, vm, groups, names}, direct-mapped by pattern hash.
const SLOTS: u32 = 64;
const SLOT: u32 = 28;
const CACHE = memory.data(64 * 28, 8);

let compiledGroups: u32 = 0;
let compiledNames: usize = 0;

// A machine for the pattern text, or 0 when it does not compile (the parse error is left for regexError).
export function compilePattern(p: usize, n: u32): usize {
  const h = hashBytes(p, n);
  const slot = CACHE + (h & (SLOTS - 1)) * SLOT;
  const ep = heapEpoch();
  if (load<u32>(slot) == ep && load<u32>(slot, 4) == h && load<u32>(slot, 12) == n && memory.compare(load<u32>(slot, 8), p, n) == 0) {
    compiledGroups = load<u32>(slot, 20);
    compiledNames = load<u32>(slot, 24);
    return load<u32>(slot, 16);
  }
  const tree = regexParse(p, n);
  if (tree == 0) return 0;
  const prog = regexCompile(tree);
  if (prog == 0) return 0;
  compiledGroups = regexGroups();
  compiledNames = regexNames();
  const vm = vmNew(prog, programLength(), compiledGroups);
  store<u32>(slot, ep);
  store<u32>(slot, h, 4);
  store<u32>(slot, p, 8);
  store<u32>(slot, n, 12);
  store<u32>(slot, vm, 16);
  store<u32>(slot, compiledGroups, 20);
  store<u32>(slot, compiledNames, 24);
  return vm;
}

// "<name>: error parsing regexp: <code>: `<text>`", as Go's regexp reports it.
function regexError(name: string, p: usize, n: u32): usize {
  const b = errorStart(name);
  const code = regexErrorCode();
  if (code.length == 0) {
    lit(b, "error parsing regexp: expression too large");
    return errorSet(b, E_BUILTIN);
  }
  lit(b, "error parsing regexp: ");
  lit(b, code);
  lit(b, ": `");
  const from = regexErrorFrom();
  const to = regexErrorTo();
  if (from >= p && to <= p + n && to >= from) bytes(b, from, <u32>(to - from));
  else bytes(b, p, n);
  byte(b, 96);
  return errorSet(b, E_BUILTIN);
}

function machine(name: string, pattern: usize): usize {
  const vm = compilePattern(strPtr(pattern), strLen(pattern));
  if (vm == 0) regexError(name, strPtr(pattern), strLen(pattern));
  return vm;
}

export function b_regex_is_valid(p: usize): usize {
  if (typeOf(p) != T_STRING) return boolValue(false);
  return boolValue(compilePattern(strPtr(p), strLen(p)) != 0);
}

function matchBuiltin(name: string, p: usize, s: usize): usize {
  if (typeOf(p) != T_STRING) return typeError(name, 1, "string", p);
  if (typeOf(s) != T_STRING) return typeError(name, 2, "string", s);
  const vm = machine(name, p);
  if (vm == 0) return 0;
  return boolValue(vmSearch(vm, strPtr(s), strLen(s), 0, true));
}

export function b_regex_match(p: usize, s: usize): usize {
  return matchBuiltin("regex.match", p, s);
}

export function b_re_match(p: usize, s: usize): usize {
  return matchBuiltin("re_match", p, s);
}

// Go's FindAll loop over up to `limit` matches (-1: all): empty matches right after a previous match are
// skipped, and the search moves on by a rune after an empty one.
function findAll(vm: usize, s: usize, limit: i64, withGroups: bool): usize {
  const p = strPtr(s);
  const n = strLen(s);
  const out = newArray(4);
  let at: u32 = 0;
  let prevEnd: i32 = -1;
  let count: i64 = 0;
  while ((limit < 0 || count < limit) && at <= n) {
    if (!vmSearch(vm, p, n, at, false)) break;
    const caps = vmCaps(vm);
    const ms = load<i32>(caps);
    const me = load<i32>(caps, 4);
    let accept = true;
    if (me == <i32>at) {
      if (ms == prevEnd) accept = false;
      if (at < n) {
        utf8Decode(p + at, p + n);
        at += utf8Width();
      } else {
        at++;
      }
    } else {
      at = <u32>me;
    }
    prevEnd = me;
    if (!accept) continue;
    count++;
    if (!withGroups) {
      arrPush(out, substr(s, <u32>ms, <u32>me));
      continue;
    }
    const nc = vmCapCount(vm) >> 1;
    const groups = newArray(nc);
    for (let g: u32 = 0; g < nc; g++) {
      const gs = load<i32>(caps + (<usize>g << 3));
      const ge = load<i32>(caps + (<usize>g << 3), 4);
      arrPush(groups, gs < 0 || ge < 0 ? newString(p, 0) : substr(s, <u32>gs, <u32>ge));
    }
    arrPush(out, groups);
  }
  return out;
}

function limitOf(name: string, v: usize): i64 {
  if (typeOf(v) != T_NUMBER) {
    typeError(name, 3, "number", v);
    return i64.MIN_VALUE;
  }
  if (numRepr(v) != N_INT) return -1;
  return numI64(v);
}

export function b_regex_find_n(p: usize, s: usize, nv: usize): usize {
  if (typeOf(p) != T_STRING) return typeError("regex.find_n", 1, "string", p);
  if (typeOf(s) != T_STRING) return typeError("regex.find_n", 2, "string", s);
  const limit = limitOf("regex.find_n", nv);
  if (limit == i64.MIN_VALUE) return 0;
  const vm = machine("regex.find_n", p);
  if (vm == 0) return 0;
  return findAll(vm, s, limit, false);
}

export function b_regex_find_all_string_submatch_n(p: usize, s: usize, nv: usize): usize {
  const name = "regex.find_all_string_submatch_n";
  if (typeOf(p) != T_STRING) return typeError(name, 1, "string", p);
  if (typeOf(s) != T_STRING) return typeError(name, 2, "string", s);
  const limit = limitOf(name, nv);
  if (limit == i64.MIN_VALUE) return 0;
  const vm = machine(name, p);
  if (vm == 0) return 0;
  return findAll(vm, s, limit, true);
}

export function b_regex_split(p: usize, s: usize): usize {
  if (typeOf(p) != T_STRING) return typeError("regex.split", 1, "string", p);
  if (typeOf(s) != T_STRING) return typeError("regex.split", 2, "string", s);
  const vm = machine("regex.split", p);
  if (vm == 0) return 0;
  const n = strLen(s);
  const out = newArray(4);
  if (strLen(p) > 0 && n == 0) {
    arrPush(out, s);
    return out;
  }
  // Split uses the match positions of the FindAll loop.
  const matches = findAllIndex(vm, s);
  let beg: u32 = 0;
  let end: u32 = 0;
  const count = load<u32>(matches);
  for (let i: u32 = 0; i < count; i++) {
    const ms = load<u32>(matches + 4 + (<usize>i << 3));
    const me = load<u32>(matches + 8 + (<usize>i << 3));
    end = ms;
    if (me != 0) arrPush(out, substr(s, beg, end));
    beg = me;
  }
  if (end != n) arrPush(out, substr(s, beg, n));
  return out;
}

// [count, (start, end)…] of all accepted matches.
function findAllIndex(vm: usize, s: usize): usize {
  const p = strPtr(s);
  const n = strLen(s);
  let cap: u32 = 8;
  let list = alloc(4 + (<usize>cap << 3));
  let count: u32 = 0;
  let at: u32 = 0;
  let prevEnd: i32 = -1;
  while (at <= n) {
    if (!vmSearch(vm, p, n, at, false)) break;
    const caps = vmCaps(vm);
    const ms = load<i32>(caps);
    const me = load<i32>(caps, 4);
    let accept = true;
    if (me == <i32>at) {
      if (ms == prevEnd) accept = false;
      if (at < n) {
        utf8Decode(p + at, p + n);
        at += utf8Width();
      } else {
        at++;
      }
    } else {
      at = <u32>me;
    }
    prevEnd = me;
    if (!accept) continue;
    if (count == cap) {
      const nl = alloc(4 + (<usize>cap << 4));
      memory.copy(nl, list, 4 + (<usize>cap << 3));
      list = nl;
      cap <<= 1;
    }
    store<u32>(list + 4 + (<usize>count << 3), <u32>ms);
    store<u32>(list + 8 + (<usize>count << 3), <u32>me);
    count++;
  }
  store<u32>(list, count);
  return list;
}

@inline function isNameByte(c: u32): bool {
  return c - 48 < 10 || (c | 32) - 97 < 26 || c == 95;
}

// The group number named by t[0..n): a decimal number or a group name; -1 if none.
function groupIndex(t: usize, n: u32, groups: u32): i32 {
  let num: i64 = 0;
  let isNum = n > 0;
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(t + i);
    if (c - 48 >= 10) {
      isNum = false;
      break;
    }
    if (num < 100000) num = num * 10 + <i64>(c - 48);
  }
  if (isNum) return num <= <i64>groups ? <i32>num : -1;
  for (let g: u32 = 1; g <= groups; g++) {
    const np = load<u32>(compiledNames + (<usize>g << 3));
    const nn = load<u32>(compiledNames + (<usize>g << 3), 4);
    if (nn == n && memory.compare(np, t, n) == 0) return <i32>g;
  }
  return -1;
}

// Appends the replacement template with $n, ${n}, $name, ${name} and $$ expanded (Go's Regexp.Expand).
function expand(b: usize, tpl: usize, tn: u32, s: usize, caps: usize, groups: u32): void {
  let i: u32 = 0;
  while (i < tn) {
    const c = <u32>load<u8>(tpl + i);
    if (c != 36 || i + 1 >= tn) {
      byte(b, c);
      i++;
      continue;
    }
    const d = <u32>load<u8>(tpl + i + 1);
    if (d == 36) {
      byte(b, 36);
      i += 2;
      continue;
    }
    let ns: u32;
    let ne: u32;
    let next: u32;
    if (d == 123) {
      ns = i + 2;
      ne = ns;
      while (ne < tn && isNameByte(load<u8>(tpl + ne))) ne++;
      if (ne >= tn || load<u8>(tpl + ne) != 125 || ne == ns) {
        byte(b, c);
        i++;
        continue;
      }
      next = ne + 1;
    } else {
      ns = i + 1;
      ne = ns;
      while (ne < tn && isNameByte(load<u8>(tpl + ne))) ne++;
      if (ne == ns) {
        byte(b, c);
        i++;
        continue;
      }
      next = ne;
    }
    const g = groupIndex(tpl + ns, ne - ns, groups);
    if (g >= 0) {
      const gs = load<i32>(caps + (<usize>g << 3));
      const ge = load<i32>(caps + (<usize>g << 3), 4);
      if (gs >= 0 && ge >= 0) bytes(b, strPtr(s) + <u32>gs, <u32>(ge - gs));
    }
    i = next;
  }
}

export function b_regex_replace(s: usize, p: usize, repl: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("regex.replace", 1, "string", s);
  if (typeOf(p) != T_STRING) return typeError("regex.replace", 2, "string", p);
  if (typeOf(repl) != T_STRING) return typeError("regex.replace", 3, "string", repl);
  const vm = machine("regex.replace", p);
  if (vm == 0) return 0;
  const groups = compiledGroups;
  const sp = strPtr(s);
  const n = strLen(s);
  const b = bufNew(n + 16);
  let lastEnd: u32 = 0;
  let at: u32 = 0;
  while (at <= n) {
    if (!vmSearch(vm, sp, n, at, false)) break;
    const caps = vmCaps(vm);
    const ms = <u32>load<i32>(caps);
    const me = <u32>load<i32>(caps, 4);
    bytes(b, sp + lastEnd, ms - lastEnd);
    if (me > lastEnd || ms == 0) expand(b, strPtr(repl), strLen(repl), s, caps, groups);
    lastEnd = me;
    let w: u32 = 1;
    if (at < n) {
      utf8Decode(sp + at, sp + n);
      w = utf8Width();
    }
    if (at + w > me) at += w;
    else if (at + 1 > me) at++;
    else at = me;
  }
  bytes(b, sp + lastEnd, n - lastEnd);
  return stringFromBuf(b);
}
