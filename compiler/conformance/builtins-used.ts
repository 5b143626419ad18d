/**
 * Which builtins a conformance case calls, from its checked modules and query (user functions resolve to
 * `data…` and are left out), and whether they all belong to the set OPA implements inside its own Wasm runtime
 * (`WASM_NATIVE_BUILTINS.tsv`). Issue 3's bar is that every case using only the language and that set passes.
 */
import * as fs from "fs";
import { parseModule, parseQuery } from "../syntax/parser";
import { checkProgram, checkQuery } from "../check";
import type { Module } from "../syntax/ast";
import { refName } from "../codegen/with-targets";
import type { ConformanceCase } from "./cases";

/** Builtins named by call operators and `with` targets anywhere in a tree of AST nodes. */
function collectCalls(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectCalls(n, out);
    return;
  }
  if (!node || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  if (obj.type === "call" && obj.op && typeof obj.op === "object") {
    const name = refName(obj.op as Parameters<typeof refName>[0]);
    if (name && !name.startsWith("data.")) out.add(name);
  }
  for (const [key, value] of Object.entries(obj)) if (key !== "loc") collectCalls(value, out);
}

/** The builtins a case calls; undefined when the case does not even parse and check. */
export function builtinsUsed(c: ConformanceCase): Set<string> | undefined {
  const modules: Module[] = [];
  for (const [i, source] of c.modules.entries()) {
    const parsed = parseModule(source, `module${i}.rego`);
    if (!parsed.module) return undefined;
    modules.push(parsed.module);
  }
  const checked = checkProgram(modules, {});
  const query = parseQuery(c.query);
  if (!query.query) return undefined;
  const cq = checkQuery(query.query, checked.program, {});
  const out = new Set<string>();
  collectCalls(checked.program.rules.map((r) => r.rule), out);
  collectCalls(cq.query.body, out);
  for (const infix of ["eq", "assign"]) out.delete(infix);
  return out;
}

export function loadNativeBuiltins(tsv: string): Set<string> {
  return new Set(
    fs
      .readFileSync(tsv, "utf8")
      .split("\n")
      .map((line) => line.split("\t")[0].trim())
      .filter((name) => name !== ""),
  );
}
