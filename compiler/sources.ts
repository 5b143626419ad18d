/**
 * Collects what a command line names: `.rego` files (directories searched recursively, in sorted order so
 * builds are deterministic) and data documents (`data.json` / `data.yaml` anywhere below a named directory,
 * placed under `data` at that directory's relative path, as `opa build` and `opa test` do).
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { SourceFile } from "./index";

export interface LoadedSources {
  modules: SourceFile[];
  data: Record<string, unknown>;
  errors: string[];
}

export function loadSources(paths: readonly string[], cwd: string): LoadedSources {
  const modules: SourceFile[] = [];
  const data: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const p of paths) {
    const full = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      errors.push(`${p}: no such file or directory`);
      continue;
    }
    if (stat.isFile()) {
      if (full.endsWith(".rego")) modules.push(readModule(full, cwd));
      else errors.push(`${p}: not a .rego file or a directory`);
      continue;
    }
    for (const file of walk(full)) {
      const base = path.basename(file);
      if (file.endsWith(".rego")) modules.push(readModule(file, cwd));
      else if (base === "data.json" || base === "data.yaml" || base === "data.yml") {
        const rel = path.relative(full, path.dirname(file));
        const segments = rel === "" ? [] : rel.split(path.sep);
        try {
          const text = fs.readFileSync(file, "utf8");
          const doc = base === "data.json" ? JSON.parse(text) : parseYaml(text);
          mergeAt(data, segments, doc, file, errors);
        } catch (e) {
          errors.push(`${path.relative(cwd, file)}: ${(e as Error).message}`);
        }
      }
    }
  }
  return { modules, data, errors };
}

function readModule(file: string, cwd: string): SourceFile {
  return { file: path.relative(cwd, file) || file, source: fs.readFileSync(file, "utf8") };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

function mergeAt(root: Record<string, unknown>, segments: string[], doc: unknown, file: string, errors: string[]): void {
  let node = root;
  for (const s of segments) {
    const next = node[s];
    if (next === undefined) node[s] = {};
    else if (typeof next !== "object" || next === null || Array.isArray(next)) {
      errors.push(`${file}: data conflicts with another document at ${segments.join(".")}`);
      return;
    }
    node = node[s] as Record<string, unknown>;
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    errors.push(`${file}: a data document must be an object`);
    return;
  }
  for (const [k, v] of Object.entries(doc)) {
    if (k in node) errors.push(`${file}: key ${JSON.stringify(k)} is defined twice`);
    else node[k] = v;
  }
}
