// Syntax tree to a Thompson-NFA program for the Pike VM (regex-vm.ts). Instructions are 16 bytes
// {op, x, y, arg}; counted repetitions are unrolled (RE2 caps counts at 1000, so programs stay bounded).
// Group 0 (the whole match) is wrapped around the tree here.

import { alloc } from "./alloc";
import {
  R_EMPTY, R_LIT, R_CLASS, R_ANY, R_BOL, R_NWORDB, R_CAT, R_ALT, R_CAP, R_REP, F_FOLD, F_DOTNL, F_LAZY, nodeOp, nodeA, nodeB, nodeMin, nodeMax, nodeFlags,
} from "./regex-parse";

export const I_RUNE: u32 = 1; // x: rune, arg: fold
export const I_CLASS: u32 = 2; // x: ranges, y: count
export const I_ANY: u32 = 3; // arg: 1 if \n matches too
export const I_SPLIT: u32 = 4; // x preferred, then y
export const I_JMP: u32 = 5; // x
export const I_SAVE: u32 = 6; // x: capture slot
export const I_ASSERT: u32 = 7; // x: R_BOL … R_NWORDB
export const I_MATCH: u32 = 8;

const MAX_INST: u32 = 200000;

let prog: usize = 0;
let len: u32 = 0;
let cap: u32 = 0;
let tooBig = false;

function emit(op: u32, x: u32, y: u32, arg: u32): u32 {
  if (len == cap) {
    const ncap = cap << 1;
    const np = alloc(<usize>ncap << 4);
    memory.copy(np, prog, <usize>cap << 4);
    prog = np;
    cap = ncap;
  }
  if (len >= MAX_INST) tooBig = true;
  const i = prog + (<usize>len << 4);
  store<u32>(i, op);
  store<u32>(i, x, 4);
  store<u32>(i, y, 8);
  store<u32>(i, arg, 12);
  return len++;
}

@inline function setX(pc: u32, x: u32): void { store<u32>(prog + (<usize>pc << 4), x, 4); }
@inline function setY(pc: u32, y: u32): void { store<u32>(prog + (<usize>pc << 4), y, 8); }

// A split whose preferred branch is `first`, fixed up once both targets are known.
function split(lazy: bool, body: u32, out: u32, pc: u32): void {
  if (lazy) {
    setX(pc, out);
    setY(pc, body);
  } else {
    setX(pc, body);
    setY(pc, out);
  }
}

function gen(n: usize): void {
  if (tooBig) return;
  const op = nodeOp(n);
  if (op == R_EMPTY) return;
  if (op == R_LIT) {
    emit(I_RUNE, nodeA(n), 0, nodeFlags(n) & F_FOLD);
  } else if (op == R_CLASS) {
    emit(I_CLASS, nodeA(n), nodeB(n), 0);
  } else if (op == R_ANY) {
    emit(I_ANY, 0, 0, (nodeFlags(n) & F_DOTNL) != 0 ? 1 : 0);
  } else if (op >= R_BOL && op <= R_NWORDB) {
    emit(I_ASSERT, op, 0, 0);
  } else if (op == R_CAT) {
    const items = nodeA(n);
    for (let i: u32 = 0; i < nodeB(n); i++) gen(load<u32>(items + (<usize>i << 2)));
  } else if (op == R_ALT) {
    const items = nodeA(n);
    const count = nodeB(n);
    const jumps = alloc(<usize>count << 2);
    for (let i: u32 = 0; i < count; i++) {
      if (i + 1 < count) {
        const s = emit(I_SPLIT, 0, 0, 0);
        setX(s, len);
        gen(load<u32>(items + (<usize>i << 2)));
        store<u32>(jumps + (<usize>i << 2), emit(I_JMP, 0, 0, 0));
        setY(s, len);
      } else {
        gen(load<u32>(items + (<usize>i << 2)));
      }
    }
    for (let i: u32 = 0; i + 1 < count; i++) setX(load<u32>(jumps + (<usize>i << 2)), len);
  } else if (op == R_CAP) {
    const g = nodeB(n);
    emit(I_SAVE, g * 2, 0, 0);
    gen(nodeA(n));
    emit(I_SAVE, g * 2 + 1, 0, 0);
  } else if (op == R_REP) {
    const sub = nodeA(n);
    const min = nodeMin(n);
    const max = nodeMax(n);
    const lazy = (nodeFlags(n) & F_LAZY) != 0;
    for (let i = 0; i < min; i++) gen(sub);
    if (max < 0) {
      // x*: L: split(body, out); body; jmp L
      const s = emit(I_SPLIT, 0, 0, 0);
      gen(sub);
      emit(I_JMP, s, 0, 0);
      split(lazy, s + 1, len, s);
    } else {
      // (x(x(x)?)?)? for the optional copies.
      const opt = max - min;
      const splits = alloc(<usize>(opt > 0 ? opt : 1) << 2);
      for (let i = 0; i < opt; i++) {
        const s = emit(I_SPLIT, 0, 0, 0);
        store<u32>(splits + (<usize>i << 2), s);
        gen(sub);
      }
      for (let i = 0; i < opt; i++) {
        const s = load<u32>(splits + (<usize>i << 2));
        split(lazy, s + 1, len, s);
      }
    }
  }
}

let progLen: u32 = 0;

@inline export function programLength(): u32 { return progLen; }

// The program for tree t, or 0 when it would be too large.
export function regexCompile(t: usize): usize {
  cap = 64;
  len = 0;
  tooBig = false;
  prog = alloc(<usize>cap << 4);
  emit(I_SAVE, 0, 0, 0);
  gen(t);
  emit(I_SAVE, 1, 0, 0);
  emit(I_MATCH, 0, 0, 0);
  progLen = len;
  return tooBig ? 0 : prog;
}
