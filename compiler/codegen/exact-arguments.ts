/**
 * Sends int64 nanosecond arguments to host builtins exactly: a number outside ±(2^53 - 1), alone or as the
 * first element of a `[ns, tz, …]` array, is replaced by the wrapper `builtins/host/exact-number.ts` reads,
 * since the SDK's `JSON.parse` would round it.
 */
import { EXACT_NUMBER_ARGUMENTS, EXACT_NUMBER_KEY } from "../builtins/host/exact-number";
import { Op } from "../wasm/encoding";
import type { BodyPlanner, Val } from "./body";

const NUMBER = 3;
const ARRAY = 5;

/** The arguments as the host must receive them for `name`. */
export function exactArguments(p: BodyPlanner, name: string, args: Val[]): Val[] {
  const positions = EXACT_NUMBER_ARGUMENTS.get(name);
  if (!positions) return args;
  return args.map((a, i) => (positions.includes(i) ? exactArgument(p, a) : a));
}

function exactArgument(p: BodyPlanner, arg: Val): Val {
  const fb = p.fb;
  const out = fb.local();
  p.load(arg);
  fb.set(out);
  p.callRt("opa_value_type", arg);
  fb.i32Const(NUMBER).op(Op.I32Eq);
  fb.ifElse(
    () => {
      p.load(wrapNumber(p, arg));
      fb.set(out);
    },
    () => {
      p.callRt("opa_value_type", arg);
      fb.i32Const(ARRAY).op(Op.I32Eq);
      fb.ifElse(() => {
        p.callRt("opa_value_length", arg);
        const n = p.temp();
        p.load(n);
        fb.i32Const(0).op(Op.I32GtS);
        fb.ifElse(() => {
          p.callRt("rt_array_get", arg, 0);
          const first = p.temp();
          p.callRt("opa_value_type", first);
          fb.i32Const(NUMBER).op(Op.I32Eq);
          fb.ifElse(() => {
            const wrapped = wrapNumber(p, first);
            p.load(wrapped);
            p.load(first);
            fb.op(Op.I32Ne);
            fb.ifElse(() => {
              p.load(n);
              fb.call(p.ctx.rt("opa_array_with_cap"));
              const copy = p.temp();
              p.callRt("opa_array_append", copy, wrapped);
              const i = fb.local();
              fb.i32Const(1).set(i);
              fb.block((exit) =>
                fb.loop((top) => {
                  fb.get(i);
                  p.load(n);
                  fb.op(Op.I32GeS).brIf(exit);
                  p.load(copy);
                  p.callRt("rt_array_get", arg, { local: i });
                  fb.call(p.ctx.rt("opa_array_append"));
                  fb.get(i).i32Const(1).op(Op.I32Add).set(i).br(top);
                }),
              );
              p.load(copy);
              fb.set(out);
            });
          });
        });
      });
    },
  );
  return { local: out };
}

/** The number itself when a double holds it exactly, else `{"__rego_exact_number__": "<json text>"}`. */
function wrapNumber(p: BodyPlanner, n: Val): Val {
  const fb = p.fb;
  const out = fb.local();
  p.load(n);
  fb.set(out);
  const max: Val = { global: p.ctx.constant({ type: "number", text: String(Number.MAX_SAFE_INTEGER), loc: NO_LOC }) };
  const min: Val = { global: p.ctx.constant({ type: "number", text: String(Number.MIN_SAFE_INTEGER), loc: NO_LOC }) };
  p.callRt("opa_value_compare", n, max);
  fb.i32Const(0).op(Op.I32GtS);
  p.callRt("opa_value_compare", n, min);
  fb.i32Const(0).op(Op.I32LtS);
  fb.op(Op.I32Or);
  fb.ifElse(() => {
    p.callRt("opa_object");
    const obj = p.temp();
    p.callRt("b_json_marshal", n);
    const text = p.temp();
    p.callRt("opa_object_insert", obj, { global: p.ctx.stringConstant(EXACT_NUMBER_KEY) }, text);
    p.load(obj);
    fb.set(out);
  });
  return { local: out };
}

const NO_LOC = { file: "", row: 0, col: 0, offset: 0, end: 0 };
