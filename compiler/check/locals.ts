/**
 * Local variables: takes resolved rules and queries and gives each distinct variable a distinct name, third
 * check stage. `:=`, `some`, `some … in` and `every` declarations get fresh `$name_N` names in OPA's nested
 * scopes (`some x` declarations are dropped), and so do closure-local and `else`-clause variables; a query's
 * top-level variables keep their names (its result bindings). Reports `var x assigned above` and kin.
 */
import { diagnostic, type Diagnostic } from "../diagnostics";
import type { Body, ElseClause, Expr, Location, Rule, Term, VarTerm, WithModifier } from "../syntax/ast";
import { valueName } from "../syntax/cursor";
import { isUnification } from "./resolve";
import { bodyVars, exprVars, isExpr, isFunctionValue, SAFETY, termVars } from "./walk";

type Occurrence = "seen" | "assigned" | "declared" | "arg";

interface Frame {
  declared: Map<string, { gen: string; occ: Occurrence }>;
  seen: Set<string>;
  /** `some x` declarations of this scope, checked for use at the end of its body. */
  some: Array<{ name: string; gen: string; loc: Location }>;
}

function newFrame(): Frame {
  return { declared: new Map(), seen: new Set(), some: [] };
}

/** Generated names never collide with user names: they start with `$` and end in a counter. */
function isGenerated(name: string): boolean {
  return name.startsWith("$");
}

export class LocalRenamer {
  private frames: Frame[] = [];
  private counter = 0;
  /** Renaming of an `else` clause's plain variables (null outside else clauses). */
  private implicit: Map<string, string> | null = null;
  /** Top-level declarations keep their names (queries). */
  private keepTopNames = false;
  /** Generated name → the name the user wrote, for messages. */
  readonly original = new Map<string, string>();

  constructor(private readonly diagnostics: Diagnostic[]) {}

  renameRule(rule: Rule): Rule {
    this.counter = 0;
    const argsFrame = newFrame();
    const argNames = new Set<string>();
    for (const arg of rule.head.args ?? []) termVars(arg, {}, argNames);
    for (const name of argNames) if (!isGenerated(name)) argsFrame.declared.set(name, { gen: name, occ: "arg" });
    const visibleBase = new Set<string>([...argNames, "input", "data"]);

    this.frames = [cloneFrame(argsFrame)];
    const used = headVarNames(rule);
    let body = this.renameBody(rule.body, used);
    let head = {
      ...rule.head,
      ref: [rule.head.ref[0], ...rule.head.ref.slice(1).map((t) => this.term(t))],
      key: rule.head.key && this.term(rule.head.key),
      value: rule.head.value && this.term(rule.head.value),
    };
    const visible = new Set([...visibleBase, ...bodyVars(body, SAFETY)]);
    body = this.localizeBody(body, visible);
    head = {
      ...head,
      ref: head.ref.map((t, i) => (i === 0 ? t : this.localizeTerm(t, visible, new Map()))),
      key: head.key && this.localizeTerm(head.key, visible, new Map()),
      value: head.value && this.localizeTerm(head.value, visible, new Map()),
    };

    const elses = rule.else.map((clause) => this.renameElse(clause, argsFrame, visibleBase));
    return { ...rule, head, body, else: elses };
  }

  private renameElse(clause: ElseClause, argsFrame: Frame, visibleBase: Set<string>): ElseClause {
    this.frames = [cloneFrame(argsFrame)];
    this.implicit = new Map();
    let body = this.renameBody(clause.body, clause.value ? termVars(clause.value, {}) : new Set());
    let value = clause.value && this.term(clause.value);
    this.implicit = null;
    const visible = new Set([...visibleBase, ...bodyVars(body, SAFETY)]);
    body = this.localizeBody(body, visible);
    value = value && this.localizeTerm(value, visible, new Map());
    return { ...clause, value, body };
  }

  /** Renames a query; returns the body and its result variables in order of first appearance. */
  renameQuery(body: Body): { body: Body; outputVars: string[] } {
    this.counter = 0;
    this.frames = [newFrame()];
    this.keepTopNames = true;
    let out = this.renameBody(body, new Set());
    this.keepTopNames = false;
    const outputVars: string[] = [];
    for (const e of out) {
      for (const v of exprVars(e, SAFETY)) {
        if (!isGenerated(v) && v !== "input" && v !== "data" && !outputVars.includes(v)) outputVars.push(v);
      }
    }
    out = this.localizeBody(out, new Set([...bodyVars(out, SAFETY), "input", "data"]));
    return { body: out, outputVars };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Declarations (OPA's rewriteLocalVars)

  private get top(): Frame {
    return this.frames[this.frames.length - 1];
  }

  private fresh(name: string): string {
    const gen = `$${name}_${++this.counter}`;
    this.original.set(gen, name);
    return gen;
  }

  private declare(v: VarTerm, occ: Occurrence, at: Location = v.loc): VarTerm {
    if (isGenerated(v.name)) return v;
    const existing = this.top.declared.get(v.name)?.occ ?? (this.top.seen.has(v.name) ? "seen" : undefined);
    if (existing) {
      const message =
        existing === "seen"
          ? `var ${v.name} referenced above`
          : existing === "arg"
            ? `arg ${v.name} redeclared`
            : `var ${v.name} ${existing} above`;
      this.diagnostics.push(diagnostic("rego_compile_error", message, at));
      return v;
    }
    const gen = this.keepTopNames && this.frames.length === 1 ? v.name : this.fresh(v.name);
    this.top.declared.set(v.name, { gen, occ });
    return { ...v, name: gen };
  }

  private use(v: VarTerm): VarTerm {
    if (isGenerated(v.name)) return v;
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const d = this.frames[i].declared.get(v.name);
      if (d) return d.gen === v.name ? v : { ...v, name: d.gen };
    }
    this.top.seen.add(v.name);
    if (this.implicit && v.name !== "input" && v.name !== "data") {
      let gen = this.implicit.get(v.name);
      if (!gen) {
        gen = this.fresh(v.name);
        this.implicit.set(v.name, gen);
      }
      return { ...v, name: gen };
    }
    return v;
  }

  /** Renames a body in the current scope; `used` holds head variables that count as uses of `some` vars. */
  private renameBody(body: Body, used: Set<string>): Body {
    const errorsBefore = this.diagnostics.length;
    const frame = this.top;
    const someBefore = frame.some.length;
    const out: Body = [];
    for (const e of body) {
      const renamed = this.expr(e);
      if (renamed) out.push(renamed);
    }
    if (out.length === 0 && body.length > 0) {
      out.push({ negated: false, with: [], body: { type: "term", term: { type: "boolean", value: true, loc: body[0].loc }, loc: body[0].loc }, loc: body[0].loc });
    }
    if (this.diagnostics.length === errorsBefore) {
      const present = bodyVars(out, {});
      for (const decl of frame.some.slice(someBefore)) {
        if (!present.has(decl.gen) && !used.has(decl.name)) {
          this.diagnostics.push(diagnostic("rego_compile_error", `declared var ${decl.name} unused`, decl.loc));
        }
      }
    }
    frame.some.length = someBefore;
    return out;
  }

  private expr(e: Expr): Expr | null {
    const b = e.body;
    switch (b.type) {
      case "some":
        for (const v of b.vars) {
          const d = this.declare(v, "declared");
          if (d !== v && !isGenerated(v.name)) this.top.some.push({ name: v.name, gen: d.name, loc: e.loc });
        }
        return null;
      case "somein": {
        const collection = this.term(b.collection);
        const withs = this.withs(e.with);
        const inCollection = termVars(b.collection, {});
        const pattern = new Set<string>();
        // Only pattern variables are declared: `some [x.path, y] in s` reads x and declares y.
        const declares = { skipObjectKeys: true, skipClosures: true, skipRefHeads: true, skipCalls: true };
        if (b.key) termVars(b.key, declares, pattern);
        termVars(b.value, declares, pattern);
        for (const name of pattern) {
          if (!inCollection.has(name)) this.declare({ type: "var", name, loc: e.loc }, "declared", e.loc);
        }
        return { ...e, with: withs, body: { ...b, key: b.key && this.term(b.key), value: this.term(b.value), collection } };
      }
      case "every": {
        const domain = this.term(b.domain);
        const withs = this.withs(e.with);
        this.frames.push(newFrame());
        const key = b.key && this.declare(b.key, "declared", b.loc);
        const value = this.declare(b.value, "declared", b.loc);
        const body = this.renameBody(b.body, new Set());
        this.frames.pop();
        return { ...e, with: withs, body: { ...b, key, value, domain, body } };
      }
      case "term": {
        const t = b.term;
        if (t.type === "call" && isUnification(t) && t.op.head.type === "var" && t.op.head.name === "assign") {
          if (e.negated) {
            this.diagnostics.push(diagnostic("rego_compile_error", "cannot assign vars inside negated expression", e.loc));
            return e;
          }
          const rhs = this.term(t.args[1]);
          const withs = this.withs(e.with);
          const lhs = this.assignTarget(t.args[0]);
          return { ...e, with: withs, body: { ...b, term: { ...t, args: [lhs, rhs] } } };
        }
        return { ...e, with: this.withs(e.with), body: { ...b, term: this.term(t) } };
      }
    }
  }

  private withs(withs: WithModifier[]): WithModifier[] {
    return withs.map((w) => (isFunctionValue(w.value) ? w : { ...w, value: this.term(w.value) }));
  }

  /** The left side of `:=`: variables, arrays of targets, object values; nothing else can be assigned. */
  private assignTarget(t: Term): Term {
    switch (t.type) {
      case "var":
        return this.declare(t, "assigned");
      case "array":
        return { ...t, items: t.items.map((i) => this.assignTarget(i)) };
      case "object":
        return { ...t, entries: t.entries.map(([k, v]): [Term, Term] => [k, this.assignTarget(v)]) };
      case "ref":
        if (t.head.type === "var" && t.path.length === 0 && (t.head.name === "input" || t.head.name === "data")) {
          this.diagnostics.push(
            diagnostic("rego_compile_error", `variables must not shadow ${t.head.name} (use a different variable name)`, t.loc),
          );
          return t;
        }
        break;
      default:
        break;
    }
    this.diagnostics.push(diagnostic("rego_compile_error", `cannot assign to ${valueName(t)}`, t.loc));
    return t;
  }

  private term(t: Term): Term {
    switch (t.type) {
      case "var":
        return this.use(t);
      case "ref": {
        const head = this.term(t.head);
        // A bare `input`/`data` is a ref; once a local declaration (`some input`) shadows it, it is that var.
        if (t.path.length === 0 && head.type === "var" && head !== t.head) return head;
        return { ...t, head, path: t.path.map((p) => this.term(p)) };
      }
      case "call":
        return { ...t, args: t.args.map((a) => this.term(a)) };
      case "array":
        return { ...t, items: t.items.map((i) => this.term(i)) };
      case "set":
        return { ...t, items: t.items.map((i) => this.term(i)) };
      case "object":
        return { ...t, entries: t.entries.map(([k, v]): [Term, Term] => [this.term(k), this.term(v)]) };
      case "arraycomp":
      case "setcomp": {
        this.frames.push(newFrame());
        const body = this.renameBody(t.body, termVars(t.head, {}));
        const head = this.term(t.head);
        this.frames.pop();
        return { ...t, head, body };
      }
      case "objectcomp": {
        this.frames.push(newFrame());
        const body = this.renameBody(t.body, termVars(t.value, {}, termVars(t.key, {})));
        const key = this.term(t.key);
        const value = this.term(t.value);
        this.frames.pop();
        return { ...t, key, value, body };
      }
      case "template":
        return {
          ...t,
          parts: t.parts.map((p) => {
            if (typeof p === "string") return p;
            if (isExpr(p)) return this.expr(p) ?? p;
            return this.term(p);
          }),
        };
      default:
        return t;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Closure-local variables

  /** Renames the local variables of every closure in `body`; `visible` are the names the closures may capture. */
  private localizeBody(body: Body, visible: Set<string>, map: Map<string, string> = new Map()): Body {
    return body.map((e) => this.localizeExpr(e, visible, map));
  }

  private localizeExpr(e: Expr, visible: Set<string>, map: Map<string, string>): Expr {
    const b = e.body;
    const withs = e.with.map((w) => (isFunctionValue(w.value) ? w : { ...w, value: this.localizeTerm(w.value, visible, map) }));
    switch (b.type) {
      case "term":
        return { ...e, with: withs, body: { ...b, term: this.localizeTerm(b.term, visible, map) } };
      case "somein":
        return {
          ...e,
          with: withs,
          body: {
            ...b,
            key: b.key && this.localizeTerm(b.key, visible, map),
            value: this.localizeTerm(b.value, visible, map),
            collection: this.localizeTerm(b.collection, visible, map),
          },
        };
      case "every": {
        const domain = this.localizeTerm(b.domain, visible, map);
        const own = bodyVars(b.body, SAFETY);
        const inner = this.closureMap(own, visible, map);
        const innerVisible = new Set([...visible, ...own]);
        const body = this.localizeBody(b.body, innerVisible, inner);
        return { ...e, with: withs, body: { ...b, domain, body } };
      }
      default:
        return { ...e, with: withs };
    }
  }

  /** Applies `map` to the variables of a term, and localizes the closures inside it. */
  private localizeTerm(t: Term, visible: Set<string>, map: Map<string, string>): Term {
    switch (t.type) {
      case "var": {
        const to = map.get(t.name);
        return to ? { ...t, name: to } : t;
      }
      case "ref":
        return { ...t, head: this.localizeTerm(t.head, visible, map), path: t.path.map((p) => this.localizeTerm(p, visible, map)) };
      case "call":
        return { ...t, args: t.args.map((a) => this.localizeTerm(a, visible, map)) };
      case "array":
        return { ...t, items: t.items.map((i) => this.localizeTerm(i, visible, map)) };
      case "set":
        return { ...t, items: t.items.map((i) => this.localizeTerm(i, visible, map)) };
      case "object":
        return {
          ...t,
          entries: t.entries.map(([k, v]): [Term, Term] => [this.localizeTerm(k, visible, map), this.localizeTerm(v, visible, map)]),
        };
      case "arraycomp":
      case "setcomp": {
        const own = termVars(t.head, SAFETY, bodyVars(t.body, SAFETY));
        const inner = this.closureMap(own, visible, map);
        const innerVisible = new Set([...visible, ...own]);
        return {
          ...t,
          head: this.localizeTerm(t.head, innerVisible, inner),
          body: this.localizeBody(t.body, innerVisible, inner),
        };
      }
      case "objectcomp": {
        const own = termVars(t.key, SAFETY, termVars(t.value, SAFETY, bodyVars(t.body, SAFETY)));
        const inner = this.closureMap(own, visible, map);
        const innerVisible = new Set([...visible, ...own]);
        return {
          ...t,
          key: this.localizeTerm(t.key, innerVisible, inner),
          value: this.localizeTerm(t.value, innerVisible, inner),
          body: this.localizeBody(t.body, innerVisible, inner),
        };
      }
      case "template":
        return {
          ...t,
          parts: t.parts.map((p) => {
            if (typeof p === "string") return p;
            const own = isExpr(p) ? exprVars(p, SAFETY) : termVars(p, SAFETY);
            const inner = this.closureMap(own, visible, map);
            const innerVisible = new Set([...visible, ...own]);
            return isExpr(p) ? this.localizeExpr(p, innerVisible, inner) : this.localizeTerm(p, innerVisible, inner);
          }),
        };
      default:
        return t;
    }
  }

  /** Extends the enclosing renaming with fresh names for the closure's own variables that nothing outside sees. */
  private closureMap(own: Set<string>, visible: Set<string>, map: Map<string, string>): Map<string, string> {
    let inner = map;
    for (const name of own) {
      if (isGenerated(name) || visible.has(name) || map.has(name)) continue;
      if (inner === map) inner = new Map(map);
      inner.set(name, this.fresh(name));
    }
    return inner;
  }
}

function cloneFrame(f: Frame): Frame {
  return { declared: new Map(f.declared), seen: new Set(f.seen), some: [] };
}

/** Variables written in a rule's head (ref tail, key, value), by their source names. */
function headVarNames(rule: Rule): Set<string> {
  const out = new Set<string>();
  for (const t of rule.head.ref.slice(1)) termVars(t, {}, out);
  if (rule.head.key) termVars(rule.head.key, {}, out);
  if (rule.head.value) termVars(rule.head.value, {}, out);
  return out;
}
