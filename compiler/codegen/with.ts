/**
 * Plans `expr with t1 as v1 …`: the values are evaluated outside, then the expression is evaluated with input,
 * data, rule values or functions replaced, collecting the bindings of each solution; the replacements are undone
 * before the rest of the body runs once per collected solution.
 */
import type { Expr, Term, WithModifier } from "../syntax/ast";
import { BodyPlanner, CodegenError, Val } from "./body";
import { refName, refSegments } from "./with-targets";

/**
 * `expr with t1 as v1 …`: the values are evaluated outside, then the expression is evaluated with input, data,
 * rule values or functions replaced, collecting the bindings of each solution; the replacements are undone
 * before the rest of the body runs once per collected solution.
 */
export function planWith(p: BodyPlanner, expr: Expr, k: () => void): void {
  p.planTerms(
    expr.with.map((w) => (mockFunctionName(p, w) !== undefined ? ({ type: "null", loc: w.loc } as Term) : w.value)),
    (values) => {
      const saved = applyWith(p, expr.with, values);
      p.callRt("opa_array_with_cap", 0);
      const acc = p.temp();
      const before = p.boundNames();
      let newlyBound: string[] = [];
      p.nested(() =>
        p.planExpr({ ...expr, with: [] }, () => {
          newlyBound = [...p.boundNames()].filter((n) => !before.has(n));
          p.callRt("opa_array_with_cap", newlyBound.length);
          const tuple = p.temp();
          for (const n of newlyBound) p.callRt("opa_array_append", tuple, { local: p.localFor(n) });
          p.callRt("opa_array_append", acc, tuple);
        }),
      );
      restoreWith(p, saved);
      p.scan(acc, (_key, tupleOf) => {
        const tuple = tupleOf();
        newlyBound.forEach((n, j) => {
          p.callRt("rt_array_get", tuple, j);
          p.bind(n, p.temp());
        });
        k();
      });
    },
  );
}

/** The function or builtin a `with` replaces by another function, if the replacement names one. */
function mockFunctionName(p: BodyPlanner, w: WithModifier): string | undefined {
  const target = refName(w.target);
  if (target === undefined || !p.ctx.withTargets.functions.has(target)) return undefined;
  if (w.value.type !== "var" && w.value.type !== "ref") return undefined;
  if (w.value.type === "var" && p.isBound(w.value.name)) return undefined;
  const name = refName(w.value);
  if (name === undefined) return undefined;
  return p.rules.functionByName(name) ? name : undefined;
}

function applyWith(p: BodyPlanner, mods: readonly WithModifier[], values: Val[]): Array<[number, number]> {
  const fb = p.fb;
  const saved: Array<[number, number]> = [];
  const save = (global: number): void => {
    if (saved.some(([g]) => g === global)) return;
    const local = fb.local();
    fb.globalGet(global).set(local);
    saved.push([global, local]);
  };
  save(p.ctx.gMemo);
  mods.forEach((w, i) => {
    const target = refName(w.target);
    const segments = refSegments(w.target);
    if (target === undefined || segments === undefined) throw new CodegenError("unsupported with target", w.target);
    if (segments[0] === "input") {
      save(p.ctx.gInput);
      setPath(p, p.ctx.gInput, segments.slice(1), values[i]);
    } else if (p.ctx.withTargets.functions.has(target)) {
      const mock = p.ctx.namedGlobal(`mock:${target}`);
      save(mock);
      const replacement = mockFunctionName(p, w);
      if (replacement !== undefined) {
        const index = p.rules.mockReplacements(target).findIndex((c) => c.name === replacement);
        fb.i32Const(index + 1).globalSet(mock);
      } else {
        const mockValue = p.ctx.namedGlobal(`mockval:${target}`);
        save(mockValue);
        p.load(values[i]);
        fb.globalSet(mockValue).i32Const(-1).globalSet(mock);
      }
    } else if (segments[0] === "data") {
      const path = segments.slice(1);
      save(p.ctx.gData);
      setPath(p, p.ctx.gData, path, values[i]);
      const override = p.ctx.namedGlobal(`override:${JSON.stringify(path)}`);
      save(override);
      p.load(values[i]);
      fb.globalSet(override);
    } else {
      throw new CodegenError(`with: ${target} cannot be replaced`, w.target);
    }
  });
  p.rules.emitNewMemoTable(fb);
  return saved;
}

function setPath(p: BodyPlanner, global: number, path: string[], value: Val): void {
  const fb = p.fb;
  if (path.length === 0) {
    p.load(value);
    fb.globalSet(global);
    return;
  }
  fb.i32Const(path.length).call(p.ctx.rt("opa_array_with_cap"));
  const arr = p.temp();
  for (const segment of path) p.callRt("opa_array_append", arr, { global: p.ctx.stringConstant(segment) });
  fb.globalGet(global);
  p.load(arr);
  p.load(value);
  fb.call(p.ctx.rt("rt_value_upsert")).globalSet(global);
}

function restoreWith(p: BodyPlanner, saved: Array<[number, number]>): void {
  for (const [global, local] of saved) p.fb.get(local).globalSet(global);
}
