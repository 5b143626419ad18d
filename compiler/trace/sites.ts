/**
 * Trace sites: the points of a policy a trace-instrumented module reports from (`compile({ trace: true })`), each
 * with OPA's event operation, the node's source location and how `opa test --explain` shows the node — a rule by
 * its path, a query or expression as Rego text, with the variable names the user wrote — and OPA's JSON AST of
 * it. The module reports a site by its index; the table travels beside the module as plain data.
 */
import type { Body, Expr, Location, Rule } from "../syntax/ast";
import { formatBody, formatExpr, type PrintOptions } from "../syntax/printer";
import { bodyJson, ruleHeadJson, type Json } from "../builtins/host/rego-module";

/** OPA's trace operations (topdown/trace.go) that the compiled plan reports. */
export type TraceOp = "Enter" | "Eval" | "Exit" | "Fail" | "Redo" | "Note";

/**
 * What the event is about: OPA prints `Enter`, and a `Redo` of a query or rule, one level shallower than events
 * about expressions.
 */
export type TraceNodeKind = "query" | "rule" | "expr";

export interface TraceLocation {
  /** `""` for a query given on the command line (OPA prints `query:<row>`). */
  file: string;
  row: number;
  col: number;
}

export interface TraceSite {
  op: TraceOp;
  kind: TraceNodeKind;
  location: TraceLocation;
  /** The node as `opa test` prints it: `data.pkg.rule`, `x = data.a[_]`, `count(xs) > 0; not deny`. */
  node: string;
  /**
   * OPA's JSON AST of the node, as its `--format json` trace holds it: an expression, a body; a rule's head only
   * (OPA writes the whole rule into every event about it, which makes a full trace of a real suite gigabytes).
   */
  nodeJson: Json;
  /** `early` on the `Exit` of a rule whose first value is final. */
  message?: string;
}

/** Generated names back to the names written: `$x_3` → `x`, wildcards `$_7` → `_`. */
function writtenName(name: string): string {
  if (/^\$_\d+$/.test(name)) return "_";
  const renamed = /^\$([A-Za-z_][A-Za-z0-9_]*)_\d+$/.exec(name);
  return renamed ? renamed[1] : name;
}

const SHOWN: PrintOptions = { infix: true, varName: writtenName, sortKeys: true };

function traceLocation(loc: Location): TraceLocation {
  // Queries are parsed under the name `entrypoint:<name>`; OPA has no file for a query.
  return { file: loc.file.startsWith("entrypoint:") ? "" : loc.file, row: loc.row, col: loc.col };
}

export function exprSite(op: TraceOp, expr: Expr, index: number, shown?: string): TraceSite {
  const [json] = bodyJson([expr]) as Array<{ [key: string]: Json }>;
  return { op, kind: "expr", location: traceLocation(expr.loc), node: shown ?? formatExpr(expr, SHOWN), nodeJson: { ...json, index } };
}

export function querySite(op: TraceOp, body: Body, loc: Location, shown?: string): TraceSite {
  const at = body.length > 0 ? body[0].loc : loc;
  return { op, kind: "query", location: traceLocation(at), node: shown ?? formatBody(body, SHOWN), nodeJson: bodyJson(body) };
}

/** A rule event: OPA shows the rule by its path (`data.pkg.name`) at the rule's location. */
export function ruleSite(op: TraceOp, rule: Rule, path: readonly string[], message?: string): TraceSite {
  return {
    op,
    kind: "rule",
    location: traceLocation(rule.loc),
    node: ["data", ...path].join("."),
    nodeJson: ruleHeadJson(rule),
    ...(message ? { message } : {}),
  };
}

/** Where a `trace(note)` call stands: its `Note` event takes this location and the query it runs in. */
export function noteSite(loc: Location): TraceSite {
  return { op: "Note", kind: "expr", location: traceLocation(loc), node: "", nodeJson: null };
}
