/**
 * `rego.parse_module`: parses Rego with the project's own parser and returns the module in OPA's JSON AST
 * shape (`{"package": {"path": [...]}, "rules": [{"head": …, "body": [{"index": 0, "terms": …}]}]}`), terms as
 * `{"type", "value"}` pairs, without locations, as OPA's JSON encoding of `ast.Module` prints it.
 */
import { BuiltinError, typeError, type HostFamily } from "./errors";
import { parseModule } from "../../syntax/parser";
import type {
  Annotation,
  Body,
  Comment,
  ElseClause,
  Expr,
  Module,
  RefTerm,
  Rule,
  RuleHead,
  Term,
} from "../../syntax/ast";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** OPA names the `n`th wildcard of a module `$n`; the project's parser names it `$_n`. */
const varName = (name: string): string => name.replace(/^\$_(\d+)$/, "$$$1");

const term = (type: string, value: Json): Json => ({ type, value });

function numberValue(text: string): Json {
  const n = Number(text);
  // JSON numbers beyond double precision keep their text, as OPA keeps arbitrary-precision numbers.
  return Number.isFinite(n) && String(n) === text.replace(/^(-?)0+(?=\d)/, "$1") ? n : text;
}

function refTerm(ref: RefTerm): Json {
  return term("ref", [termJson(ref.head), ...ref.path.map(termJson)]);
}

function termJson(t: Term): Json {
  switch (t.type) {
    case "null":
      return term("null", null);
    case "boolean":
      return term("boolean", t.value);
    case "number":
      return term("number", numberValue(t.text));
    case "string":
      return term("string", t.value);
    case "var":
      return term("var", varName(t.name));
    case "ref":
      return refTerm(t);
    case "array":
      return term("array", t.items.map(termJson));
    case "set":
      return term("set", t.items.map(termJson));
    case "object":
      return term(
        "object",
        t.entries.map(([k, v]) => [termJson(k), termJson(v)]),
      );
    case "call":
      return term("call", [refTerm(t.op), ...t.args.map(termJson)]);
    case "arraycomp":
      return term("arraycomprehension", { term: termJson(t.head), body: bodyJson(t.body) });
    case "setcomp":
      return term("setcomprehension", { term: termJson(t.head), body: bodyJson(t.body) });
    case "objectcomp":
      return term("objectcomprehension", { key: termJson(t.key), value: termJson(t.value), body: bodyJson(t.body) });
    case "template":
      return term(
        "templatestring",
        t.parts.map((p) => (typeof p === "string" ? term("string", p) : "type" in p ? termJson(p) : exprTerms(p))),
      );
  }
}

const member = (args: Term[]): Json =>
  term("call", [
    term("ref", [term("var", "internal"), term("string", args.length === 2 ? "member_2" : "member_3")]),
    ...args.map(termJson),
  ]);

/** What OPA keeps as an expression's `terms`: the operator and operands of a call, else the one term. */
function exprTerms(e: Expr): Json {
  const body = e.body;
  switch (body.type) {
    case "term":
      return body.term.type === "call" ? [refTerm(body.term.op), ...body.term.args.map(termJson)] : termJson(body.term);
    case "some":
      return { symbols: body.vars.map(termJson) };
    case "somein":
      return { symbols: [member(body.key ? [body.key, body.value, body.collection] : [body.value, body.collection])] };
    case "every":
      return {
        key: body.key ? termJson(body.key) : null,
        value: termJson(body.value),
        domain: termJson(body.domain),
        body: bodyJson(body.body),
      };
  }
}

export function bodyJson(body: Body): Json[] {
  if (body.length === 0) return [{ index: 0, terms: term("boolean", true) }];
  return body.map((e, index) => {
    const out: { [key: string]: Json } = { index, terms: exprTerms(e) };
    if (e.negated) out.negated = true;
    if (e.with.length > 0) out.with = e.with.map((w) => ({ target: termJson(w.target), value: termJson(w.value) }));
    return out;
  });
}

function headJson(head: RuleHead, value: Term | null): { [key: string]: Json } {
  const out: { [key: string]: Json } = { ref: head.ref.map(termJson) };
  if (head.ref.length === 1 && head.ref[0].type === "var") out.name = varName(head.ref[0].name);
  if (head.args) out.args = head.args.map(termJson);
  if (head.contains && head.key) out.key = termJson(head.key);
  // Rules written without a value (`p if …`, `f(x) if …`) have the value true; `contains` rules have none.
  if (!head.contains) out.value = value ? termJson(value) : term("boolean", true);
  if (head.assign) out.assign = true;
  return out;
}

function elseJson(head: RuleHead, chain: ElseClause[]): Json {
  const [first, ...rest] = chain;
  const out: { [key: string]: Json } = {
    head: headJson({ ...head, assign: first.assign }, first.value),
    body: bodyJson(first.body),
  };
  if (rest.length > 0) out.else = elseJson(head, rest);
  return out;
}

function annotationJson(a: Annotation): Json {
  return { scope: a.scope, ...(a.fields as { [key: string]: Json }) };
}

/** A rule as OPA's JSON AST has it, without its body and else chain (what a trace event names). */
export function ruleHeadJson(rule: Rule): Json {
  return rule.default ? { head: headJson(rule.head, rule.head.value), default: true } : { head: headJson(rule.head, rule.head.value) };
}

function ruleJson(rule: Rule): Json {
  const out: { [key: string]: Json } = { head: headJson(rule.head, rule.head.value), body: bodyJson(rule.body) };
  if (rule.default) out.default = true;
  if (rule.else.length > 0) out.else = elseJson(rule.head, rule.else);
  if (rule.annotations.length > 0) out.annotations = rule.annotations.map(annotationJson);
  return out;
}

function commentJson(c: Comment): Json {
  const text = c.text.replace(/^#/, "");
  return {
    Location: { file: c.loc.file, row: c.loc.row, col: c.loc.col, text: Buffer.from(`#${text}`).toString("base64") },
    Text: Buffer.from(text).toString("base64"),
  };
}

export function moduleJson(module: Module): Json {
  const out: { [key: string]: Json } = {
    package: { path: [term("var", "data"), ...module.package.path.map((p) => term("string", p))] },
  };
  if (module.imports.length > 0) {
    out.imports = module.imports.map((imp) => {
      const entry: { [key: string]: Json } = { path: refTerm(imp.path) };
      if (imp.alias) entry.alias = imp.alias;
      return entry;
    });
  }
  const annotations = [...module.package.annotations, ...module.rules.flatMap((r) => r.annotations)];
  if (annotations.length > 0) out.annotations = annotations.map(annotationJson);
  if (module.rules.length > 0) out.rules = module.rules.map(ruleJson);
  if (module.comments.length > 0) out.comments = module.comments.map(commentJson);
  return out;
}

function parseRegoModule(filename: unknown, source: unknown): Json {
  if (typeof filename !== "string") throw typeError(1, "string", filename);
  if (typeof source !== "string") throw typeError(1, "string", source);
  const { module, diagnostics } = parseModule(source, filename);
  if (!module) {
    // OPA's ast.Errors: each error prefixed with `file:row`, the list with its count.
    const lines = diagnostics.map((d) => `${d.loc ? `${d.loc.file}:${d.loc.row}: ` : ""}${d.code}: ${d.message}`);
    const count = lines.length === 1 ? "1 error occurred: " : `${lines.length} errors occurred:\n`;
    throw new BuiltinError("eval_builtin_error", count + lines.join("\n"));
  }
  return moduleJson(module);
}

export const builtins: HostFamily = {
  "rego.parse_module": parseRegoModule,
};
