/**
 * Plans calls: user functions, builtins inside the runtime (with strict-mode error checks), host builtins
 * through `opa_builtinN` (turning their JSON arrays back into sets where the builtin returns a set), `print`,
 * `rego.metadata.*` (constants) and relations (`walk`); and the dispatch to `with` replacements.
 */
import type { Term } from "../syntax/ast";
import { Op } from "../wasm/encoding";
import { BodyPlanner, CodegenError, Val } from "./body";
import { calleeOf, Callee, NETWORK_BUILTINS } from "./callee";
import { jsonTerm, metadataChain, metadataRule } from "./metadata";
import { refName } from "./with-targets";
import { exactArguments } from "./exact-arguments";
import { noteSite } from "../trace/sites";

export function planCall(p: BodyPlanner, call: Term & { type: "call" }, k: (v: Val) => void): void {
  const name = refName(call.op);
  if ((name === "rego.metadata.rule" || name === "rego.metadata.chain") && call.args.length <= 1) {
    const value = name === "rego.metadata.rule" ? metadataRule(p.rule) : metadataChain(p.rule, p.ctx.program);
    const v: Val = { global: p.ctx.constant(jsonTerm(value, call.loc)) };
    if (call.args.length === 0) return k(v);
    return p.destructure(call.args[0], v, () => k({ global: p.ctx.constant({ type: "boolean", value: true, loc: call.loc }) }));
  }
  const callee = calleeOf(p.ctx, call);
  if (!callee) throw new CodegenError(`undefined function ${refName(call.op) ?? "?"}`, call);
  if (
    NETWORK_BUILTINS.has(callee.name) &&
    !p.ctx.options.hostBuiltins.has(callee.name) &&
    !p.ctx.withTargets.functions.has(callee.name)
  ) {
    throw new CodegenError(
      `${callee.name} needs the network, which evaluation does not have; supply an implementation as a custom builtin to use it`,
      call,
    );
  }
  const arity = callee.arity;
  if (callee.kind === "print") {
    return p.collectEach(call.args, (values) => {
      p.callRt("opa_array_with_cap", values.length);
      const arr = p.temp();
      for (const v of values) p.callRt("opa_array_append", arr, v);
      p.callRt("rt_print", arr);
      k({ global: p.ctx.constant({ type: "boolean", value: true, loc: call.loc }) });
    });
  }
  if (call.args.length === arity + 1) {
    const out = call.args[arity];
    const inner = { ...call, args: call.args.slice(0, arity) };
    return planCall(p, inner, (v) => p.destructure(out, v, () => k({ global: p.ctx.constant({ type: "boolean", value: true, loc: call.loc }) })));
  }
  if (call.args.length !== arity) throw new CodegenError(`${callee.name}: arity mismatch`, call);
  p.planTerms(call.args, (args) => {
    emitCall(p, callee, args, call);
    const result = p.temp();
    p.failIfZero(result);
    if (callee.relation) {
      return p.scan(result, (_key, value) => k(value()));
    }
    k(result);
  });
}

/** Emits the call itself (with mock dispatch where some `with` may replace the function); leaves the result. */
function emitCall(p: BodyPlanner, callee: Callee, args: Val[], at: Term): void {
  const mockable = p.ctx.withTargets.functions.has(callee.name);
  if (!mockable) return emitDirectCall(p, callee, args, at);
  const result = p.fb.local();
  const mock = p.ctx.namedGlobal(`mock:${callee.name}`);
  const mockValue = p.ctx.namedGlobal(`mockval:${callee.name}`);
  const fb = p.fb;
  fb.block((done) => {
    fb.globalGet(mock).op(Op.I32Eqz);
    fb.ifElse(() => {
      emitDirectCall(p, callee, args, at);
      fb.set(result).br(done);
    });
    fb.globalGet(mock).i32Const(-1).op(Op.I32Eq);
    fb.ifElse(() => {
      fb.globalGet(mockValue).set(result).br(done);
    });
    const replacements = p.rules.mockReplacements(callee.name);
    replacements.forEach((replacement, i) => {
      fb.globalGet(mock).i32Const(i + 1).op(Op.I32Eq);
      fb.ifElse(() => {
        // A replacement calls the originals: no mock applies while it runs (OPA's rule).
        const saved = [...p.ctx.withTargets.functions].map((name) => {
          const g = p.ctx.namedGlobal(`mock:${name}`);
          const local = fb.local();
          fb.globalGet(g).set(local).i32Const(0).globalSet(g);
          return [g, local] as const;
        });
        emitDirectCall(p, replacement, args, at);
        fb.set(result);
        for (const [g, local] of saved) fb.get(local).globalSet(g);
        fb.br(done);
      });
    });
    fb.i32Const(0).set(result);
  });
  fb.get(result);
}

function emitDirectCall(p: BodyPlanner, callee: Callee, args: Val[], at: Term): void {
  const fb = p.fb;
  switch (callee.kind) {
    case "user":
      for (const a of args) p.load(a);
      p.callRule(p.rules.userFunction(callee.node!));
      return;
    case "native": {
      const strict = p.ctx.options.strictBuiltinErrors;
      if (strict) p.callRt("rt_error_clear");
      for (const a of args) p.load(a);
      fb.call(p.ctx.rt(callee.runtimeName!));
      if (strict) {
        // Undefined with an error recorded: abort with OPA's wording and the call's location.
        const r = p.temp();
        p.load(r);
        fb.op(Op.I32Eqz);
        p.callRt("rt_error_code");
        fb.i32Const(0).op(Op.I32Ne).op(Op.I32And);
        fb.ifElse(() => {
          fb.i32Const(p.ctx.message(`${at.loc.file}:${at.loc.row}: `)).call(p.ctx.rt("rt_abort_builtin_error"));
        });
        p.load(r);
      }
      return;
    }
    case "host": {
      if (args.length > 4) throw new CodegenError(`${callee.name}: host builtins take at most 4 arguments`, at);
      if (callee.name === "trace" && p.ctx.tracer && p.query >= 0) p.ctx.tracer.event(fb, noteSite(at.loc), p.query);
      const sent = exactArguments(p, callee.name, args);
      fb.i32Const(p.ctx.hostBuiltinId(callee.name));
      for (const a of sent) p.load(a);
      fb.call(p.ctx.rt(`rt_host${args.length}`));
      if (callee.returnsSet) arrayToSet(p);
      return;
    }
    default:
      throw new CodegenError(`cannot call ${callee.name}`, at);
  }
}

/** Replaces the array on the stack (if it is one) by a set of its elements; leaves other values alone. */
function arrayToSet(p: BodyPlanner): void {
  const fb = p.fb;
  const value = p.temp();
  p.callRt("opa_value_type", value);
  fb.i32Const(5).op(Op.I32Eq);
  fb.ifElse(() => {
    p.callRt("opa_set");
    const set = p.temp();
    p.scan(value, (_key, element) => p.callRt("opa_set_add", set, element()));
    p.load(set);
    fb.set((value as { local: number }).local);
  });
  p.load(value);
}
