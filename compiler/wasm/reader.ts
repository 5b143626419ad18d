/**
 * Reads a WebAssembly module (the prebuilt runtime) into the parts the linker needs: types, imports, function
 * type indices, globals, exports and data segments decoded; tables, elements and code kept as raw bytes, since
 * the linker appends to them without renumbering anything already there.
 */
import { ExternalKind, FuncType, Section, ValType } from "./encoding";

export interface ImportEntry {
  module: string;
  field: string;
  kind: ExternalKind;
  /** Function imports: the type index. */
  typeIndex?: number;
  /** Memory imports: limits. */
  memory?: { min: number; max?: number; shared?: boolean };
  /** Table and global imports are kept verbatim (descriptor bytes after the kind byte). */
  raw?: Uint8Array;
}

export interface ExportEntry {
  name: string;
  kind: ExternalKind;
  index: number;
}

export interface GlobalEntry {
  type: ValType;
  mutable: boolean;
  /** The init expression including its `end` byte. */
  init: Uint8Array;
}

export interface DataSegment {
  /** Active segments in memory 0 with an `i32.const` offset have `offset`; others keep `raw`. */
  offset?: number;
  bytes: Uint8Array;
  raw?: Uint8Array;
}

export interface WasmModule {
  types: FuncType[];
  imports: ImportEntry[];
  functions: number[];
  tables: Uint8Array[];
  memories: Array<{ min: number; max?: number }>;
  globals: GlobalEntry[];
  exports: ExportEntry[];
  start?: number;
  elements: { count: number; raw: Uint8Array } | null;
  dataCount?: number;
  code: Uint8Array[];
  data: DataSegment[];
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error("wasm: unexpected end of module");
    return this.bytes[this.pos++];
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }

  i32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 32 && b & 0x40) result |= ~0 << shift;
    return result | 0;
  }

  slice(n: number): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(): string {
    return new TextDecoder().decode(this.slice(this.u32()));
  }

  limits(): { min: number; max?: number; shared?: boolean } {
    const flags = this.byte();
    const min = this.u32();
    const max = flags & 1 ? this.u32() : undefined;
    return flags & 2 ? { min, max, shared: true } : max === undefined ? { min } : { min, max };
  }

  /** Skips a constant expression, returning its bytes including `end`. */
  constExpr(): Uint8Array {
    const start = this.pos;
    for (;;) {
      const op = this.byte();
      switch (op) {
        case 0x0b:
          return this.bytes.subarray(start, this.pos);
        case 0x41:
          this.i32();
          break;
        case 0x42:
          while (this.byte() & 0x80);
          break;
        case 0x43:
          this.pos += 4;
          break;
        case 0x44:
          this.pos += 8;
          break;
        case 0x23:
        case 0xd2:
          this.u32();
          break;
        case 0xd0:
          this.byte();
          break;
        default:
          throw new Error(`wasm: unsupported opcode 0x${op.toString(16)} in a constant expression`);
      }
    }
  }
}

export function readModule(bytes: Uint8Array): WasmModule {
  const r = new Reader(bytes);
  const magic = r.slice(8);
  if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d || magic[4] !== 1) {
    throw new Error("wasm: not a version-1 WebAssembly module");
  }
  const m: WasmModule = {
    types: [],
    imports: [],
    functions: [],
    tables: [],
    memories: [],
    globals: [],
    exports: [],
    elements: null,
    code: [],
    data: [],
  };
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    switch (id as Section) {
      case Section.Type:
        for (let n = r.u32(); n > 0; n--) {
          if (r.byte() !== 0x60) throw new Error("wasm: unsupported type form");
          const params = Array.from({ length: r.u32() }, () => r.byte() as ValType);
          const results = Array.from({ length: r.u32() }, () => r.byte() as ValType);
          m.types.push({ params, results });
        }
        break;
      case Section.Import:
        for (let n = r.u32(); n > 0; n--) {
          const module = r.name();
          const field = r.name();
          const kind = r.byte() as ExternalKind;
          if (kind === ExternalKind.Function) m.imports.push({ module, field, kind, typeIndex: r.u32() });
          else if (kind === ExternalKind.Memory) m.imports.push({ module, field, kind, memory: r.limits() });
          else {
            const start = r.pos;
            if (kind === ExternalKind.Table) {
              r.byte();
              r.limits();
            } else {
              r.byte();
              r.byte();
            }
            m.imports.push({ module, field, kind, raw: bytes.subarray(start, r.pos) });
          }
        }
        break;
      case Section.Function:
        for (let n = r.u32(); n > 0; n--) m.functions.push(r.u32());
        break;
      case Section.Table:
        for (let n = r.u32(); n > 0; n--) {
          const start = r.pos;
          r.byte();
          r.limits();
          m.tables.push(bytes.subarray(start, r.pos));
        }
        break;
      case Section.Memory:
        for (let n = r.u32(); n > 0; n--) m.memories.push(r.limits());
        break;
      case Section.Global:
        for (let n = r.u32(); n > 0; n--) {
          const type = r.byte() as ValType;
          const mutable = r.byte() === 1;
          m.globals.push({ type, mutable, init: r.constExpr() });
        }
        break;
      case Section.Export:
        for (let n = r.u32(); n > 0; n--) {
          const name = r.name();
          const kind = r.byte() as ExternalKind;
          m.exports.push({ name, kind, index: r.u32() });
        }
        break;
      case Section.Start:
        m.start = r.u32();
        break;
      case Section.Element: {
        const count = r.u32();
        m.elements = { count, raw: r.slice(end - r.pos) };
        break;
      }
      case Section.DataCount:
        m.dataCount = r.u32();
        break;
      case Section.Code:
        for (let n = r.u32(); n > 0; n--) m.code.push(r.slice(r.u32()));
        break;
      case Section.Data:
        for (let n = r.u32(); n > 0; n--) {
          const start = r.pos;
          const flags = r.u32();
          if (flags === 0) {
            const expr = r.constExpr();
            const bytesOfSegment = r.slice(r.u32());
            const offset = expr[0] === 0x41 ? new Reader(expr.subarray(1)).i32() : undefined;
            m.data.push(offset === undefined ? { bytes: bytesOfSegment, raw: bytes.subarray(start, r.pos) } : { offset, bytes: bytesOfSegment });
          } else {
            if (flags === 2) {
              r.u32();
              r.constExpr();
            }
            const bytesOfSegment = r.slice(r.u32());
            m.data.push({ bytes: bytesOfSegment, raw: bytes.subarray(start, r.pos) });
          }
        }
        break;
      case Section.Custom:
        break;
      default:
        throw new Error(`wasm: unknown section id ${id}`);
    }
    r.pos = end;
  }
  return m;
}

/** Number of imported functions: the index of the module's first defined function. */
export function importedFunctionCount(m: WasmModule): number {
  return m.imports.filter((i) => i.kind === ExternalKind.Function).length;
}

export function importedGlobalCount(m: WasmModule): number {
  return m.imports.filter((i) => i.kind === ExternalKind.Global).length;
}

/** The first address past every active data segment with a known offset. */
export function staticDataEnd(m: WasmModule): number {
  let end = 0;
  for (const seg of m.data) if (seg.offset !== undefined) end = Math.max(end, seg.offset + seg.bytes.length);
  return end;
}
