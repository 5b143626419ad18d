/**
 * Generates a whole policy module from a checked program and its entrypoint queries: one function per
 * entrypoint (returning the query's result set), the ABI's evaluation exports (`opa_eval`, the eval-context
 * functions, `builtins`, `entrypoints`) and the start function that initialises the runtime and the constants.
 */
import type { Program, CheckedQuery } from "../check/program";
import { Op } from "../wasm/encoding";
import { FunctionBuilder, Label } from "../wasm/function";
import { BodyPlanner } from "./body";
import { CodegenOptions, ModuleContext } from "./module";
import { RuleFunctions } from "./rules";
import { querySite, type TraceSite } from "../trace/sites";

export interface Entrypoint {
  /** The name the `entrypoints()` export lists, e.g. `gtcors/deny`. */
  name: string;
  query: CheckedQuery;
  /** How a trace shows the query, when not as printed: OPA's `data.pkg.rule = _` for a rule entrypoint. */
  shown?: string;
}

/** Byte offsets of the eval context the pre-1.2 ABI functions use. */
const CTX_ENTRYPOINT = 0;
const CTX_DATA = 4;
const CTX_INPUT = 8;
const CTX_RESULT = 12;

export function generateModule(
  runtime: Uint8Array,
  program: Program,
  entrypoints: readonly Entrypoint[],
  options: CodegenOptions,
  /** Receives the trace site table when compiling with `options.trace`. */
  onTraceSites?: (sites: TraceSite[]) => void,
): Uint8Array<ArrayBuffer> {
  const ctx = new ModuleContext(runtime, program, options, entrypoints.map((e) => e.query.body));
  const rules = new RuleFunctions(ctx);
  const entryFns = entrypoints.map((ep, i) =>
    ctx.lazyFunction(`entry:${i}`, `entry:${ep.name}`, 0, () => generateEntrypoint(ctx, rules, ep)),
  );
  ctx.drain();

  const dispatch = (fb: FunctionBuilder, entrypointLocal: number, result: number): void => {
    fb.block((done) => {
      fb.block((invalid) => {
        const labels: Label[] = [];
        const open = (i: number): void => {
          if (i === entryFns.length) {
            fb.get(entrypointLocal).brTable(labels, invalid);
            return;
          }
          fb.block((l) => {
            labels.push(l);
            open(i + 1);
          });
          fb.call(entryFns[i]).set(result).br(done);
        };
        open(0);
      });
      fb.i32Const(ctx.message("invalid entrypoint id")).call(ctx.rt("rt_abort"));
    });
  };

  const resetState = (fb: FunctionBuilder): void => {
    for (const g of ctx.stateGlobals) fb.i32Const(0).globalSet(g);
    rules.emitNewMemoTable(fb);
  };

  // opa_eval(reserved, entrypoint, data, input, input_len, heap_ptr, format) -> result JSON address
  exported(ctx, "opa_eval", 7, (fb) => {
    const result = fb.local();
    fb.get(5).call(ctx.rt("opa_heap_ptr_set"));
    fb.get(2).globalSet(ctx.gData);
    fb.get(4).op(Op.I32Eqz);
    fb.ifElse(
      () => fb.i32Const(0).globalSet(ctx.gInput),
      () => {
        // Input that does not parse must not evaluate as "no input": a gate would then fail open.
        fb.get(3).get(4).call(ctx.rt("opa_value_parse")).globalSet(ctx.gInput);
        fb.globalGet(ctx.gInput).op(Op.I32Eqz);
        fb.ifElse(() => fb.i32Const(ctx.message("opa_eval: input is not valid JSON")).call(ctx.rt("rt_abort")));
      },
    );
    resetState(fb);
    dispatch(fb, 1, result);
    fb.get(6);
    fb.ifElse(
      () => fb.get(result).call(ctx.rt("opa_value_dump")).set(result),
      () => fb.get(result).call(ctx.rt("opa_json_dump")).set(result),
    );
    fb.get(result);
  });

  exported(ctx, "opa_eval_ctx_new", 0, (fb) => {
    const c = fb.local();
    fb.i32Const(16).call(ctx.rt("opa_malloc")).set(c);
    for (const offset of [CTX_ENTRYPOINT, CTX_DATA, CTX_INPUT, CTX_RESULT]) fb.get(c).i32Const(0).store32(offset);
    fb.get(c);
  });
  for (const [name, offset] of [
    ["opa_eval_ctx_set_input", CTX_INPUT],
    ["opa_eval_ctx_set_data", CTX_DATA],
    ["opa_eval_ctx_set_entrypoint", CTX_ENTRYPOINT],
  ] as const) {
    exported(ctx, name, 2, (fb) => fb.get(0).get(1).store32(offset), true);
  }
  exported(ctx, "opa_eval_ctx_get_result", 1, (fb) => fb.get(0).load32(CTX_RESULT));
  exported(ctx, "eval", 1, (fb) => {
    const result = fb.local();
    const entry = fb.local();
    fb.get(0).load32(CTX_DATA).globalSet(ctx.gData);
    fb.get(0).load32(CTX_INPUT).globalSet(ctx.gInput);
    fb.get(0).load32(CTX_ENTRYPOINT).set(entry);
    resetState(fb);
    dispatch(fb, entry, result);
    fb.get(0).get(result).store32(CTX_RESULT);
    fb.i32Const(0);
  });
  exported(ctx, "entrypoints", 0, (fb) => {
    const obj = fb.local();
    fb.call(ctx.rt("opa_object")).set(obj);
    entrypoints.forEach((ep, i) => {
      fb.get(obj).globalGet(ctx.stringConstant(ep.name));
      fb.globalGet(ctx.constant({ type: "number", text: String(i), loc: ep.query.loc }));
      fb.call(ctx.rt("opa_object_insert"));
    });
    fb.get(obj);
  });
  // `builtins()` must list every host builtin the functions above call, so it is generated after them.
  exported(ctx, "builtins", 0, (fb) => {
    const obj = fb.local();
    fb.call(ctx.rt("opa_object")).set(obj);
    for (const [name, id] of ctx.hostBuiltinsUsed) {
      fb.get(obj).globalGet(ctx.stringConstant(name));
      fb.globalGet(ctx.constant({ type: "number", text: String(id), loc: entrypoints[0]?.query.loc ?? NO_LOC }));
      fb.call(ctx.rt("opa_object_insert"));
    }
    fb.get(obj);
  });

  ctx.drain();

  const constants = ctx.mb.declareFunction("init_constants", { params: [], results: [] });
  const constFb = new FunctionBuilder(0);
  ctx.emitConstantBuilders(constFb);
  ctx.mb.defineFunction(constants, constFb.finish());

  const start = ctx.mb.declareFunction("start", { params: [], results: [] });
  const startFb = new FunctionBuilder(0);
  ctx.mb.emitDataInit(startFb);
  startFb.i32Const(ctx.mb.heapBase()).call(ctx.rt("rt_init"));
  startFb.call(constants);
  startFb.i32Const(ctx.memoSlotCount * 4).globalSet(ctx.namedGlobal("memo:size"));
  ctx.mb.defineFunction(start, startFb.finish());
  ctx.mb.setStart(start);
  if (ctx.tracer) onTraceSites?.(ctx.tracer.sites);
  return ctx.mb.emit();
}

const NO_LOC = { file: "", row: 0, col: 0, offset: 0, end: 0 };

/** Declares, generates and exports a function whose body leaves its i32 result (nothing when `isVoid`). */
function exported(ctx: ModuleContext, name: string, params: number, body: (fb: FunctionBuilder) => void, isVoid = false): number {
  const index = ctx.mb.declareFunction(name, { params: new Array(params).fill(0x7f), results: isVoid ? [] : [0x7f] });
  const fb = new FunctionBuilder(params);
  body(fb);
  ctx.mb.defineFunction(index, fb.finish());
  ctx.mb.exportFunction(name, index);
  return index;
}

function generateEntrypoint(ctx: ModuleContext, rules: RuleFunctions, ep: Entrypoint): Uint8Array {
  const query = ep.query;
  const fb = new FunctionBuilder(0);
  const results = fb.local();
  fb.call(ctx.rt("opa_set")).set(results);
  const p = new BodyPlanner(ctx, fb, rules);
  const tracer = ctx.tracer;
  const shown = query.body.length === 1 ? ep.shown : undefined;
  if (tracer && shown !== undefined) tracer.shown.set(query.body[0], shown);
  const site = (op: "Enter" | "Exit" | "Redo") => querySite(op, query.body, query.loc, shown);
  fb.block((fail) => {
    p.fail = fail;
    // The top-level query is the trace's first query (its parent, 0, is no query).
    if (tracer) p.query = tracer.newQuery(fb);
    if (tracer) tracer.event(fb, site("Enter"), p.query, tracer.callerQuery(fb));
    p.planBody(query.body, () => {
      if (tracer) tracer.event(fb, site("Exit"), p.query);
      fb.call(ctx.rt("opa_object"));
      const binding = p.temp();
      for (const name of query.outputVars) {
        if (!p.isBound(name)) continue;
        p.callRt("opa_object_insert", binding, { global: ctx.stringConstant(name) }, { local: p.localFor(name) });
      }
      p.callRt("opa_set_add", { local: results }, binding);
      if (tracer) tracer.event(fb, site("Redo"), p.query);
    });
  });
  fb.get(results);
  return fb.finish();
}
