/**
 * Name resolution, second check stage: takes parsed modules and spells every reference to a rule of the same
 * package or to an import as a full `data…`/`input…` ref, and every call operator as a user function's `data…`
 * ref or a builtin name (`strings` + `["replace_n"]`), with locals shadowing globals where OPA lets them.
 * Reports undefined functions, wrong arities and deprecated builtins as `rego_type_error`.
 */
import { diagnostic, type Diagnostic } from "../diagnostics";
import type { Body, CallTerm, Expr, Module, RefTerm, Rule, Term, WithModifier } from "../syntax/ast";
import type { Signatures } from "./signatures";
import { dottedName, isExpr, markFunctionValue, pathRef } from "./walk";

interface Global {
  head: string;
  path: string[];
}

/** Resolves a set of modules; `packageRules` maps a package key to the rule names defined in it. */
export function resolveModules(modules: readonly Module[], sigs: Signatures): { modules: Module[]; diagnostics: Diagnostic[] } {
  const packageRules = new Map<string, Set<string>>();
  for (const m of modules) {
    const key = m.package.path.join("\u0000");
    const names = packageRules.get(key) ?? new Set<string>();
    for (const r of m.rules) {
      const head = r.head.ref[0];
      if (head.type === "var") names.add(head.name);
    }
    packageRules.set(key, names);
  }
  const diagnostics: Diagnostic[] = [];
  const resolved = modules.map((m) => {
    const globals = new Map<string, Global>();
    for (const name of packageRules.get(m.package.path.join("\u0000")) ?? []) {
      globals.set(name, { head: "data", path: [...m.package.path, name] });
    }
    for (const imp of m.imports) {
      const head = imp.path.head.type === "var" ? imp.path.head.name : "";
      if (head !== "data" && head !== "input") continue;
      const path = imp.path.path.map((p) => (p.type === "string" ? p.value : ""));
      const name = imp.alias ?? (path.length > 0 ? path[path.length - 1] : head);
      globals.set(name, { head, path });
    }
    const resolver = new Resolver(globals, sigs, diagnostics, m.regoVersion === 1);
    return { ...m, rules: m.rules.map((r) => resolver.resolveRule(r)) };
  });
  return { modules: resolved, diagnostics };
}

/** Resolves a query: no globals besides `input`/`data`; builtin and `data…` function calls are checked. */
export function resolveQuery(body: Body, sigs: Signatures, diagnostics: Diagnostic[]): Body {
  const resolver = new Resolver(new Map(), sigs, diagnostics, false);
  return resolver.resolveTopBody(body);
}

class Resolver {
  private readonly ignore: Array<Set<string>> = [];

  constructor(
    private readonly globals: ReadonlyMap<string, Global>,
    private readonly sigs: Signatures,
    private readonly diagnostics: Diagnostic[],
    /** Rego v1 modules may not call deprecated builtins; v0 modules and queries may. */
    private readonly isModule: boolean,
  ) {}

  resolveRule(rule: Rule): Rule {
    const args = new Set<string>();
    for (const arg of rule.head.args ?? []) this.collectArgVars(arg, args);
    this.ignore.push(args);
    this.ignore.push(declaredVars(rule.body));
    const ref = rule.head.ref;
    const head = {
      ...rule.head,
      ref: [ref[0], ...ref.slice(1).map((t) => this.resolveTerm(t))],
      key: rule.head.key && this.resolveTerm(rule.head.key),
      value: rule.head.value && this.resolveTerm(rule.head.value),
    };
    const body = this.resolveBody(rule.body);
    this.ignore.pop();
    const elses = rule.else.map((clause) => {
      this.ignore.push(declaredVars(clause.body));
      const resolved = { ...clause, value: clause.value && this.resolveTerm(clause.value), body: this.resolveBody(clause.body) };
      this.ignore.pop();
      return resolved;
    });
    this.ignore.pop();
    return { ...rule, head, body, else: elses };
  }

  resolveTopBody(body: Body): Body {
    this.ignore.push(declaredVars(body));
    const out = this.resolveBody(body);
    this.ignore.pop();
    return out;
  }

  /** Argument variables shadow globals; object keys and sets cannot bind, so only values are collected. */
  private collectArgVars(t: Term, out: Set<string>): void {
    switch (t.type) {
      case "var":
        out.add(t.name);
        break;
      case "ref":
        if (t.head.type === "var" && t.path.length === 0 && (t.head.name === "input" || t.head.name === "data")) {
          this.diagnostics.push(
            diagnostic("rego_compile_error", `args must not shadow ${t.head.name} (use a different variable name)`, t.loc),
          );
        }
        this.collectArgVars(t.head, out);
        for (const p of t.path) this.collectArgVars(p, out);
        break;
      case "array":
        for (const i of t.items) this.collectArgVars(i, out);
        break;
      case "object":
        for (const [, v] of t.entries) this.collectArgVars(v, out);
        break;
      default:
        break;
    }
  }

  private isIgnored(name: string): boolean {
    return this.ignore.some((s) => s.has(name));
  }

  private global(name: string): Global | undefined {
    return this.isIgnored(name) ? undefined : this.globals.get(name);
  }

  private resolveBody(body: Body): Body {
    return body.map((e) => this.resolveExpr(e));
  }

  private resolveExpr(e: Expr): Expr {
    const b = e.body;
    let body: Expr["body"];
    switch (b.type) {
      case "term": {
        const t = b.term;
        const topCall = t.type === "call" && !isUnification(t);
        body = { ...b, term: t.type === "call" ? this.resolveCall(t, topCall) : this.resolveTerm(t) };
        break;
      }
      case "some":
        body = b;
        break;
      case "somein":
        body = {
          ...b,
          key: b.key && this.resolveTerm(b.key),
          value: this.resolveTerm(b.value),
          collection: this.resolveTerm(b.collection),
        };
        break;
      case "every": {
        const locals = new Set<string>([b.value.name]);
        if (b.key) locals.add(b.key.name);
        this.ignore.push(locals);
        this.ignore.push(declaredVars(b.body));
        body = { ...b, domain: this.resolveTerm(b.domain), body: this.resolveBody(b.body) };
        this.ignore.pop();
        this.ignore.pop();
        break;
      }
    }
    return { ...e, body, with: e.with.map((w) => this.resolveWith(w)) };
  }

  private resolveWith(w: WithModifier): WithModifier {
    const target = w.target;
    const name = target.type === "var" ? target.name : target.type === "ref" ? dottedName(target) : null;
    const head = target.type === "var" ? target.name : target.head.type === "var" ? target.head.name : "";
    let resolved: RefTerm | null = null;
    let isFunction = false;
    if (head === "input" || head === "data") {
      resolved = this.resolveTerm(target) as RefTerm;
      isFunction = head === "data" && this.isFunctionRef(resolved);
    } else if (this.global(head)) {
      const r = this.resolveTerm(target);
      if (r.type === "ref") {
        resolved = r;
        isFunction = this.isFunctionRef(r);
      }
    } else if (name !== null && this.sigs.builtin(name)) {
      const [first, ...rest] = name.split(".");
      resolved = pathRef(first, rest, target.loc);
      isFunction = true;
    }
    if (!resolved) {
      this.diagnostics.push(
        diagnostic("rego_type_error", "with keyword target must reference existing input, data, or a function", target.loc),
      );
      resolved = target.type === "ref" ? target : { type: "ref", head: target, path: [], loc: target.loc };
    }
    return { ...w, target: resolved, value: isFunction ? this.resolveFunctionValue(w.value) : this.resolveTerm(w.value) };
  }

  private isFunctionRef(ref: RefTerm): boolean {
    if (ref.head.type !== "var" || ref.head.name !== "data") return false;
    if (ref.path.some((p) => p.type !== "string")) return false;
    return this.sigs.functionArity(ref.path.map((p) => (p.type === "string" ? p.value : ""))) !== undefined;
  }

  /** A `with` value replacing a function: a user function, a builtin name, or any value. */
  private resolveFunctionValue(value: Term): Term {
    const name = value.type === "var" ? value.name : value.type === "ref" ? dottedName(value) : null;
    const head = value.type === "var" ? value.name : value.type === "ref" && value.head.type === "var" ? value.head.name : "";
    if (name !== null && !this.isIgnored(head) && !this.globals.has(head) && this.sigs.builtin(name)) {
      const [first, ...rest] = name.split(".");
      return markFunctionValue(pathRef(first, rest, value.loc));
    }
    return this.resolveTerm(value);
  }

  private resolveTerm(t: Term): Term {
    switch (t.type) {
      case "var": {
        const g = this.global(t.name);
        return g ? pathRef(g.head, g.path, t.loc) : t;
      }
      case "ref":
        return this.resolveRef(t);
      case "call":
        return this.resolveCall(t, false);
      case "array":
        return { ...t, items: t.items.map((i) => this.resolveTerm(i)) };
      case "set":
        return { ...t, items: t.items.map((i) => this.resolveTerm(i)) };
      case "object":
        return { ...t, entries: t.entries.map(([k, v]): [Term, Term] => [this.resolveTerm(k), this.resolveTerm(v)]) };
      case "arraycomp":
      case "setcomp": {
        this.ignore.push(declaredVars(t.body));
        const out = { ...t, head: this.resolveTerm(t.head), body: this.resolveBody(t.body) };
        this.ignore.pop();
        return out;
      }
      case "objectcomp": {
        this.ignore.push(declaredVars(t.body));
        const out = { ...t, key: this.resolveTerm(t.key), value: this.resolveTerm(t.value), body: this.resolveBody(t.body) };
        this.ignore.pop();
        return out;
      }
      case "template":
        return {
          ...t,
          parts: t.parts.map((p) => (typeof p === "string" ? p : isExpr(p) ? this.resolveExpr(p) : this.resolveTerm(p))),
        };
      default:
        return t;
    }
  }

  private resolveRef(t: RefTerm): RefTerm {
    const path = t.path.map((p) => this.resolveTerm(p));
    if (t.head.type === "var") {
      const g = this.global(t.head.name);
      if (g) {
        const prefix = pathRef(g.head, g.path, t.head.loc);
        return { ...t, head: prefix.head, path: [...prefix.path, ...path] };
      }
      return { ...t, path };
    }
    return { ...t, head: this.resolveTerm(t.head), path };
  }

  /**
   * Resolves a call's operator and checks it names a function of the right arity. `allowOutput` holds for
   * a call that is a whole expression, where one extra argument receives the result.
   */
  private resolveCall(call: CallTerm, allowOutput: boolean): Term {
    const args = call.args.map((a) => (a.type === "call" ? this.resolveCall(a, false) : this.resolveTerm(a)));
    const op = this.resolveRef(call.op);
    const name = dottedName(op);
    if (name === null) {
      this.diagnostics.push(diagnostic("rego_type_error", "illegal call operator", call.loc));
      return { ...call, op, args };
    }
    if (op.head.type === "var" && op.head.name === "data") {
      const path = op.path.map((p) => (p.type === "string" ? p.value : ""));
      const arity = this.sigs.functionArity(path);
      // `f()` of a zero-argument "function" `f() := x`, which OPA defines as the rule `f`.
      if (arity === undefined && args.length === 0 && this.sigs.isRule(path)) return op;
      if (arity === undefined) {
        this.diagnostics.push(diagnostic("rego_type_error", `undefined function ${name}`, call.loc));
      } else {
        this.checkArity(name, arity, args.length, allowOutput, call);
      }
      return { ...call, op, args };
    }
    const spec = this.sigs.builtin(name);
    if (!spec) {
      this.diagnostics.push(diagnostic("rego_type_error", `undefined function ${name}`, call.loc));
      return { ...call, op, args };
    }
    if (spec.deprecated && this.isModule) {
      this.diagnostics.push(diagnostic("rego_type_error", `deprecated built-in function calls in expression: ${name}`, call.loc));
    }
    if (!spec.variadic) this.checkArity(name, spec.arity, args.length, allowOutput && spec.result !== null, call);
    const [first, ...rest] = name.split(".");
    return { ...call, op: pathRef(first, rest, call.op.loc), args };
  }

  private checkArity(name: string, arity: number, given: number, allowOutput: boolean, call: CallTerm): void {
    if (given < arity) {
      this.diagnostics.push(diagnostic("rego_type_error", `${name}: too few arguments (have ${given}, want ${arity})`, call.loc));
    } else if (given > arity + (allowOutput ? 1 : 0)) {
      this.diagnostics.push(diagnostic("rego_type_error", `${name}: too many arguments (have ${given}, want ${arity})`, call.loc));
    }
  }
}

/** `a = b` / `a := b`: their operands are values, not outputs of a call. */
export function isUnification(t: CallTerm): boolean {
  const op = t.op;
  return op.head.type === "var" && op.path.length === 0 && (op.head.name === "eq" || op.head.name === "assign") && t.args.length === 2;
}

/** Variables a body declares (`:=` targets, `some` vars, `some … in` patterns), comprehensions aside. */
export function declaredVars(body: Body, out: Set<string> = new Set()): Set<string> {
  for (const e of body) {
    const b = e.body;
    switch (b.type) {
      case "term":
        if (b.term.type === "call" && isUnification(b.term) && b.term.op.head.type === "var" && b.term.op.head.name === "assign") {
          collectVars(b.term.args[0], out);
        }
        break;
      case "some":
        for (const v of b.vars) out.add(v.name);
        break;
      case "somein":
        if (b.key) collectVars(b.key, out);
        collectVars(b.value, out);
        break;
      case "every":
        declaredVars(b.body, out);
        break;
    }
  }
  return out;
}

function collectVars(t: Term, out: Set<string>): void {
  switch (t.type) {
    case "var":
      out.add(t.name);
      break;
    case "ref":
      collectVars(t.head, out);
      for (const p of t.path) collectVars(p, out);
      break;
    case "array":
    case "set":
      for (const i of t.items) collectVars(i, out);
      break;
    case "object":
      for (const [k, v] of t.entries) {
        collectVars(k, out);
        collectVars(v, out);
      }
      break;
    case "call":
      for (const a of t.args) collectVars(a, out);
      break;
    default:
      break;
  }
}
