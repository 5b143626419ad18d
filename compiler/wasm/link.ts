/**
 * The linker: starts from the prebuilt runtime module and lets the code generator append types, functions,
 * globals, static data and exports, then writes the final module. Nothing of the runtime is renumbered: new
 * functions and globals get the indices after the runtime's, and policy data is laid out after its data.
 */
import {
  ByteWriter,
  encodeFuncType,
  ExternalKind,
  FuncType,
  funcTypeKey,
  Op,
  Section,
  ValType,
} from "./encoding";
import type { FunctionBuilder } from "./function";
import { ExportEntry, GlobalEntry, importedFunctionCount, importedGlobalCount, readModule, staticDataEnd, WasmModule } from "./reader";

/** The ABI's export names the final module keeps from the runtime (see shared/docs/opa-wasm-abi.md). */
export const RUNTIME_ABI_EXPORTS = [
  "opa_wasm_abi_version",
  "opa_wasm_abi_minor_version",
  "opa_malloc",
  "opa_free",
  "opa_json_parse",
  "opa_value_parse",
  "opa_json_dump",
  "opa_value_dump",
  "opa_heap_ptr_get",
  "opa_heap_ptr_set",
  "opa_value_add_path",
  "opa_value_remove_path",
];

/** The SDK hands modules a memory of 5 pages; static data must fit in it. */
const SDK_INITIAL_PAGES = 5;
const PAGE = 65536;

interface PolicyFunction {
  typeIndex: number;
  /** The encoded body (locals declaration + instructions + end), filled in by `defineFunction`. */
  body?: Uint8Array;
  name: string;
}

export class ModuleBuilder {
  private readonly runtime: WasmModule;
  private readonly types: FuncType[];
  private readonly typeIndexByKey = new Map<string, number>();
  private readonly runtimeFunctions = new Map<string, number>();
  private readonly runtimeGlobals = new Map<string, number>();
  private readonly functions: PolicyFunction[] = [];
  private readonly globals: GlobalEntry[] = [];
  private readonly exports: ExportEntry[] = [];
  private readonly data: Array<{ offset: number; bytes: Uint8Array }> = [];
  private readonly dataByContent = new Map<string, number>();
  private dataEnd: number;
  private start?: number;
  /** Index of the first policy function (runtime imports and definitions come first). */
  readonly functionBase: number;
  readonly globalBase: number;

  constructor(runtimeBytes: Uint8Array) {
    this.runtime = readRuntime(runtimeBytes);
    this.types = [...this.runtime.types];
    this.types.forEach((t, i) => {
      const key = funcTypeKey(t);
      if (!this.typeIndexByKey.has(key)) this.typeIndexByKey.set(key, i);
    });
    for (const e of this.runtime.exports) {
      if (e.kind === ExternalKind.Function) this.runtimeFunctions.set(e.name, e.index);
      if (e.kind === ExternalKind.Global) this.runtimeGlobals.set(e.name, e.index);
    }
    this.functionBase = importedFunctionCount(this.runtime) + this.runtime.functions.length;
    this.globalBase = importedGlobalCount(this.runtime) + this.runtime.globals.length;
    this.dataEnd = align(staticDataEnd(this.runtime), 16);
  }

  typeIndex(t: FuncType): number {
    const key = funcTypeKey(t);
    let index = this.typeIndexByKey.get(key);
    if (index === undefined) {
      index = this.types.length;
      this.types.push(t);
      this.typeIndexByKey.set(key, index);
    }
    return index;
  }

  /** The function index of a runtime export; throws if the runtime lacks it (a build mismatch, not user error). */
  runtimeFunction(name: string): number {
    const index = this.runtimeFunctions.get(name);
    if (index === undefined) throw new Error(`runtime does not export function ${name}`);
    return index;
  }

  hasRuntimeFunction(name: string): boolean {
    return this.runtimeFunctions.has(name);
  }

  /** Declares a policy function; its body comes later through `defineFunction`. */
  declareFunction(name: string, type: FuncType): number {
    this.functions.push({ typeIndex: this.typeIndex(type), name });
    return this.functionBase + this.functions.length - 1;
  }

  defineFunction(index: number, body: Uint8Array): void {
    this.functions[index - this.functionBase].body = body;
  }

  addGlobal(type: ValType, mutable: boolean, init: Uint8Array): number {
    this.globals.push({ type, mutable, init });
    return this.globalBase + this.globals.length - 1;
  }

  /** Lays out bytes in static memory, sharing identical content, and returns their address. */
  addData(bytes: Uint8Array, alignment = 1): number {
    const key = alignment + ":" + Buffer.from(bytes).toString("latin1");
    const known = this.dataByContent.get(key);
    if (known !== undefined) return known;
    const offset = align(this.dataEnd, alignment);
    this.data.push({ offset, bytes });
    this.dataEnd = offset + bytes.length;
    this.dataByContent.set(key, offset);
    return offset;
  }

  /**
   * The policy's static data as one segment: engines cap a module's data segments (V8 at 100,000), which a
   * segment per constant would exceed in a policy with that many distinct strings and numbers. Alignment
   * gaps are zeros.
   */
  private segments(): Array<{ offset: number; bytes: Uint8Array }> {
    if (this.data.length === 0) return [];
    const start = this.data[0].offset;
    const bytes = new Uint8Array(this.dataEnd - start);
    for (const seg of this.data) bytes.set(seg.bytes, seg.offset - start);
    return [{ offset: start, bytes }];
  }

  /** The first address past all static data, 16-byte aligned: where the heap starts. */
  heapBase(): number {
    return align(this.dataEnd, 16);
  }

  exportFunction(name: string, index: number): void {
    this.exports.push({ name, kind: ExternalKind.Function, index });
  }

  setStart(index: number): void {
    this.start = index;
  }

  /**
   * Static data that does not fit the memory the SDK creates (5 pages) cannot be active: instantiation would
   * fail before the module could grow memory. Such policies keep their data in passive segments that the start
   * function copies in (`emitDataInit`) after growing memory.
   */
  private passiveData(): boolean {
    return this.heapBase() > SDK_INITIAL_PAGES * PAGE;
  }

  /** Grows memory to hold the static data and copies passive segments in; nothing when data fits. */
  emitDataInit(fb: FunctionBuilder): void {
    if (!this.passiveData()) return;
    const pages = Math.ceil(this.heapBase() / PAGE);
    fb.block((done) => {
      fb.memorySize().i32Const(pages).op(Op.I32GeU).brIf(done);
      fb.i32Const(pages).memorySize().op(Op.I32Sub).memoryGrow().op(Op.Drop);
    });
    this.segments().forEach((seg, i) => {
      const index = this.runtime.data.length + i;
      fb.i32Const(seg.offset).i32Const(0).i32Const(seg.bytes.length).memoryInit(index).dataDrop(index);
    });
  }

  emit(): Uint8Array<ArrayBuffer> {
    for (const f of this.functions) if (!f.body) throw new Error(`function ${f.name} declared but not defined`);
    const heapBase = this.heapBase();
    const passive = this.passiveData();
    const minPages = passive ? 1 : Math.max(1, Math.ceil(heapBase / PAGE));
    const out = new ByteWriter(this.runtime.code.reduce((n, c) => n + c.length + 5, 4096));
    out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

    section(out, Section.Type, this.types.length, (w) => this.types.forEach((t) => encodeFuncType(w, t)));
    section(out, Section.Import, this.runtime.imports.length, (w) => {
      for (const imp of this.runtime.imports) {
        w.name(imp.module).name(imp.field).byte(imp.kind);
        if (imp.kind === ExternalKind.Function) w.u32(imp.typeIndex!);
        else if (imp.kind === ExternalKind.Memory) {
          const mem = imp.memory!;
          const min = Math.max(mem.min, minPages);
          if (mem.max !== undefined) w.byte(mem.shared ? 3 : 1).u32(min).u32(Math.max(mem.max, min));
          else w.byte(0).u32(min);
        } else w.bytes(imp.raw!);
      }
    });
    const fnTypes = [...this.runtime.functions, ...this.functions.map((f) => f.typeIndex)];
    section(out, Section.Function, fnTypes.length, (w) => fnTypes.forEach((t) => w.u32(t)));
    section(out, Section.Table, this.runtime.tables.length, (w) => this.runtime.tables.forEach((t) => w.bytes(t)));
    section(out, Section.Memory, this.runtime.memories.length, (w) => {
      for (const mem of this.runtime.memories) {
        const min = Math.max(mem.min, minPages);
        if (mem.max !== undefined) w.byte(1).u32(min).u32(Math.max(mem.max, min));
        else w.byte(0).u32(min);
      }
    });
    const globals = [...this.runtime.globals, ...this.globals];
    section(out, Section.Global, globals.length, (w) => {
      for (const g of globals) w.byte(g.type).byte(g.mutable ? 1 : 0).bytes(g.init);
    });
    const keep = new Set(RUNTIME_ABI_EXPORTS);
    const exportEntries = [...this.runtime.exports.filter((e) => keep.has(e.name)), ...this.exports];
    section(out, Section.Export, exportEntries.length, (w) => {
      for (const e of exportEntries) w.name(e.name).byte(e.kind).u32(e.index);
    });
    if (this.start !== undefined) {
      const w = new ByteWriter(8).u32(this.start);
      out.byte(Section.Start).sized(w);
    }
    if (this.runtime.elements) {
      const w = new ByteWriter().u32(this.runtime.elements.count).bytes(this.runtime.elements.raw);
      out.byte(Section.Element).sized(w);
    }
    const policySegments = this.segments();
    const segmentCount = this.runtime.data.length + policySegments.length;
    if (this.runtime.dataCount !== undefined || passive) out.byte(Section.DataCount).sized(new ByteWriter(8).u32(segmentCount));
    const bodies = [...this.runtime.code, ...this.functions.map((f) => f.body!)];
    section(out, Section.Code, bodies.length, (w) => bodies.forEach((b) => w.sized(b)));
    section(out, Section.Data, segmentCount, (w) => {
      for (const seg of this.runtime.data) {
        if (seg.raw) w.bytes(seg.raw);
        else w.u32(0).byte(0x41).i32(seg.offset!).byte(0x0b).sized(seg.bytes);
      }
      for (const seg of policySegments) {
        if (passive) w.u32(1).sized(seg.bytes);
        else w.u32(0).byte(0x41).i32(seg.offset).byte(0x0b).sized(seg.bytes);
      }
    });
    return out.finish().slice();
  }
}

/** The runtime is the same for every compile; its parsed form is read once per bytes and never mutated. */
const parsedRuntimes = new WeakMap<Uint8Array, WasmModule>();

function readRuntime(bytes: Uint8Array): WasmModule {
  let parsed = parsedRuntimes.get(bytes);
  if (!parsed) {
    parsed = readModule(bytes);
    parsedRuntimes.set(bytes, parsed);
  }
  return parsed;
}

function section(out: ByteWriter, id: Section, count: number, write: (w: ByteWriter) => void): void {
  if (count === 0) return;
  const w = new ByteWriter(1024);
  w.u32(count);
  write(w);
  out.byte(id).sized(w);
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
