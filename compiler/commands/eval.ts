/**
 * `regoc eval [-d <path>]… [-i input.json] <query>`: compiles the query against the named Rego and data and
 * prints the result set as `opa eval` does: `{"result": [{"expressions": [{"value", "text", "location"}],
 * "bindings": {…}}]}`, or `{}` when the query is undefined. Each expression's value is what OPA reports: the
 * term's value for a plain term (`data.pkg.rule`, `count(x)`), `true` for a comparison or unification.
 */
import * as fs from "fs";
import * as path from "path";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile } from "../index";
import { parseQuery } from "../syntax/parser";
import type { Expr, RefTerm } from "../syntax/ast";
import { createHostBuiltins } from "../builtins/host";
import { Command, errorMessage, reportDiagnostics, stringList, stringValue, UsageError } from "./command";
import { compileSettings, loadCommandSources, SHARED_OPTIONS, sharedSettings } from "./shared-options";

/** Calls whose value OPA reports as `true` rather than as a value: comparisons, unification, membership. */
const CONDITIONS = new Set(["eq", "assign", "equal", "neq", "lt", "lte", "gt", "gte", "internal.member_2", "internal.member_3"]);
const VALUE_VAR = "__regoc_value_";

export const evalCommand: Command = {
  name: "eval",
  summary: "evaluate a query and print the result set as opa eval does",
  positionals: "<query>",
  usageExit: 2,
  exitCodes: { 0: "result set printed ({} when undefined)", 1: "compile or evaluation error", 2: "usage error, or an unreadable path or input" },
  options: {
    data: { type: "string", short: "d", multiple: true, value: "<path>", description: "Rego and data files or directories" },
    input: { type: "string", short: "i", value: "<input.json>", description: "the input document" },
    ...SHARED_OPTIONS,
  },
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError("exactly one query is required");
    const query = args.positionals[0];
    const settings = await sharedSettings(args, io);
    const sources = loadCommandSources("eval", stringList(args, "data"), args, io);
    if (!sources) return 2;
    const inputFile = stringValue(args, "input");
    let input: ArrayBuffer | undefined;
    if (inputFile !== undefined) {
      let text: string;
      try {
        text = fs.readFileSync(path.resolve(io.cwd, inputFile), "utf8");
      } catch (e) {
        io.stderr(`regoc eval: ${inputFile}: ${(e as Error).message}\n`);
        return 2;
      }
      try {
        JSON.parse(text);
      } catch (e) {
        io.stderr(`regoc eval: ${inputFile}: not JSON: ${(e as Error).message}\n`);
        return 2;
      }
      const bytes = Buffer.from(text, "utf8");
      input = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    }
    const plan = planExpressions(query);
    const options = { modules: sources.modules, ...compileSettings(settings) };
    let result = compile({ ...options, queries: [{ name: "eval", query: plan.query }] });
    if (!result.wasm && plan.query !== query) {
      // A call with its output argument (`count(x, n)`) cannot be wrapped; evaluate the query as written.
      const plain = compile({ ...options, queries: [{ name: "eval", query }] });
      if (plain.wasm) {
        result = plain;
        plan.valued.clear();
      }
    }
    if (!reportDiagnostics(result, [...sources.modules, { file: "entrypoint:eval", source: query }], io)) return 1;
    const policy = loadPolicySync(result.wasm!, undefined, { ...createHostBuiltins({ strict: settings.strict }), ...settings.custom.implementations });
    policy.setData(sources.data);
    // The SDK returns a query's rows as the bindings of its variables.
    let rows: Array<Record<string, unknown>>;
    try {
      rows = policy.evaluate(input, "eval") as Array<Record<string, unknown>>;
    } catch (e) {
      io.stderr(`regoc eval: ${errorMessage(e)}\n`);
      return 1;
    }
    const resultSet = [];
    for (const bound of rows) {
      const expressions = plan.exprs.map((e, i) => ({
        value: plan.valued.has(i) ? bound[VALUE_VAR + i] : true,
        text: e.text,
        location: { row: e.row, col: e.col },
      }));
      // A term whose value is false fails the query in OPA; wrapping it as `v = term` must not make it succeed.
      if (expressions.some((e, i) => plan.valued.has(i) && e.value === false)) continue;
      const bindings = Object.fromEntries(Object.entries(bound).filter(([k]) => !k.startsWith(VALUE_VAR) && !k.startsWith("$")));
      resultSet.push(Object.keys(bindings).length > 0 ? { expressions, bindings } : { expressions });
    }
    io.stdout(printResultSet(resultSet.length > 0 ? { result: resultSet } : {}) + "\n");
    return 0;
  },
};

interface ExpressionPlan {
  query: string;
  exprs: Array<{ text: string; row: number; col: number }>;
  /** Indexes of the expressions whose value is bound to `__regoc_value_<i>`. */
  valued: Set<number>;
}

/** Rewrites each plain-term expression `t` of the query as `__regoc_value_<i> = t` so its value comes back. */
function planExpressions(query: string): ExpressionPlan {
  const parsed = parseQuery(query, "entrypoint:eval");
  if (!parsed.query) return { query, exprs: [{ text: query, row: 1, col: 1 }], valued: new Set() };
  const body: Expr[] = parsed.query.body;
  const exprs = body.map((e) => ({ text: query.slice(e.loc.offset, e.loc.end), row: e.loc.row, col: e.loc.col }));
  const valued = new Set<number>();
  const parts = body.map((e, i) => {
    const text = exprs[i].text;
    if (e.negated || e.with.length > 0 || e.body.type !== "term") return text;
    const term = e.body.term;
    if (term.type === "call" && CONDITIONS.has(callName(term.op))) return text;
    valued.add(i);
    return `${VALUE_VAR}${i} = (${text})`;
  });
  return { query: parts.join("; "), exprs, valued };
}

function callName(op: RefTerm): string {
  if (op.head.type !== "var") return "";
  return [op.head.name, ...op.path.map((p) => (p.type === "string" ? p.value : "?"))].join(".");
}

/** Beyond this nesting, indentation alone would make the output gigabytes (it grows with the depth squared). */
const MAX_INDENTED_DEPTH = 2000;

/** Indented as `opa eval` prints it, unless the value nests deeper than indentation can sensibly show. */
function printResultSet(output: unknown): string {
  return nestingDepth(output) > MAX_INDENTED_DEPTH ? JSON.stringify(output) : JSON.stringify(output, null, 2);
}

/** How deep arrays and objects nest in a JSON value, found without recursion. */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [v, depth] = pending.pop()!;
    if (typeof v !== "object" || v === null) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(v)) pending.push([child, depth + 1]);
  }
  return deepest;
}
