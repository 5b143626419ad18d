/**
 * Generates one Wasm function per rule-tree node that a plan refers to: the value of the rules at a node
 * (complete, multi-value, single-value ref rules; memoised per evaluation), the whole document of a node (base
 * data merged with its rules' values), and user functions. Conflicts abort with OPA's messages and the
 * location of the rule that produced the conflicting value.
 */
import type { Body, Rule, Term } from "../syntax/ast";
import type { CheckedRule } from "../check/program";
import { Op } from "../wasm/encoding";
import { FunctionBuilder } from "../wasm/function";
import { BodyPlanner, CodegenError, Val } from "./body";
import { Callee, calleeByName } from "./callee";
import { constantKey, isConstant, ModuleContext } from "./module";
import { requiresEval } from "../check/safety";
import { hasDocument, hasValueRules, pathKey, RuleNode } from "./tree";
import { ruleSite } from "../trace/sites";

const TRUE: Term = { type: "boolean", value: true, loc: { file: "", row: 0, col: 0, offset: 0, end: 0 } };
/** Merge depth with no structural limit: base documents merge with rule values all the way down. */
const UNBOUNDED_DEPTH = 0x7fffffff;
/** Marks a memo slot whose rule was evaluated and is undefined (no value lives at address 1). */
const MEMO_UNDEFINED = 1;

export class RuleFunctions {
  private memoTableFn?: number;
  /** When tracing, the local of the function being generated that holds its caller's query id. */
  private callerQuery = -1;

  constructor(readonly ctx: ModuleContext) {}

  /** The function computing the value of the rules at a node. */
  valueFunction(node: RuleNode): number {
    const key = "value:" + pathKey(node.path);
    return this.ctx.lazyFunction(key, "data." + node.path.join("."), 0, () => this.generateValue(node));
  }

  /**
   * The function computing a node's document. With a key pattern (from a reference such as `data.a[x][y].report`:
   * `[null, null, "report"]`, null for any key) children the pattern cannot reach are left out, so iterating
   * over a few rules of many packages does not evaluate every rule of them.
   */
  materializeFunction(node: RuleNode, pattern: ReadonlyArray<string | null> = []): number {
    const reach = trimPattern(pattern);
    const key = "doc:" + pathKey(node.path) + (reach.length > 0 ? ":" + JSON.stringify(reach) : "");
    return this.ctx.lazyFunction(key, "doc:data." + node.path.join("."), 0, () => this.generateDocument(node, reach));
  }

  userFunction(node: RuleNode): number {
    const key = "fn:" + pathKey(node.path);
    const arity = node.rules[0].rule.head.args!.length;
    return this.ctx.lazyFunction(key, "data." + node.path.join("."), arity, () => this.generateFunction(node, arity));
  }

  functionByName(name: string): Callee | undefined {
    return calleeByName(this.ctx, name, 0);
  }

  /** The functions some `with` may substitute for `name`, in a stable order (their position + 1 is the mock id). */
  mockReplacements(name: string): Callee[] {
    const out: Callee[] = [];
    for (const candidate of this.ctx.withTargets.replacements.get(name) ?? []) {
      const callee = this.functionByName(candidate);
      if (callee && !out.some((c) => c.name === callee.name)) out.push(callee);
    }
    return out;
  }

  /** Emits code that installs a fresh, empty memo table (evaluation start and every `with`). */
  emitNewMemoTable(fb: FunctionBuilder): void {
    this.memoTableFn ??= this.ctx.lazyFunction("memo:new", "memo_new", 0, () => this.generateMemoTable());
    fb.call(this.memoTableFn).globalSet(this.ctx.gMemo);
  }

  private generateMemoTable(): Uint8Array {
    const fb = new FunctionBuilder(0);
    const table = fb.local();
    const end = fb.local();
    // The slot count is only known once every function is generated, so it is read from a global set later.
    fb.globalGet(this.ctx.namedGlobal("memo:size")).call(this.ctx.rt("opa_malloc")).tee(table);
    fb.globalGet(this.ctx.namedGlobal("memo:size")).op(Op.I32Add).set(end);
    const p = fb.local();
    fb.get(table).set(p);
    fb.block((exit) =>
      fb.loop((top) => {
        fb.get(p).get(end).op(Op.I32GeU).brIf(exit);
        fb.get(p).i32Const(0).store32(0);
        fb.get(p).i32Const(4).op(Op.I32Add).set(p).br(top);
      }),
    );
    fb.get(table);
    return fb.finish();
  }

  // ---------------------------------------------------------------------------------------------------------

  private planner(fb: FunctionBuilder, rule?: CheckedRule): BodyPlanner {
    const p = new BodyPlanner(this.ctx, fb, this);
    p.rule = rule;
    return p;
  }

  /**
   * Plans one rule body (or else clause, `at`) in `p`. When tracing, the body is a query of its own, a child of
   * the caller's: `Enter data.pkg.rule`, then around what each solution does (`solved(then)`) `Exit` (with
   * `early` where the first value is final) and `Redo`.
   */
  private traceRule(p: BodyPlanner, cr: CheckedRule, at: Rule, early: boolean, plan: (solved: (then: () => void) => void) => void): void {
    const tracer = this.ctx.tracer;
    if (!tracer) return plan((then) => then());
    const fb = p.fb;
    if (this.callerQuery < 0) this.callerQuery = tracer.callerQuery(fb);
    p.query = tracer.newQuery(fb);
    const q = p.query;
    tracer.event(fb, ruleSite("Enter", at, cr.path), q, this.callerQuery);
    plan((then) => {
      tracer.event(fb, ruleSite("Exit", at, cr.path, early ? "early" : undefined), q);
      then();
      tracer.event(fb, ruleSite("Redo", at, cr.path), q);
    });
    // Merging children and defaults below call other rules on the caller's behalf again.
    tracer.beforeCall(fb, this.callerQuery);
  }

  /** Memo lookup at function entry; returns the slot. */
  private memoEnter(fb: FunctionBuilder): number {
    const slot = this.ctx.memoSlot();
    const cached = fb.local();
    fb.globalGet(this.ctx.gMemo).load32(slot * 4).tee(cached);
    fb.ifElse(() => {
      fb.get(cached).i32Const(MEMO_UNDEFINED).op(Op.I32Eq);
      fb.ifElse(
        () => fb.i32Const(0).ret(),
        () => fb.get(cached).ret(),
      );
    });
    return slot;
  }

  private memoStore(fb: FunctionBuilder, slot: number, result: number): void {
    fb.globalGet(this.ctx.gMemo).get(result).i32Const(MEMO_UNDEFINED).get(result).op(Op.Select);
    fb.store32(slot * 4);
  }

  /**
   * Where a `with` replaces this node's path or one above it, the function answers from the replacement;
   * where it replaces a path below, the computed value gets the replacement patched in.
   */
  private overrideEnter(fb: FunctionBuilder, node: RuleNode): void {
    for (const target of this.ctx.withTargets.dataPaths) {
      if (target.length > node.path.length || !target.every((s, i) => node.path[i] === s)) continue;
      const override = this.ctx.namedGlobal(`override:${JSON.stringify(target)}`);
      fb.globalGet(override);
      fb.ifElse(() => {
        const cur = fb.local();
        fb.globalGet(override).set(cur);
        for (const segment of node.path.slice(target.length)) {
          fb.get(cur).globalGet(this.ctx.stringConstant(segment)).call(this.ctx.rt("opa_value_get")).set(cur);
          fb.get(cur).op(Op.I32Eqz).ifElse(() => fb.i32Const(0).ret());
        }
        fb.get(cur).ret();
      });
    }
  }

  private overrideExit(fb: FunctionBuilder, node: RuleNode, result: number): void {
    for (const target of this.ctx.withTargets.dataPaths) {
      if (target.length <= node.path.length || !node.path.every((s, i) => target[i] === s)) continue;
      const override = this.ctx.namedGlobal(`override:${JSON.stringify(target)}`);
      fb.globalGet(override).get(result).op(Op.I32And);
      fb.ifElse(() => {
        const rest = target.slice(node.path.length);
        const path = fb.local();
        fb.i32Const(rest.length).call(this.ctx.rt("opa_array_with_cap")).set(path);
        for (const s of rest) fb.get(path).globalGet(this.ctx.stringConstant(s)).call(this.ctx.rt("opa_array_append"));
        fb.get(result).get(path).globalGet(override).call(this.ctx.rt("rt_value_upsert")).set(result);
      });
    }
  }

  private generateValue(node: RuleNode): Uint8Array {
    const fb = new FunctionBuilder(0);
    this.callerQuery = this.ctx.tracer ? this.ctx.tracer.callerQuery(fb) : -1;
    this.overrideEnter(fb, node);
    const slot = this.memoEnter(fb);
    const result = fb.local();
    switch (node.kind) {
      case "complete":
        this.planComplete(fb, node.rules, result, null);
        break;
      case "multi":
        this.planMulti(fb, node, result);
        break;
      case "single-ref":
        this.planSingleRef(fb, node, result);
        break;
      default:
        throw new Error(`no value function for ${node.kind} rules`);
    }
    this.overrideExit(fb, node, result);
    this.memoStore(fb, slot, result);
    fb.get(result);
    return finishWithinLocalLimit(fb, node);
  }

  private generateFunction(node: RuleNode, arity: number): Uint8Array {
    const fb = new FunctionBuilder(arity);
    this.callerQuery = this.ctx.tracer ? this.ctx.tracer.callerQuery(fb) : -1;
    const result = fb.local();
    this.planComplete(fb, node.rules, result, Array.from({ length: arity }, (_, i) => ({ local: i })));
    fb.get(result);
    return finishWithinLocalLimit(fb, node);
  }

  /**
   * Complete rules and functions: every rule's else chain yields at most one value (its first clause with a
   * solution); all values must agree. Default rules apply when none is defined. When every clause yields the
   * same constant, the first solution is final and the function returns at once.
   */
  private planComplete(fb: FunctionBuilder, rules: CheckedRule[], result: number, params: Val[] | null): void {
    const normal = rules.filter((r) => !r.rule.default);
    const defaults = rules.filter((r) => r.rule.default);
    const values = normal.flatMap((r) => [r.rule.head.value ?? TRUE, ...r.rule.else.map((e) => e.value ?? TRUE)]);
    const sameConstant = values.every((v) => isConstant(v) && constantKey(v) === constantKey(values[0]));
    fb.block((done) => {
      for (const cr of normal) {
        const clauses: Array<{ body: Body; value: Term; at: Rule }> = [
          { body: cr.rule.body, value: cr.rule.head.value ?? TRUE, at: cr.rule },
          ...cr.rule.else.map((e) => ({ body: e.body, value: e.value ?? TRUE, at: { ...cr.rule, loc: e.loc } })),
        ];
        fb.block((ruleDone) => {
          for (const clause of clauses) {
            const found = clauses.length > 1 ? fb.local() : -1;
            const p = this.planner(fb, cr);
            const takeValue = (v: Val): void => {
              if (sameConstant) {
                p.load(v);
                fb.set(result).br(done);
                return;
              }
              fb.get(result).op(Op.I32Eqz);
              fb.ifElse(
                () => {
                  p.load(v);
                  fb.set(result);
                },
                () => {
                  fb.get(result);
                  p.load(v);
                  fb.call(this.ctx.rt("opa_value_equal")).op(Op.I32Eqz);
                  fb.ifElse(() => p.abort("var assignment conflict", cr.rule));
                },
              );
              if (found >= 0) fb.i32Const(1).set(found);
            };
            fb.block((clauseFail) => {
              p.fail = clauseFail;
              this.traceRule(p, cr, clause.at, sameConstant, (solved) =>
                this.bindParams(p, cr.rule, params, "patterns", () =>
                  p.planBody(clause.body, () =>
                    solved(() => this.bindParams(p, cr.rule, params, "computed", () => p.planTerm(clause.value, takeValue))),
                  ),
                ),
              );
            });
            if (found >= 0) fb.get(found).brIf(ruleDone);
          }
        });
      }
    });
    if (defaults.length > 0) {
      const value = defaults[0].rule.head.value ?? TRUE;
      fb.get(result).op(Op.I32Eqz);
      fb.ifElse(() => {
        if (isConstant(value)) {
          fb.globalGet(this.ctx.constant(value)).set(result);
          return;
        }
        // A default such as `[x | data.a[_] = x]` is computed only when no rule applies; the check stage moved
        // the computation into the default's body.
        const p = this.planner(fb, defaults[0]);
        fb.block((fail) => {
          p.fail = fail;
          p.planBody(defaults[0].rule.body, () =>
            p.planTerm(value, (v) => {
              p.load(v);
              fb.set(result);
            }),
          );
        });
      });
    }
  }

  /**
   * Unifies a function's arguments with its head terms: plain patterns before the body, head terms that compute
   * something (`f($"{x}")`, `f(g(y))`) after it, since the body binds their variables.
   */
  private bindParams(p: BodyPlanner, rule: Rule, params: Val[] | null, which: "patterns" | "computed", k: () => void): void {
    if (!params) return k();
    const args = rule.head.args!;
    const step = (i: number): void => {
      if (i === args.length) return k();
      if (requiresEval(args[i]) !== (which === "computed")) return step(i + 1);
      p.destructure(args[i], params[i], () => step(i + 1));
    };
    step(0);
  }

  /** Multi-value rules build a set; with variables in their ref (`p[k] contains v`) an object of sets. */
  private planMulti(fb: FunctionBuilder, node: RuleNode, result: number): void {
    const rules = node.rules;
    const keyed = rules.some((r) => r.tail.length > 0);
    fb.call(this.ctx.rt(keyed ? "opa_object" : "opa_set")).set(result);
    for (const cr of rules) {
      const p = this.planner(fb, cr);
      fb.block((fail) => {
        p.fail = fail;
        this.traceRule(p, cr, cr.rule, false, (solved) =>
          p.planBody(cr.rule.body, () =>
            solved(() =>
              p.planTerms([...cr.tail, cr.rule.head.key!], (vals) => {
                if (!keyed) {
                  fb.get(result);
                  p.load(vals[0]);
                  fb.call(this.ctx.rt("opa_set_add"));
                  return;
                }
                this.insertAtPath(p, result, vals.slice(0, -1), vals[vals.length - 1], cr.rule, "set");
              }),
            ),
          ),
        );
      });
    }
    if (keyed) this.mergeChildren(fb, node, result);
  }

  /** Single-value ref rules build an object keyed by their tails; rules on paths below are merged in. */
  private planSingleRef(fb: FunctionBuilder, node: RuleNode, result: number): void {
    fb.call(this.ctx.rt("opa_object")).set(result);
    for (const cr of node.rules) {
      const p = this.planner(fb, cr);
      fb.block((fail) => {
        p.fail = fail;
        const terms = cr.kind === "single-ref" ? [...cr.tail, cr.rule.head.value ?? TRUE] : [cr.rule.head.value ?? TRUE];
        this.traceRule(p, cr, cr.rule, false, (solved) =>
          p.planBody(cr.rule.body, () =>
            solved(() => p.planTerms(terms, (vals) => this.insertAtPath(p, result, vals.slice(0, -1), vals[vals.length - 1], cr.rule, "value"))),
          ),
        );
      });
    }
    this.mergeChildren(fb, node, result);
  }

  /**
   * Rules on paths below a node whose rules build an object (`p[k] := v` beside `p.q := w`) put their values
   * into that object: sets meeting sets are joined, equal values are kept, anything else is a conflict.
   */
  private mergeChildren(fb: FunctionBuilder, node: RuleNode, result: number): void {
    for (const [segment, child] of node.children) {
      if (!hasDocument(child)) continue;
      const v = fb.local();
      const existing = fb.local();
      const key = this.ctx.stringConstant(segment);
      fb.call(hasValueRules(child) ? this.valueFunction(child) : this.materializeFunction(child)).tee(v);
      fb.ifElse(() => {
        fb.get(result).globalGet(key).call(this.ctx.rt("opa_value_get")).tee(existing).op(Op.I32Eqz);
        fb.ifElse(
          () => fb.get(result).globalGet(key).get(v).call(this.ctx.rt("opa_object_insert")),
          () => {
            fb.get(existing).get(v).i32Const(structuralDepth(node)).call(this.mergeFunction()).tee(v).op(Op.I32Eqz);
            fb.ifElse(() => this.planner(fb).abort("object insert conflict", node.rules[0].rule));
            fb.get(result).globalGet(key).get(v).call(this.ctx.rt("opa_object_insert"));
          },
        );
      });
    }
  }

  /**
   * `merge(a, b, depth)`: equal values stay, sets are joined, objects are merged key by key (recursively, into a
   * copy) while `depth` levels of them are structure that ref heads built; below that they are rule values, and
   * differing values there conflict (0).
   */
  private mergeFunction(): number {
    return this.ctx.lazyFunction("merge", "merge", 3, () => {
      const fb = new FunctionBuilder(3);
      const [a, b, depth] = [0, 1, 2];
      const rt = (name: string): number => this.ctx.rt(name);
      fb.get(a).get(b).call(rt("opa_value_equal"));
      fb.ifElse(() => fb.get(a).ret());
      fb.get(a).call(rt("opa_value_type")).i32Const(7).op(Op.I32Eq);
      fb.get(b).call(rt("opa_value_type")).i32Const(7).op(Op.I32Eq).op(Op.I32And);
      fb.ifElse(() => fb.get(a).get(b).call(rt("b_or")).ret());
      fb.get(a).call(rt("opa_value_type")).i32Const(6).op(Op.I32Ne);
      fb.get(b).call(rt("opa_value_type")).i32Const(6).op(Op.I32Ne).op(Op.I32Or);
      fb.get(depth).i32Const(0).op(Op.I32LtS).op(Op.I32Or);
      fb.ifElse(() => fb.i32Const(0).ret());
      const out = fb.local();
      const n = fb.local();
      const i = fb.local();
      const key = fb.local();
      const mine = fb.local();
      const theirs = fb.local();
      fb.get(a).call(rt("rt_value_shallow_copy")).set(out);
      fb.get(b).call(rt("rt_iter_count")).set(n).i32Const(0).set(i);
      fb.block((exit) =>
        fb.loop((top) => {
          fb.get(i).get(n).op(Op.I32GeS).brIf(exit);
          fb.get(b).get(i).call(rt("rt_iter_key")).set(key);
          fb.get(b).get(i).call(rt("rt_iter_value")).set(mine);
          fb.get(out).get(key).call(rt("opa_value_get")).tee(theirs);
          fb.ifElse(() => {
            fb.get(theirs).get(mine).get(depth).i32Const(1).op(Op.I32Sub).call(this.mergeFunction()).tee(mine).op(Op.I32Eqz);
            fb.ifElse(() => fb.i32Const(0).ret());
          });
          fb.get(out).get(key).get(mine).call(rt("opa_object_insert"));
          fb.get(i).i32Const(1).op(Op.I32Add).set(i).br(top);
        }),
      );
      fb.get(out);
      return fb.finish();
    });
  }

  /**
   * Inserts at `keys` below `obj`, creating (or copying, never sharing) the objects on the way. The leaf is
   * either `value` itself (single-value rules: another value there is a conflict) or a set `value` is added to.
   */
  private insertAtPath(p: BodyPlanner, obj: number, keys: Val[], value: Val, rule: Rule, leaf: "value" | "set"): void {
    const fb = p.fb;
    if (keys.length === 0) throw new Error("rule with a ref tail but no keys");
    const last = leaf === "value" ? keys.length - 1 : keys.length;
    let cur = obj;
    for (let i = 0; i < last; i++) {
      const child = fb.local();
      const fresh = i === keys.length - 1 ? "opa_set" : "opa_object";
      const type = i === keys.length - 1 ? 7 : 6;
      fb.get(cur);
      p.load(keys[i]);
      fb.call(this.ctx.rt("opa_value_get")).tee(child).op(Op.I32Eqz);
      fb.ifElse(
        () => fb.call(this.ctx.rt(fresh)).set(child),
        () => {
          fb.get(child).call(this.ctx.rt("opa_value_type")).i32Const(type).op(Op.I32Ne);
          fb.ifElse(() => p.abort("object insert conflict", rule));
          // Single-value rules may have put a shared value here; multi-value rules only meet their own.
          if (leaf === "value") fb.get(child).call(this.ctx.rt("rt_value_shallow_copy")).set(child);
        },
      );
      fb.get(cur);
      p.load(keys[i]);
      fb.get(child).call(this.ctx.rt("opa_object_insert"));
      cur = child;
    }
    fb.get(cur);
    if (leaf === "set") {
      p.load(value);
      fb.call(this.ctx.rt("opa_set_add"));
      return;
    }
    p.load(keys[keys.length - 1]);
    p.load(value);
    fb.call(this.ctx.rt("rt_object_insert_unique"));
    fb.ifElse(() => p.abort("object insert conflict", rule));
  }

  /** A node's whole document: a copy of the base document there, with each rule-bearing child's value set. */
  private generateDocument(node: RuleNode, reach: ReadonlyArray<string | null>): Uint8Array {
    const fb = new FunctionBuilder(0);
    this.overrideEnter(fb, node);
    const slot = this.memoEnter(fb);
    const result = fb.local();
    const p = this.planner(fb);
    const base = p.baseDocument(node.path, false);
    p.load(base);
    fb.ifElse(
      () => {
        p.load(base);
        fb.call(this.ctx.rt("opa_value_type")).i32Const(6).op(Op.I32Eq);
        fb.ifElse(
          () => {
            p.load(base);
            fb.call(this.ctx.rt("rt_value_shallow_copy")).set(result);
          },
          () => fb.call(this.ctx.rt("opa_object")).set(result),
        );
      },
      () => fb.call(this.ctx.rt("opa_object")).set(result),
    );
    for (const [segment, child] of node.children) {
      if (!hasDocument(child)) continue;
      if (reach.length > 0 && reach[0] !== null && reach[0] !== segment) continue;
      const v = fb.local();
      const key = this.ctx.stringConstant(segment);
      if (!hasValueRules(child)) {
        // A package's own document already merges the base document beneath it.
        fb.call(this.materializeFunction(child, reach.slice(1))).tee(v);
        fb.ifElse(() => fb.get(result).globalGet(key).get(v).call(this.ctx.rt("opa_object_insert")));
        continue;
      }
      // A rule's value meeting a base document: objects merge; otherwise the base document stays, as in OPA's
      // Wasm runtime (a reference to the rule itself still yields the rule's value).
      const existing = fb.local();
      fb.call(this.valueFunction(child)).tee(v);
      fb.ifElse(() => {
        fb.get(result).globalGet(key).call(this.ctx.rt("opa_value_get")).tee(existing).op(Op.I32Eqz);
        fb.ifElse(
          () => fb.get(result).globalGet(key).get(v).call(this.ctx.rt("opa_object_insert")),
          () => {
            fb.get(existing).get(v).i32Const(UNBOUNDED_DEPTH).call(this.mergeFunction()).tee(v);
            fb.ifElse(() => fb.get(result).globalGet(key).get(v).call(this.ctx.rt("opa_object_insert")));
          },
        );
      });
    }
    this.memoStore(fb, slot, result);
    fb.get(result);
    return fb.finish();
  }
}

/** Engines reject a function declaring more locals than this (V8's and the Wasm JS API's `kV8MaxWasmFunctionLocals`). */
const MAX_WASM_LOCALS = 50000;

/**
 * A rule's function, or a diagnostic at the rule when it needs more locals than engines load. Temporaries share
 * slots once dead, so only values live at once count: many variables bound in one body, or values kept for
 * backtracking, not the length of an operator chain.
 */
function finishWithinLocalLimit(fb: FunctionBuilder, node: RuleNode): Uint8Array {
  if (fb.slotCount > MAX_WASM_LOCALS) {
    const at = node.rules.find((r) => r.rule.loc) ?? node.rules[0];
    const message = `rule needs ${fb.slotCount} Wasm locals, more than the ${MAX_WASM_LOCALS} engines load in one function; split its expression into several rules`;
    throw new CodegenError(message, at.rule);
  }
  return fb.finish();
}

/** A key pattern without its trailing wildcards (which reach everything): `[]` means the whole document. */
function trimPattern(pattern: ReadonlyArray<string | null>): ReadonlyArray<string | null> {
  let end = pattern.length;
  while (end > 0 && pattern[end - 1] === null) end--;
  return pattern.slice(0, end);
}

/**
 * How many levels below a node's keys are structure built by its rules' ref heads (`p[a][b] := v` builds one
 * level under each `p[a]`) and may take values from rules on deeper paths.
 */
function structuralDepth(node: RuleNode): number {
  return Math.max(0, ...node.rules.map((r) => r.tail.length)) - 1;
}

