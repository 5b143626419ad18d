/**
 * Finds the conformance cases that exercise one builtin call on literal arguments (OPA's Wasm test queries
 * such as `round(1.4, x)`, and one-statement rules such as `p := x if { sprintf("%d", [1], x) }`) and turns
 * them into direct calls for the runtime's builtin exports.
 */
import { readdirSync, readFileSync, statSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { CONFORMANCE_DIR } from "../conformance-corpus";

export const CONFORMANCE = CONFORMANCE_DIR ?? join(__dirname, "..", "..", "..", "..", "shared", "opa-conformance");

export interface BuiltinCase {
  id: string;
  name: string;
  args: string[];
  /** The expected result as JSON, `undefined` for an undefined result. */
  want?: unknown;
  wantError?: string;
}

interface RawCase {
  note: string;
  query: string;
  modules?: string[];
  want_result?: Array<Record<string, unknown>>;
  want_error?: string;
  strict_error?: boolean;
  data?: unknown;
  input?: unknown;
}

/** Replaces `data.a.b` and `input.a.b` arguments by the case's documents, as JSON text. */
function resolveRefs(args: string[], raw: RawCase): string[] | undefined {
  const out: string[] = [];
  for (const a of args) {
    const m = /^(data|input)((?:\.\w+)*)$/.exec(a);
    if (!m) {
      out.push(a);
      continue;
    }
    let v: unknown = m[1] === "data" ? raw.data : raw.input;
    for (const key of m[2].split(".").slice(1)) {
      if (v === null || typeof v !== "object" || !(key in (v as object))) return undefined;
      v = (v as Record<string, unknown>)[key];
    }
    if (v === undefined) return undefined;
    out.push(JSON.stringify(v));
  }
  return out;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (entry.endsWith(".yaml")) out.push(path);
  }
  return out;
}

/** Splits a call's argument text at top-level commas. */
export function splitArgs(text: string): string[] | undefined {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "`") {
      for (i++; i < text.length && text[i] !== "`"; i++);
    } else if (c === "[" || c === "{" || c === "(") {
      depth++;
    } else if (c === "]" || c === "}" || c === ")") {
      depth--;
    } else if (c === "," && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  const last = text.slice(start).trim();
  if (last !== "") args.push(last);
  return args;
}

const CALL = /^([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\((.*)\)$/s;

/** `name(args..., out)` → the call without its output argument, if out is the given variable. */
function callWithOutput(stmt: string, out: string): { name: string; args: string[] } | undefined {
  const m = CALL.exec(stmt.trim());
  if (!m) return undefined;
  const args = splitArgs(m[2]);
  if (!args || args.length === 0 || args[args.length - 1] !== out) return undefined;
  return { name: m[1], args: args.slice(0, -1) };
}

function callAssigned(stmt: string, out: string): { name: string; args: string[] } | undefined {
  const m = new RegExp(`^${out}\\s*:?=\\s*(.*)$`, "s").exec(stmt.trim());
  if (!m) return undefined;
  const c = CALL.exec(m[1].trim());
  if (!c) return undefined;
  const args = splitArgs(c[2]);
  return args ? { name: c[1], args } : undefined;
}

function fromModule(raw: RawCase): { name: string; args: string[] } | undefined {
  const q = /^data\.[\w.]+\.(\w+)\s*=\s*x$/.exec(raw.query.trim());
  if (!q || !raw.modules || raw.modules.length !== 1) return undefined;
  const rule = q[1];
  const lines = raw.modules[0].split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("package") && !l.startsWith("import"));
  const head = new RegExp(`^${rule}\\s*:?=\\s*(\\w+)\\s+if\\s*\\{$`).exec(lines[0] ?? "");
  if (head && lines.length === 3 && lines[2] === "}") {
    return callWithOutput(lines[1], head[1]) ?? callAssigned(lines[1], head[1]);
  }
  const constant = new RegExp(`^${rule}\\s*:?=\\s*(.*)$`, "s").exec(lines.join(" "));
  if (constant && lines.length === 1) {
    const c = CALL.exec(constant[1].trim());
    const args = c ? splitArgs(c[2]) : undefined;
    if (c && args) return { name: c[1], args };
  }
  return undefined;
}

export function builtinCases(): BuiltinCase[] {
  const out: BuiltinCase[] = [];
  for (const dir of ["cases", "wasm-cases"]) {
    for (const file of yamlFiles(join(CONFORMANCE, dir))) {
      const doc = parse(readFileSync(file, "utf8")) as { cases?: RawCase[] };
      for (const raw of doc.cases ?? []) {
        const found = dir === "wasm-cases" ? callWithOutput(raw.query, "x") : fromModule(raw);
        const args = found ? resolveRefs(found.args, raw) : undefined;
        if (!found || !args) continue;
        const call = { name: found.name, args };
        const id = `${file.slice(CONFORMANCE.length + 1)}: ${raw.note}`;
        if (raw.want_error !== undefined) {
          if (raw.strict_error) out.push({ id, ...call, wantError: raw.want_error });
          continue;
        }
        if (!raw.want_result) continue;
        if (raw.want_result.length === 0) out.push({ id, ...call, want: undefined });
        else if (raw.want_result.length === 1 && "x" in raw.want_result[0]) out.push({ id, ...call, want: raw.want_result[0].x });
      }
    }
  }
  return out;
}
