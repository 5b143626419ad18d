/**
 * Trace instrumentation (`compile({ trace: true })` only): emits the calls through which a module reports
 * evaluation events to the host — the internal host builtin `TRACE_BUILTIN` with a site index (a constant), the
 * id of the query the event belongs to and, for `Enter`, its parent query. Query ids are counted per evaluation;
 * a rule function reads its caller's query from a global set at each call.
 */
import type { Expr, Location } from "../syntax/ast";
import { Op } from "../wasm/encoding";
import type { FunctionBuilder } from "../wasm/function";
import type { ModuleContext } from "./module";
import { TRACE_BUILTIN } from "../trace/recorder";
import type { TraceSite } from "../trace/sites";

/** `i64.extend_i32_u`: query ids are passed to the runtime's `opa_number_int`, which takes an i64. */
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

  constructor(private readonly ctx: ModuleContext) {
    this.gCaller = ctx.namedGlobal("trace:caller");
    this.gCount = ctx.namedGlobal("trace:count");
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

  /** Reports one event: `site` in query `query` (a local); `parent` (a local) for `Enter`. */
  event(fb: FunctionBuilder, site: TraceSite, query: number, parent = query): void {
    const index = this.site(site);
    fb.i32Const(this.ctx.hostBuiltinId(TRACE_BUILTIN));
    fb.globalGet(this.ctx.constant({ type: "number", text: String(index), loc: NO_LOC }));
    for (const q of [query, parent]) fb.get(q).op(I64_EXTEND_I32_U as Op).call(this.ctx.rt("opa_number_int"));
    fb.call(this.ctx.rt("rt_host3")).op(Op.Drop);
  }
}

const NO_LOC: Location = { file: "", row: 0, col: 0, offset: 0, end: 0 };
