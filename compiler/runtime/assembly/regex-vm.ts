// The Pike VM: runs a regex program over UTF-8 text in one pass, keeping at most one thread per instruction,
// so time is O(text × program) whatever the pattern (no backtracking). Threads are kept in priority order
// for Go's leftmost-first submatch semantics. Positions are byte offsets; unset groups are -1.

import { alloc } from "./alloc";
import { I_RUNE, I_CLASS, I_ANY, I_SPLIT, I_JMP, I_SAVE, I_ASSERT, I_MATCH } from "./regex-compile";
import { R_BOL, R_EOL, R_BOT, R_EOT, R_WORDB } from "./regex-parse";
import { utf8Decode, utf8Width } from "./utf8";
import { toLowerRune, toUpperRune } from "./unicode-case";

// A machine: program, sizes and the two thread lists, reused across the searches of one builtin call.
// Layout: {prog, ninst, ncap, listA, listB, stack, best, scratch}; a list is {count, dense[ninst],
// sparse[ninst], caps[ninst][ncap]}.
export function vmNew(prog: usize, ninst: u32, groups: u32): usize {
  const ncap = (groups + 1) * 2;
  const m = alloc(32);
  store<u32>(m, prog);
  store<u32>(m, ninst, 4);
  store<u32>(m, ncap, 8);
  store<u32>(m, listNew(ninst, ncap), 12);
  store<u32>(m, listNew(ninst, ncap), 16);
  store<u32>(m, alloc(<usize>ninst * 8 + 64), 20);
  store<u32>(m, alloc(<usize>ncap << 2), 24);
  store<u32>(m, alloc(<usize>ncap << 2), 28);
  return m;
}

function listNew(ninst: u32, ncap: u32): usize {
  const l = alloc(4 + (<usize>ninst << 3) + <usize>ninst * ncap * 4);
  store<u32>(l, 0);
  // sparse[] may hold anything: membership is checked against dense[].
  return l;
}

@inline function dense(l: usize, i: u32): usize { return l + 4 + (<usize>i << 2); }
@inline function sparse(l: usize, ninst: u32, pc: u32): usize { return l + 4 + (<usize>ninst << 2) + (<usize>pc << 2); }
@inline function capsOf(l: usize, ninst: u32, ncap: u32, pc: u32): usize {
  return l + 4 + (<usize>ninst << 3) + <usize>pc * ncap * 4;
}

@inline function has(l: usize, ninst: u32, pc: u32): bool {
  const s = load<u32>(sparse(l, ninst, pc));
  return s < load<u32>(l) && load<u32>(dense(l, s)) == pc;
}

@inline function isWordByte(c: i32): bool {
  return c >= 0 && (<u32>c - 48 < 10 || (<u32>c | 32) - 97 < 26 || c == 95);
}

// Context of the current position for assertions.
let txt: usize = 0;
let txtLen: u32 = 0;

function assertHolds(kind: u32, at: u32): bool {
  const before: i32 = at > 0 ? <i32>load<u8>(txt + at - 1) : -1;
  const after: i32 = at < txtLen ? <i32>load<u8>(txt + at) : -1;
  if (kind == R_BOT) return at == 0;
  if (kind == R_EOT) return at == txtLen;
  if (kind == R_BOL) return at == 0 || before == 10;
  if (kind == R_EOL) return at == txtLen || after == 10;
  const b = isWordByte(before) != isWordByte(after);
  return kind == R_WORDB ? b : !b;
}

// Adds the thread at pc (following jumps, splits, saves and assertions) to list l, in priority order.
// caps is the thread's capture array, restored on return.
function addThread(m: usize, l: usize, pc: u32, caps: usize, at: u32): void {
  const prog = load<u32>(m);
  const ninst = load<u32>(m, 4);
  const ncap = load<u32>(m, 8);
  if (has(l, ninst, pc)) return;
  const n = load<u32>(l);
  store<u32>(dense(l, n), pc);
  store<u32>(sparse(l, ninst, pc), n);
  store<u32>(l, n + 1);
  const inst = prog + (<usize>pc << 4);
  const op = load<u32>(inst);
  if (op == I_JMP) {
    addThread(m, l, load<u32>(inst, 4), caps, at);
  } else if (op == I_SPLIT) {
    addThread(m, l, load<u32>(inst, 4), caps, at);
    addThread(m, l, load<u32>(inst, 8), caps, at);
  } else if (op == I_SAVE) {
    const slot = load<u32>(inst, 4);
    if (slot < ncap) {
      const old = load<i32>(caps + (<usize>slot << 2));
      store<i32>(caps + (<usize>slot << 2), <i32>at);
      addThread(m, l, pc + 1, caps, at);
      store<i32>(caps + (<usize>slot << 2), old);
    } else {
      addThread(m, l, pc + 1, caps, at);
    }
  } else if (op == I_ASSERT) {
    if (assertHolds(load<u32>(inst, 4), at)) addThread(m, l, pc + 1, caps, at);
  } else {
    memory.copy(capsOf(l, ninst, ncap, pc), caps, <usize>ncap << 2);
  }
}

function classHas(ranges: usize, n: u32, r: u32): bool {
  let lo: u32 = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const e = ranges + (<usize>mid << 3);
    if (r < load<u32>(e)) hi = mid;
    else if (r > load<u32>(e, 4)) lo = mid + 1;
    else return true;
  }
  return false;
}

function runeMatches(inst: usize, r: u32): bool {
  const op = load<u32>(inst);
  if (op == I_RUNE) {
    const c = load<u32>(inst, 4);
    if (c == r) return true;
    return load<u32>(inst, 12) != 0 && (toLowerRune(c) == toLowerRune(r) || toUpperRune(c) == toUpperRune(r));
  }
  if (op == I_CLASS) return classHas(load<u32>(inst, 4), load<u32>(inst, 8), r);
  if (op == I_ANY) return r != 10 || load<u32>(inst, 12) != 0;
  return false;
}

// Searches text[from..] (assertions see the whole text). On a match, returns true with the capture
// positions at vmCaps(m) (2 per group); the match of highest priority wins, as in Go. With `anyMatch` the
// search stops at the first match found (its groups are then not final).
export function vmSearch(m: usize, text: usize, n: u32, from: u32, anyMatch: bool): bool {
  const prog = load<u32>(m);
  const ninst = load<u32>(m, 4);
  const ncap = load<u32>(m, 8);
  let clist = load<u32>(m, 12);
  let nlist = load<u32>(m, 16);
  const best = load<u32>(m, 28);
  const start = load<u32>(m, 24);
  txt = text;
  txtLen = n;
  store<u32>(clist, 0);
  let matched = false;
  let at = from;
  while (true) {
    if (!matched) {
      memory.fill(start, 0xff, <usize>ncap << 2);
      addThread(m, clist, 0, start, at);
    }
    const count = load<u32>(clist);
    if (count == 0) break;
    let r: u32 = 0xffffffff;
    let w: u32 = 0;
    if (at < n) {
      r = utf8Decode(text + at, text + n);
      w = utf8Width();
    }
    store<u32>(nlist, 0);
    for (let i: u32 = 0; i < count; i++) {
      const pc = load<u32>(dense(clist, i));
      const inst = prog + (<usize>pc << 4);
      const op = load<u32>(inst);
      if (op == I_MATCH) {
        memory.copy(best, capsOf(clist, ninst, ncap, pc), <usize>ncap << 2);
        matched = true;
        if (anyMatch) return true;
        // Lower-priority threads lose to this match.
        break;
      }
      if (at < n && (op == I_RUNE || op == I_CLASS || op == I_ANY) && runeMatches(inst, r)) {
        addThread(m, nlist, pc + 1, capsOf(clist, ninst, ncap, pc), at + w);
      }
    }
    if (at >= n) break;
    const t = clist;
    clist = nlist;
    nlist = t;
    at += w;
  }
  return matched;
}

@inline export function vmCaps(m: usize): usize { return load<u32>(m, 28); }
@inline export function vmCapCount(m: usize): u32 { return load<u32>(m, 8); }
