/**
 * The Rego printer: takes AST nodes and produces Rego source text, one rule per line group. Used to show
 * what the check stage did (renamed variables, reordered bodies) in tests, golden files and debugging;
 * calls print as `op(args)` (so `x = 1` prints as `eq(x, 1)` unless `infix` is set).
 */
import type { Body, Expr, Module, Rule, RuleHead, Term } from "./ast";

const INFIX: Record<string, string> = {
  eq: "=",
  assign: ":=",
  equal: "==",
  neq: "!=",
  lt: "<",
  lte: "<=",
  gt: ">",
  gte: ">=",
  plus: "+",
  minus: "-",
  mul: "*",
  div: "/",
  rem: "%",
  and: "&",
  or: "|",
  "internal.member_2": "in",
};

export interface PrintOptions {
  /** Print operator calls with their operators (`x = 1`) instead of as calls (`eq(x, 1)`). */
  infix?: boolean;
  /** How variables are shown (e.g. generated names mapped back to the names the user wrote). */
  varName?: (name: string) => string;
  /** Objects whose keys are all strings print in key order, as OPA prints them (traces), not as written. */
  sortKeys?: boolean;
}

export function formatTerm(t: Term, opts: PrintOptions = {}): string {
  const f = (x: Term) => formatTerm(x, opts);
  switch (t.type) {
    case "null":
      return "null";
    case "boolean":
      return String(t.value);
    case "number":
      return t.text;
    case "string":
      return JSON.stringify(t.value);
    case "var":
      return opts.varName ? opts.varName(t.name) : t.name;
    case "ref": {
      let out = f(t.head);
      for (const p of t.path) out += p.type === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.value) ? `.${p.value}` : `[${f(p)}]`;
      return out;
    }
    case "call": {
      const name = formatTerm(t.op, opts);
      const op = INFIX[name];
      if (opts.infix && op && t.args.length === 2) {
        const prec = PRECEDENCE[op];
        return `${operand(t.args[0], prec, false, opts)} ${op} ${operand(t.args[1], prec, true, opts)}`;
      }
      if (opts.infix && name === "internal.member_3" && t.args.length === 3) {
        return `${operand(t.args[0], 1, false, opts)}, ${operand(t.args[1], 1, false, opts)} in ${operand(t.args[2], 1, true, opts)}`;
      }
      return `${name}(${t.args.map(f).join(", ")})`;
    }
    case "array":
      return `[${t.items.map(f).join(", ")}]`;
    case "set":
      return t.items.length === 0 ? "set()" : `{${t.items.map(f).join(", ")}}`;
    case "object": {
      const byKey = opts.sortKeys && t.entries.every(([k]) => k.type === "string");
      const entries = byKey ? [...t.entries].sort(([a], [b]) => compareKeys(a, b)) : t.entries;
      return `{${entries.map(([k, v]) => `${f(k)}: ${f(v)}`).join(", ")}}`;
    }
    case "arraycomp":
      return `[${f(t.head)} | ${formatBody(t.body, opts)}]`;
    case "setcomp":
      return `{${f(t.head)} | ${formatBody(t.body, opts)}}`;
    case "objectcomp":
      return `{${f(t.key)}: ${f(t.value)} | ${formatBody(t.body, opts)}}`;
    case "template": {
      let out = '$"';
      for (const p of t.parts) {
        if (typeof p === "string") out += JSON.stringify(p).slice(1, -1).replace(/\{/g, "\\{");
        else out += `{${"type" in p ? f(p) : formatExpr(p, opts)}}`;
      }
      return `${out}"`;
    }
  }
}

function compareKeys(a: Term, b: Term): number {
  const [x, y] = [(a as { value: string }).value, (b as { value: string }).value];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Binding strength of infix operators, loosest first, as the parser reads them. */
const PRECEDENCE: Record<string, number> = {
  "=": 0,
  ":=": 0,
  in: 1,
  "==": 2,
  "!=": 2,
  "<": 2,
  "<=": 2,
  ">": 2,
  ">=": 2,
  "|": 3,
  "&": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

/** An operand, parenthesised where the printed text would otherwise parse to a different tree. */
function operand(t: Term, parent: number, right: boolean, opts: PrintOptions): string {
  const s = formatTerm(t, opts);
  if (t.type !== "call") return s;
  const name = formatTerm(t.op, opts);
  const op = name === "internal.member_3" ? "in" : INFIX[name];
  if (!op) return s;
  const prec = PRECEDENCE[op];
  return prec < parent || (prec === parent && right) ? `(${s})` : s;
}

export function formatExpr(e: Expr, opts: PrintOptions = {}): string {
  const b = e.body;
  let out: string;
  switch (b.type) {
    case "term":
      out = formatTerm(b.term, opts);
      break;
    case "some":
      out = `some ${b.vars.map((v) => formatTerm(v, opts)).join(", ")}`;
      break;
    case "somein":
      out = `some ${b.key ? `${formatTerm(b.key, opts)}, ` : ""}${formatTerm(b.value, opts)} in ${formatTerm(b.collection, opts)}`;
      break;
    case "every":
      out = `every ${b.key ? `${formatTerm(b.key, opts)}, ` : ""}${formatTerm(b.value, opts)} in ${formatTerm(b.domain, opts)} { ${formatBody(b.body, opts)} }`;
      break;
  }
  if (e.negated) out = `not ${out}`;
  for (const w of e.with) out += ` with ${formatTerm(w.target, opts)} as ${formatTerm(w.value, opts)}`;
  return out;
}

export function formatBody(body: Body, opts: PrintOptions = {}): string {
  return body.map((e) => formatExpr(e, opts)).join("; ");
}

export function formatHead(head: RuleHead, opts: PrintOptions = {}): string {
  const [first, ...rest] = head.ref;
  let out = formatTerm({ type: "ref", head: first, path: rest, loc: first.loc }, opts);
  if (head.args) out += `(${head.args.map((a) => formatTerm(a, opts)).join(", ")})`;
  if (head.contains && head.key) out += ` contains ${formatTerm(head.key, opts)}`;
  if (head.value) out += ` ${head.assign ? ":=" : "="} ${formatTerm(head.value, opts)}`;
  return out;
}

export function formatRule(rule: Rule, opts: PrintOptions = {}): string {
  let out = `${rule.default ? "default " : ""}${formatHead(rule.head, opts)}`;
  if (rule.body.length > 0) out += ` if { ${formatBody(rule.body, opts)} }`;
  for (const clause of rule.else) {
    out += " else";
    if (clause.value) out += ` ${clause.assign ? ":=" : "="} ${formatTerm(clause.value, opts)}`;
    if (clause.body.length > 0) out += ` if { ${formatBody(clause.body, opts)} }`;
  }
  return out;
}

export function formatModule(module: Module, opts: PrintOptions = {}): string {
  const lines = [`package ${module.package.path.join(".")}`];
  for (const imp of module.imports) lines.push(`import ${formatTerm(imp.path, opts)}${imp.alias ? ` as ${imp.alias}` : ""}`);
  for (const rule of module.rules) lines.push(formatRule(rule, opts));
  return `${lines.join("\n")}\n`;
}
