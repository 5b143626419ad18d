/**
 * Where a finding can be opened. Plan JSON holds no file names, so an input's root is `--root` or, by default, the
 * input file's directory (`terraform show -json > root/plan.json`; a cdk.tf.json's stack folder). A plan resource's
 * `resource "type" "name"` block is looked up in the root's `.tf` files, or a child module's (its directory from
 * `.terraform/modules/modules.json`, or a local `source`); for a cdk.tf.json the policy supplies each resource's
 * construct path. Paths are relative to the working directory, `/`-separated.
 */
import * as fs from "fs";
import * as path from "path";

export interface Declaration {
  file: string;
  line: number;
}

export interface FindingLocation {
  root: string | null;
  declaration: Declaration | null;
  construct: string | null;
}

export class Locator {
  /** Each directory's `.tf` files with their text, read once per run. */
  private readonly sources = new Map<string, Array<{ file: string; text: string }>>();

  constructor(private readonly cwd: string) {}

  /** An input's root: `--root` when given, else the input file's directory (the cwd for standard input). */
  rootOf(file: string, root: string | undefined, fromStdin: boolean): string {
    if (root !== undefined) return relativePlace(this.cwd, root);
    return fromStdin ? "." : relativePlace(this.cwd, path.dirname(file));
  }

  locate(root: string, kind: "plan" | "config", address: string | null, constructs: Record<string, string>): FindingLocation {
    if (address === null) return { root, declaration: null, construct: null };
    if (kind === "config") return { root, declaration: null, construct: constructs[address] ?? null };
    return { root, declaration: this.declaration(root, address), construct: null };
  }

  /** The `resource` block of a managed resource address (`module.a["k"].aws_s3_bucket.b[0]`), when found. */
  private declaration(root: string, address: string): Declaration | null {
    const parts = address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, "").split(".");
    const modules: string[] = [];
    while (parts[0] === "module" && parts.length > 2) {
      modules.push(parts[1]);
      parts.splice(0, 2);
    }
    if (parts.length !== 2) return null;
    const [type, name] = parts;
    const dir = this.moduleDir(root, modules);
    if (dir === null) return null;
    const block = new RegExp(`^[ \\t]*resource[ \\t]+"${escape(type)}"[ \\t]+"${escape(name)}"[ \\t]*\\{`, "m");
    for (const { file, text } of this.tfFiles(dir)) {
      const match = block.exec(text);
      if (match) return { file, line: text.slice(0, match.index).split("\n").length };
    }
    return null;
  }

  /** A module call path's directory: Terraform's own record of installed modules, else a local `source`. */
  private moduleDir(root: string, modules: string[]): string | null {
    if (modules.length === 0) return root;
    const installed = this.installedModules(root).get(modules.join("."));
    if (installed !== undefined) return relativePlace(this.cwd, path.join(root, installed));
    let dir = root;
    for (const call of modules) {
      const source = this.localSource(dir, call);
      if (source === null) return null;
      dir = relativePlace(this.cwd, path.join(dir, source));
    }
    return dir;
  }

  private installedModules(root: string): Map<string, string> {
    const byKey = new Map<string, string>();
    try {
      const record = JSON.parse(fs.readFileSync(path.resolve(this.cwd, root, ".terraform", "modules", "modules.json"), "utf8")) as { Modules?: Array<{ Key?: unknown; Dir?: unknown }> };
      for (const m of record.Modules ?? []) if (typeof m.Key === "string" && typeof m.Dir === "string" && m.Key !== "") byKey.set(m.Key, m.Dir);
    } catch {
      // Not initialised here (or not readable): local sources are still found from the configuration.
    }
    return byKey;
  }

  private localSource(dir: string, call: string): string | null {
    const block = new RegExp(`^[ \\t]*module[ \\t]+"${escape(call)}"[ \\t]*\\{[^]*?^[ \\t]*source[ \\t]*=[ \\t]*"(\\.\\.?/[^"]*)"`, "m");
    for (const { text } of this.tfFiles(dir)) {
      const match = block.exec(text);
      if (match) return match[1];
    }
    return null;
  }

  private tfFiles(dir: string): Array<{ file: string; text: string }> {
    let files = this.sources.get(dir);
    if (files === undefined) {
      files = [];
      try {
        const full = path.resolve(this.cwd, dir);
        for (const name of fs.readdirSync(full).filter((n) => n.endsWith(".tf")).sort()) {
          files.push({ file: relativePlace(this.cwd, path.join(full, name)), text: fs.readFileSync(path.join(full, name), "utf8") });
        }
      } catch {
        // A root that is not on this machine (a plan made elsewhere): the finding keeps its root and plan file.
      }
      this.sources.set(dir, files);
    }
    return files;
  }
}

/** A path relative to the working directory, `/`-separated, without `./`; `.` for the directory itself. */
export function relativePlace(cwd: string, p: string): string {
  const relative = path.relative(cwd, path.resolve(cwd, p));
  return relative === "" ? "." : relative.split(path.sep).join("/");
}

function escape(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}
