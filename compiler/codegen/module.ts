/**
 * The per-policy code generation context: wraps the linker's module builder with what every generated function
 * needs — runtime functions by name, constant values (built once by the start function and kept in globals),
 * static strings, the evaluation-state globals, memo slots, and a worklist of rule functions generated on demand.
 */
import { createHash } from "crypto";
import type { Body, Term } from "../syntax/ast";
import type { Program } from "../check/program";
import { ModuleBuilder } from "../wasm/link";
import { FunctionBuilder } from "../wasm/function";
import { Op, ValType } from "../wasm/encoding";
import { buildRuleTree, RuleNode } from "./tree";
import { collectWithTargets, WithTargets } from "./with-targets";
import { TraceEmitter } from "./trace";

const I32 = ValType.I32;

export interface CodegenOptions {
  /** Host-provided builtins (name → arity) callable through `opa_builtinN`. */
  hostBuiltins: ReadonlyMap<string, number>;
  /** Builtin errors abort evaluation instead of making the expression undefined. */
  strictBuiltinErrors: boolean;
  /** Report evaluation events to the host (codegen/trace.ts); off, the module has no trace code at all. */
  trace?: boolean;
}

/** A generated function waiting for its body. */
interface PendingFunction {
  index: number;
  generate: () => Uint8Array;
}

export class ModuleContext {
  readonly mb: ModuleBuilder;
  readonly tree: RuleNode;
  readonly withTargets: WithTargets;
  /** Globals holding the evaluation state. */
  readonly gInput: number;
  readonly gData: number;
  readonly gMemo: number;
  /** The trace instrumentation, when compiling with `trace`. */
  readonly tracer?: TraceEmitter;
  private memoSlots = 0;
  private readonly rtCache = new Map<string, number>();
  private readonly constGlobals = new Map<string, number>();
  private readonly constBuilders: Array<(fb: FunctionBuilder, scratch: number) => void> = [];
  private readonly functionsByKey = new Map<string, number>();
  private readonly pending: PendingFunction[] = [];
  private readonly hostBuiltinIds = new Map<string, number>();
  private readonly extraGlobals = new Map<string, number>();

  constructor(
    runtime: Uint8Array,
    readonly program: Program,
    readonly options: CodegenOptions,
    extraBodies: readonly Body[] = [],
  ) {
    this.mb = new ModuleBuilder(runtime);
    this.tree = buildRuleTree(
      program.rules,
      program.modules.map((m) => m.package.path),
    );
    this.withTargets = collectWithTargets(program, extraBodies);
    this.gInput = this.mutableGlobal();
    this.gData = this.mutableGlobal();
    this.gMemo = this.mutableGlobal();
    if (options.trace) this.tracer = new TraceEmitter(this);
  }

  /** A mutable i32 global initialised to 0. */
  mutableGlobal(): number {
    return this.mb.addGlobal(I32, true, new Uint8Array([Op.I32Const, 0, Op.End]));
  }

  /** The globals `namedGlobal` created: evaluation-scoped state that every evaluation starts at 0. */
  get stateGlobals(): number[] {
    return [...this.extraGlobals.entries()].filter(([name]) => name !== "memo:size").map(([, index]) => index);
  }

  /** A named mutable global, created on first use (with-override and mock state). */
  namedGlobal(name: string): number {
    let index = this.extraGlobals.get(name);
    if (index === undefined) {
      index = this.mutableGlobal();
      this.extraGlobals.set(name, index);
    }
    return index;
  }

  rt(name: string): number {
    let index = this.rtCache.get(name);
    if (index === undefined) {
      index = this.mb.runtimeFunction(name);
      this.rtCache.set(name, index);
    }
    return index;
  }

  hasRt(name: string): boolean {
    return this.mb.hasRuntimeFunction(name);
  }

  /** A fresh memo slot index for a rule value computed at most once per evaluation. */
  memoSlot(): number {
    return this.memoSlots++;
  }

  get memoSlotCount(): number {
    return this.memoSlots;
  }

  /** Static UTF-8 bytes; returns [address, length]. */
  bytes(text: string, nulTerminated = false): [number, number] {
    const encoded = new TextEncoder().encode(nulTerminated ? text + "\0" : text);
    return [this.mb.addData(encoded), encoded.length - (nulTerminated ? 1 : 0)];
  }

  /** The address of a NUL-terminated message for `rt_abort`. */
  message(text: string): number {
    return this.bytes(text, true)[0];
  }

  /**
   * The global holding a constant value (a ground term without refs, calls or comprehensions), built once at
   * instantiation. Equal constants share a global.
   */
  constant(term: Term): number {
    const key = constantKey(term);
    let index = this.constGlobals.get(key);
    if (index !== undefined) return index;
    const parts: number[] = [];
    if (term.type === "array" || term.type === "set") for (const item of term.items) parts.push(this.constant(item));
    if (term.type === "object") for (const [k, v] of term.entries) parts.push(this.constant(k), this.constant(v));
    index = this.mutableGlobal();
    const target = index;
    this.constGlobals.set(key, index);
    this.constBuilders.push((fb, scratch) => {
      this.buildConstant(fb, term, parts, scratch);
      fb.globalSet(target);
    });
    return index;
  }

  /** The constant global for a JSON-like string. */
  stringConstant(value: string): number {
    return this.constant({ type: "string", value, loc: NO_LOC });
  }

  private buildConstant(fb: FunctionBuilder, term: Term, parts: number[], tmp: number): void {
    switch (term.type) {
      case "null":
        fb.call(this.rt("opa_null"));
        return;
      case "boolean":
        fb.i32Const(term.value ? 1 : 0).call(this.rt("opa_boolean"));
        return;
      case "number": {
        const [ptr, len] = this.bytes(term.text);
        fb.i32Const(ptr).i32Const(len).call(this.rt("opa_number_ref"));
        return;
      }
      case "string": {
        const [ptr, len] = this.bytes(term.value);
        fb.i32Const(ptr).i32Const(len).call(this.rt("opa_string"));
        return;
      }
      case "array":
      case "set":
      case "object": {
        if (term.type === "array") fb.i32Const(parts.length).call(this.rt("opa_array_with_cap"));
        else fb.call(this.rt(term.type === "set" ? "opa_set" : "opa_object"));
        fb.set(tmp);
        if (term.type === "object") {
          for (let i = 0; i < parts.length; i += 2) {
            fb.get(tmp).globalGet(parts[i]).globalGet(parts[i + 1]).call(this.rt("opa_object_insert"));
          }
        } else {
          const add = this.rt(term.type === "array" ? "opa_array_append" : "opa_set_add");
          for (const p of parts) fb.get(tmp).globalGet(p).call(add);
        }
        fb.get(tmp);
        return;
      }
      default:
        throw new Error(`not a constant: ${term.type}`);
    }
  }

  /** Emits the instructions that build every constant; called once all functions are generated. */
  emitConstantBuilders(fb: FunctionBuilder): void {
    // One local serves every collection: each is complete (and stored in its global) before the next begins,
    // and a local per collection would exceed the engines' 50,000 locals once a policy has that many.
    const scratch = fb.local();
    for (const build of this.constBuilders) build(fb, scratch);
  }

  /**
   * Declares (once per key) a generated function and queues `generate` to produce its body; returns its index.
   * Generation is deferred so functions can refer to each other in any order.
   */
  lazyFunction(key: string, name: string, params: number, generate: () => Uint8Array): number {
    let index = this.functionsByKey.get(key);
    if (index === undefined) {
      index = this.mb.declareFunction(name, { params: new Array(params).fill(I32), results: [I32] });
      this.functionsByKey.set(key, index);
      this.pending.push({ index, generate });
    }
    return index;
  }

  /** Generates every queued function, including those queued while generating. */
  drain(): void {
    while (this.pending.length > 0) {
      const next = this.pending.shift()!;
      this.mb.defineFunction(next.index, next.generate());
    }
  }

  /** The id under which a host builtin is listed in the module's `builtins()` object. */
  hostBuiltinId(name: string): number {
    let id = this.hostBuiltinIds.get(name);
    if (id === undefined) {
      id = this.hostBuiltinIds.size;
      this.hostBuiltinIds.set(name, id);
    }
    return id;
  }

  get hostBuiltinsUsed(): ReadonlyMap<string, number> {
    return this.hostBuiltinIds;
  }
}

const NO_LOC = { file: "", row: 0, col: 0, offset: 0, end: 0 };

// Both are asked of every level of a nested literal (`[[[…]]]` tens of thousands deep), so each term's answer is
// kept: recomputing it per level would make constant planning quadratic in the nesting depth.
const constantness = new WeakMap<Term, boolean>();
const constantKeys = new WeakMap<Term, string>();

/** Whether a term is a constant: scalars and collections of constants. */
export function isConstant(term: Term): boolean {
  switch (term.type) {
    case "null":
    case "boolean":
    case "number":
    case "string":
      return true;
    case "array":
    case "set":
    case "object": {
      let known = constantness.get(term);
      if (known === undefined) {
        known = term.type === "object" ? term.entries.every(([k, v]) => isConstant(k) && isConstant(v)) : term.items.every(isConstant);
        constantness.set(term, known);
      }
      return known;
    }
    default:
      return false;
  }
}

/**
 * A constant's canonical text: equal constants (wherever they were written) have equal keys. A collection's key
 * names long elements by a digest of their keys, so a key stays as long as the collection is wide, not as big
 * as the whole value.
 */
export function constantKey(term: Term): string {
  switch (term.type) {
    case "null":
      return "n";
    case "boolean":
      return term.value ? "t" : "f";
    case "number":
      return "#" + term.text;
    case "string":
      return "s" + JSON.stringify(term.value);
    case "array":
    case "set":
    case "object": {
      let key = constantKeys.get(term);
      if (key === undefined) {
        const parts = term.type === "object" ? term.entries.map(([k, v]) => keyId(k) + ":" + keyId(v)) : term.items.map(keyId);
        const [open, close] = term.type === "array" ? ["[", "]"] : term.type === "set" ? ["{", "}"] : ["(", ")"];
        key = open + parts.join(",") + close;
        constantKeys.set(term, key);
      }
      return key;
    }
    default:
      throw new Error(`not a constant: ${term.type}`);
  }
}

/** An element's key inside its collection's key: long keys are replaced by their SHA-256 digest. */
function keyId(term: Term): string {
  const key = constantKey(term);
  return key.length <= 64 ? key : "h" + createHash("sha256").update(key).digest("base64");
}
