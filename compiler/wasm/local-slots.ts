/**
 * Shares Wasm local slots between locals whose values are never live at once. FunctionBuilder reports each
 * local access and each block, loop and if-arm as it emits them; `assign()` maps every local to a slot, so an
 * expression's thousands of temporaries fit in a few slots (engines load at most 50,000 locals per function).
 */
import { ValType } from "./encoding";

/** Where every accessed local lives: `slotOf[local]` (-1: never accessed) and the type of each slot. */
export interface SlotAssignment {
  readonly slotOf: Int32Array;
  readonly slotTypes: ValType[];
}

/**
 * Liveness over the emitted order: a local lives from its first to its last access. It may share a slot only
 * when that order is also its control flow: its first access is a write, and every later access is inside the
 * innermost block or if-arm of that write (the write dominates them, so no read sees a value another local left
 * in the slot, nor the zero a fresh local starts with); a loop the interval only partly covers widens it to the
 * whole loop, whose back edge carries values around. Any other local keeps a slot of its own.
 */
export class LocalLiveness {
  private readonly types: ValType[] = [];
  private readonly first: number[] = [];
  private readonly last: number[] = [];
  private readonly firstLoop: number[] = [];
  private readonly lastLoop: number[] = [];
  private readonly home: number[] = [];
  private readonly shareable: boolean[] = [];
  /** Blocks, loops and if-arms: whether each is still being emitted, and the open ones innermost last. */
  private readonly regionOpen: boolean[] = [true];
  private readonly regions: number[] = [0];
  private readonly loopStart: number[] = [];
  private readonly loopEnd: number[] = [];
  private readonly loopParent: number[] = [];
  private readonly loopDepth: number[] = [];
  private readonly loops: number[] = [];
  private clock = 0;

  declare(type: ValType): void {
    this.types.push(type);
    this.first.push(-1);
    this.last.push(-1);
    this.firstLoop.push(-1);
    this.lastLoop.push(-1);
    this.home.push(-1);
    this.shareable.push(false);
  }

  access(local: number, write: boolean): void {
    const at = this.clock++;
    const loop = this.loops.length > 0 ? this.loops[this.loops.length - 1] : -1;
    if (this.first[local] < 0) {
      this.first[local] = at;
      this.firstLoop[local] = loop;
      this.home[local] = this.regions[this.regions.length - 1];
      this.shareable[local] = write;
    } else if (this.shareable[local] && !this.regionOpen[this.home[local]]) {
      this.shareable[local] = false;
    }
    this.last[local] = at;
    this.lastLoop[local] = loop;
  }

  open(kind: "block" | "loop" | "if"): void {
    this.regions.push(this.regionOpen.length);
    this.regionOpen.push(true);
    if (kind !== "loop") return;
    const parent = this.loops.length > 0 ? this.loops[this.loops.length - 1] : -1;
    this.loops.push(this.loopStart.length);
    this.loopStart.push(this.clock++);
    this.loopEnd.push(-1);
    this.loopParent.push(parent);
    this.loopDepth.push(parent < 0 ? 0 : this.loopDepth[parent] + 1);
  }

  /** The `else` of the open if: a write in one arm says nothing about the other. */
  otherArm(): void {
    this.close("if");
    this.open("if");
  }

  close(kind: "block" | "loop" | "if"): void {
    this.regionOpen[this.regions.pop()!] = false;
    if (kind === "loop") this.loopEnd[this.loops.pop()!] = this.clock++;
  }

  /** Linear scan over the intervals in emitted order, reusing a slot of the same type once its interval ended. */
  assign(): SlotAssignment {
    const n = this.types.length;
    const slotOf = new Int32Array(n).fill(-1);
    const slotTypes: ValType[] = [];
    const start = new Float64Array(n);
    const end = new Float64Array(n);
    const shared: number[] = [];
    for (let l = 0; l < n; l++) {
      if (this.first[l] < 0) continue;
      if (!this.shareable[l]) {
        slotOf[l] = slotTypes.push(this.types[l]) - 1;
        continue;
      }
      [start[l], end[l]] = this.widenOverLoops(l);
      shared.push(l);
    }
    const byStart = [...shared].sort((a, b) => start[a] - start[b]);
    const byEnd = [...shared].sort((a, b) => end[a] - end[b]);
    const free = new Map<ValType, number[]>();
    let ended = 0;
    for (const l of byStart) {
      for (; ended < byEnd.length && end[byEnd[ended]] < start[l]; ended++) {
        const done = byEnd[ended];
        const pool = free.get(this.types[done]) ?? [];
        pool.push(slotOf[done]);
        free.set(this.types[done], pool);
      }
      const reused = free.get(this.types[l])?.pop();
      slotOf[l] = reused ?? slotTypes.push(this.types[l]) - 1;
    }
    return { slotOf, slotTypes };
  }

  /**
   * The interval widened to every loop holding one end but not the other. Loops nest, so these are the loops
   * below the innermost one holding both ends; the outermost of them on each side sets the new bound (a loop
   * holding only the last access is entered with the value live, and its back edge may return to any of it).
   */
  private widenOverLoops(l: number): [number, number] {
    let a = this.firstLoop[l];
    let b = this.lastLoop[l];
    let from = this.first[l];
    let to = this.last[l];
    while (a !== b) {
      const depthA = a < 0 ? -1 : this.loopDepth[a];
      const depthB = b < 0 ? -1 : this.loopDepth[b];
      if (depthA >= depthB) {
        from = Math.min(from, this.loopStart[a]);
        a = this.loopParent[a];
      } else {
        to = Math.max(to, this.loopEnd[b]);
        b = this.loopParent[b];
      }
    }
    return [from, to];
  }
}
