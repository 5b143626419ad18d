/**
 * Builds one function body: locals, instructions and structured control flow with named labels, so callers
 * branch to a label object rather than counting block depths. `finish()` yields the encoded body the linker
 * stores in the code section, with locals whose values are never live at once sharing a slot (local-slots.ts).
 */
import { BLOCK_VOID, ByteWriter, Op, ValType } from "./encoding";
import { LocalLiveness, SlotAssignment } from "./local-slots";

/** A branch target: the block or loop it belongs to must still be open when a branch to it is emitted. */
export interface Label {
  readonly kind: "block" | "loop";
  readonly id: number;
}

export class FunctionBuilder {
  private readonly code = new ByteWriter(256);
  private readonly localTypes: ValType[] = [];
  private readonly open: Label[] = [];
  private nextLabel = 0;
  private readonly liveness = new LocalLiveness();
  /** Where a local's slot index goes in `code` (written at `finish()`, once slots are assigned), and its local. */
  private readonly slotSites: number[] = [];
  private readonly slotLocals: number[] = [];
  private slots?: SlotAssignment;

  constructor(readonly paramCount: number) {}

  /** A fresh i32 local (parameters are locals 0..paramCount-1). */
  local(type: ValType = ValType.I32): number {
    this.localTypes.push(type);
    this.liveness.declare(type);
    return this.paramCount + this.localTypes.length - 1;
  }

  /** Locals asked for so far, parameters included (each distinct, however many slots they end up sharing). */
  get localCount(): number {
    return this.paramCount + this.localTypes.length;
  }

  /** The locals the encoded function declares, parameters included: what engines limit. */
  get slotCount(): number {
    return this.paramCount + this.assignSlots().slotTypes.length;
  }

  op(opcode: Op): this {
    this.code.byte(opcode);
    return this;
  }

  /** `memory.size` (memory 0). */
  memorySize(): this {
    this.code.byte(0x3f).byte(0);
    return this;
  }

  /** `memory.grow` (memory 0): pages on the stack, previous size or -1 left. */
  memoryGrow(): this {
    this.code.byte(0x40).byte(0);
    return this;
  }

  /** `memory.init segment` (bulk memory): dest, source offset and length on the stack. */
  memoryInit(segment: number): this {
    this.code.byte(0xfc).u32(8).u32(segment).byte(0);
    return this;
  }

  /** `data.drop segment` (bulk memory). */
  dataDrop(segment: number): this {
    this.code.byte(0xfc).u32(9).u32(segment);
    return this;
  }

  i32Const(value: number): this {
    this.code.byte(Op.I32Const).i32(value);
    return this;
  }

  i64Const(value: bigint): this {
    this.code.byte(Op.I64Const).i64(value);
    return this;
  }

  f64Const(value: number): this {
    this.code.byte(Op.F64Const).f64(value);
    return this;
  }

  get(local: number): this {
    return this.localOp(Op.LocalGet, local, false);
  }

  set(local: number): this {
    return this.localOp(Op.LocalSet, local, true);
  }

  tee(local: number): this {
    return this.localOp(Op.LocalTee, local, true);
  }

  private localOp(opcode: Op, local: number, write: boolean): this {
    this.code.byte(opcode);
    if (local < this.paramCount) {
      this.code.u32(local);
      return this;
    }
    if (this.slots) throw new Error("function builder: local used after finish");
    this.liveness.access(local - this.paramCount, write);
    this.slotSites.push(this.code.length);
    this.slotLocals.push(local - this.paramCount);
    return this;
  }

  globalGet(index: number): this {
    this.code.byte(Op.GlobalGet).u32(index);
    return this;
  }

  globalSet(index: number): this {
    this.code.byte(Op.GlobalSet).u32(index);
    return this;
  }

  /** `i32.load` at a constant offset from the address on the stack (4-byte aligned). */
  load32(offset: number): this {
    this.code.byte(Op.I32Load).u32(2).u32(offset);
    return this;
  }

  /** `i32.store` of (address, value) on the stack at a constant offset. */
  store32(offset: number): this {
    this.code.byte(Op.I32Store).u32(2).u32(offset);
    return this;
  }

  call(index: number): this {
    this.code.byte(Op.Call).u32(index);
    return this;
  }

  /** Opens a block, runs `body` with its label, closes it. A branch to the label exits the block. */
  block(body: (exit: Label) => void): this {
    const label = this.push("block");
    this.code.byte(Op.Block).byte(BLOCK_VOID);
    this.liveness.open("block");
    body(label);
    this.liveness.close("block");
    this.pop(label);
    return this;
  }

  /** Opens a loop; a branch to its label jumps back to the top. */
  loop(body: (top: Label) => void): this {
    const label = this.push("loop");
    this.code.byte(Op.Loop).byte(BLOCK_VOID);
    this.liveness.open("loop");
    body(label);
    this.liveness.close("loop");
    this.pop(label);
    return this;
  }

  /** `if (pop i32) { then } else { otherwise }` — the arms get no label of their own. */
  ifElse(then: () => void, otherwise?: () => void): this {
    const label = this.push("block");
    this.code.byte(Op.If).byte(BLOCK_VOID);
    this.liveness.open("if");
    then();
    if (otherwise) {
      this.code.byte(Op.Else);
      this.liveness.otherArm();
      otherwise();
    }
    this.liveness.close("if");
    this.pop(label);
    return this;
  }

  br(label: Label): this {
    this.code.byte(Op.Br).u32(this.depth(label));
    return this;
  }

  /** Branches if the i32 on the stack is non-zero. */
  brIf(label: Label): this {
    this.code.byte(Op.BrIf).u32(this.depth(label));
    return this;
  }

  /** Branches to `labels[i]` for the i32 i on the stack, or to `fallback` when out of range. */
  brTable(labels: Label[], fallback: Label): this {
    this.code.byte(Op.BrTable).u32(labels.length);
    for (const l of labels) this.code.u32(this.depth(l));
    this.code.u32(this.depth(fallback));
    return this;
  }

  ret(): this {
    this.code.byte(Op.Return);
    return this;
  }

  /** The encoded body: local declarations, instructions and the final `end`. */
  finish(): Uint8Array {
    if (this.open.length !== 0) throw new Error("function builder: unclosed block");
    const { slotOf, slotTypes } = this.assignSlots();
    const code = this.code.finish();
    const w = new ByteWriter(code.length + 3 * this.slotSites.length + 16);
    const groups: Array<[number, ValType]> = [];
    for (const t of slotTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    w.u32(groups.length);
    for (const [n, t] of groups) w.u32(n).byte(t);
    let copied = 0;
    for (let i = 0; i < this.slotSites.length; i++) {
      const site = this.slotSites[i];
      w.bytes(code.subarray(copied, site)).u32(this.paramCount + slotOf[this.slotLocals[i]]);
      copied = site;
    }
    w.bytes(code.subarray(copied)).byte(Op.End);
    return w.finish();
  }

  private assignSlots(): SlotAssignment {
    return (this.slots ??= this.liveness.assign());
  }

  private push(kind: Label["kind"]): Label {
    const label = { kind, id: this.nextLabel++ };
    this.open.push(label);
    return label;
  }

  private pop(label: Label): void {
    if (this.open.pop() !== label) throw new Error("function builder: blocks closed out of order");
    this.code.byte(Op.End);
  }

  private depth(label: Label): number {
    const i = this.open.lastIndexOf(label);
    if (i < 0) throw new Error("function builder: branch to a label that is not open");
    return this.open.length - 1 - i;
  }
}
