/**
 * Trace instrumentation (`compile({ trace: true })` only): emits the code that appends each evaluation event (site
 * index, query id, parent query id) to a buffer in the module's memory and hands the buffer to the host through
 * the internal builtin `TRACE_BUILTIN` when it is new or full and at each `trace()` note (trace/recorder.ts reads
 * it). Query ids are counted per evaluation; a rule function reads its caller's query from a global.
 */
import type { Expr } from "../syntax/ast";
import { Op } from "../wasm/encoding";
import { FunctionBuilder } from "../wasm/function";
import type { ModuleContext } from "./module";
import { RECORD_BYTES, RECORDS_AT, TRACE_BUFFER_RECORDS, TRACE_BUILTIN } from "../trace/recorder";
import type { TraceSite } from "../trace/sites";

/** `i64.extend_i32_u`: the buffer's address goes to the host as a number, made by `opa_number_int(i64)`. */
const I64_EXTEND_I32_U = 0xad;

export class TraceEmitter {
  readonly sites: TraceSite[] = [];
  /** Expressions shown otherwise than printed: an entrypoint's `result = data.pkg.rule` as OPA's `data.pkg.rule = _`. */
  readonly shown = new WeakMap<Expr, string>();
  private readonly siteIndex = new Map<string, number>();
  /** The query a rule function's caller runs in, set just before each call. */
  private readonly gCaller: number;
  /** The last query id handed out in this evaluation (state globals start at 0). */
  private readonly gCount: number;
  /** This evaluation's event buffer (0 until the first event). */
  private readonly gBuffer: number;
  private recordFn?: number;

  constructor(private readonly ctx: ModuleContext) {
    this.gCaller = ctx.namedGlobal("trace:caller");
    this.gCount = ctx.namedGlobal("trace:count");
    this.gBuffer = ctx.namedGlobal("trace:buffer");
  }

  /** The index of a site, shared by equal sites. */
  site(site: TraceSite): number {
    const key = JSON.stringify([site.op, site.kind, site.location, site.node, site.message ?? ""]);
    let index = this.siteIndex.get(key);
    if (index === undefined) {
      index = this.sites.length;
      this.sites.push(site);
      this.siteIndex.set(key, index);
    }
    return index;
  }

  /** A fresh query id in a new local. */
  newQuery(fb: FunctionBuilder): number {
    const q = fb.local();
    fb.globalGet(this.gCount).i32Const(1).op(Op.I32Add).tee(q).globalSet(this.gCount);
    return q;
  }

  /** A local holding the query the current rule function was called from. */
  callerQuery(fb: FunctionBuilder): number {
    const parent = fb.local();
    fb.globalGet(this.gCaller).set(parent);
    return parent;
  }

  /** Marks the query a rule or function call is made from; the callee's bodies are its children. */
  beforeCall(fb: FunctionBuilder, query: number): void {
    if (query >= 0) fb.get(query).globalSet(this.gCaller);
  }

  /**
   * Reports one event: `site` in query `query` (a local); for `Enter`, the parent query (a local) besides. A note
   * site is handed over at once, so the note `trace()` sends next finds its place.
   */
  event(fb: FunctionBuilder, site: TraceSite, query: number, parent = query): void {
    fb.i32Const(this.site(site)).get(query).get(parent).i32Const(site.op === "Note" ? 1 : 0);
    fb.call(this.record()).op(Op.Drop);
  }

  /** `record(site, query, parent, handOver)`: appends a record, handing the buffer over first when it is full. */
  private record(): number {
    this.recordFn ??= this.ctx.lazyFunction("trace:record", "trace_record", 4, () => {
      const fb = new FunctionBuilder(4);
      const [site, query, parent, handOver] = [0, 1, 2, 3];
      const count = fb.local();
      const at = fb.local();
      fb.globalGet(this.gBuffer).op(Op.I32Eqz);
      fb.ifElse(() => {
        fb.i32Const(RECORDS_AT + TRACE_BUFFER_RECORDS * RECORD_BYTES).call(this.ctx.rt("opa_malloc")).globalSet(this.gBuffer);
        fb.globalGet(this.gBuffer).i32Const(0).store32(0);
        this.handOver(fb);
      });
      fb.globalGet(this.gBuffer).load32(0).set(count);
      // The host empties the buffer (count 0) whenever it is handed over.
      fb.get(count).i32Const(TRACE_BUFFER_RECORDS).op(Op.I32Eq);
      fb.ifElse(() => {
        this.handOver(fb);
        fb.i32Const(0).set(count);
      });
      fb.globalGet(this.gBuffer).get(count).i32Const(RECORD_BYTES).op(Op.I32Mul).op(Op.I32Add).set(at);
      fb.get(at).get(site).store32(RECORDS_AT);
      fb.get(at).get(query).store32(RECORDS_AT + 4);
      fb.get(at).get(parent).store32(RECORDS_AT + 8);
      fb.globalGet(this.gBuffer).get(count).i32Const(1).op(Op.I32Add).store32(0);
      fb.get(handOver).ifElse(() => this.handOver(fb));
      fb.i32Const(0);
      return fb.finish();
    });
    return this.recordFn;
  }

  /** Calls `TRACE_BUILTIN(address of the buffer)`. */
  private handOver(fb: FunctionBuilder): void {
    fb.i32Const(this.ctx.hostBuiltinId(TRACE_BUILTIN));
    fb.globalGet(this.gBuffer).op(I64_EXTEND_I32_U as Op).call(this.ctx.rt("opa_number_int"));
    fb.call(this.ctx.rt("rt_host1")).op(Op.Drop);
  }
}
