/**
 * Collects what a command line names, by OPA's loader rules: `.rego` files become modules and every `.json`,
 * `.yaml` and `.yml` file becomes data, placed under `data` at its directory's path relative to the named
 * directory (a file named directly lands at the root) and merged object by object. Directories are searched
 * recursively in sorted order so builds are deterministic; `--ignore` patterns drop files and directories by name.
 * In bundle mode (`-b`) a directory is a bundle: only `data.json`/`data.yaml` files are data, and `.manifest`
 * is read for its `rego_version`; bundle archives (`.tar.gz`) are read by the caller and added with `addArchive`.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { SourceFile } from "./index";

export interface LoadedSources {
  modules: SourceFile[];
  data: Record<string, unknown>;
  errors: string[];
  /** From bundle manifests (`-b`): the Rego version a bundle declares, when it declares one. */
  bundleRegoVersion?: 0 | 1;
}

export interface LoadOptions {
  /** Glob patterns (`*`, `?`, `[...]`) matched against each file's and directory's base name, as `opa --ignore`. */
  ignore?: readonly string[];
  /** Treat each named directory as a bundle (`opa test -b`). */
  bundle?: boolean;
}

const DATA_EXTENSIONS = [".json", ".yaml", ".yml"];

export function loadSources(paths: readonly string[], cwd: string, options: LoadOptions = {}): LoadedSources {
  const loaded: LoadedSources = { modules: [], data: {}, errors: [] };
  addSources(loaded, paths, cwd, options);
  return loaded;
}

/**
 * Adds a bundle archive's files (already read, by path inside the archive) under the same rules as a bundle
 * directory: `.rego` modules, `data.json`/`data.yaml` at their directory's path, the `.manifest`'s `rego_version`.
 */
export function addArchive(loaded: LoadedSources, archive: string, files: ReadonlyMap<string, Buffer>, cwd: string): void {
  const shown = path.relative(cwd, path.resolve(cwd, archive)) || archive;
  const entries = [...files].map(([stored, body]): [string, Buffer] => [stored.replace(/^\/+/, ""), body]);
  for (const [name, body] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const where = `${shown}/${name}`;
    if (name.endsWith(".rego")) loaded.modules.push({ file: where, source: body.toString("utf8") });
    else if (name === ".manifest") {
      try {
        const manifest = JSON.parse(body.toString("utf8")) as { rego_version?: number };
        if (manifest.rego_version === 0 || manifest.rego_version === 1) loaded.bundleRegoVersion = manifest.rego_version;
      } catch (e) {
        loaded.errors.push(`${where}: ${(e as Error).message}`);
      }
    } else if (/(^|\/)data\.(json|ya?ml)$/.test(name)) {
      const dir = path.posix.dirname(name);
      parseData(body.toString("utf8"), name, where, dir === "." ? [] : dir.split("/"), loaded);
    }
  }
}

function addSources(loaded: LoadedSources, paths: readonly string[], cwd: string, options: LoadOptions): void {
  const ignore = (options.ignore ?? []).map(globToRegExp);
  const ignored = (name: string) => ignore.some((re) => re.test(name));
  for (const p of paths) {
    const full = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      loaded.errors.push(`${p}: no such file or directory`);
      continue;
    }
    if (stat.isFile()) {
      if (full.endsWith(".rego")) loaded.modules.push(readModule(full, cwd));
      else if (!options.bundle && DATA_EXTENSIONS.includes(path.extname(full))) readData(full, [], cwd, loaded);
      else loaded.errors.push(`${p}: not a .rego, .json or .yaml file, nor a directory`);
      continue;
    }
    if (options.bundle) readManifest(full, cwd, loaded);
    for (const file of walk(full, ignored)) {
      const base = path.basename(file);
      if (file.endsWith(".rego")) loaded.modules.push(readModule(file, cwd));
      else if (options.bundle ? /^data\.(json|ya?ml)$/.test(base) : DATA_EXTENSIONS.includes(path.extname(file))) {
        const rel = path.relative(full, path.dirname(file));
        readData(file, rel === "" ? [] : rel.split(path.sep), cwd, loaded);
      }
    }
  }
}

function readModule(file: string, cwd: string): SourceFile {
  return { file: path.relative(cwd, file) || file, source: fs.readFileSync(file, "utf8") };
}

function readData(file: string, segments: string[], cwd: string, loaded: LoadedSources): void {
  const shown = path.relative(cwd, file) || file;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    loaded.errors.push(`${shown}: ${(e as Error).message}`);
    return;
  }
  parseData(text, file, shown, segments, loaded);
}

function parseData(text: string, file: string, shown: string, segments: string[], loaded: LoadedSources): void {
  let doc: unknown;
  try {
    doc = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    loaded.errors.push(`${shown}: ${(e as Error).message}`);
    return;
  }
  // An empty YAML file is no document at all, as OPA's loader treats it.
  if (doc === null || doc === undefined) return;
  if (segments.length === 0 && !isObject(doc)) {
    loaded.errors.push(`${shown}: a data document at the root must be an object`);
    return;
  }
  mergeAt(loaded.data, segments, doc, shown, loaded.errors);
}

function readManifest(dir: string, cwd: string, loaded: LoadedSources): void {
  const file = path.join(dir, ".manifest");
  if (!fs.existsSync(file)) return;
  try {
    const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { rego_version?: number };
    if (manifest.rego_version === 0 || manifest.rego_version === 1) loaded.bundleRegoVersion = manifest.rego_version;
  } catch (e) {
    loaded.errors.push(`${path.relative(cwd, file)}: ${(e as Error).message}`);
  }
}

function walk(dir: string, ignored: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (ignored(entry.name) || entry.name === ".git" || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, ignored));
    else out.push(full);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Places `doc` at `segments` below `root`, merging objects key by key; any other overlap is a conflict. */
function mergeAt(root: Record<string, unknown>, segments: string[], doc: unknown, file: string, errors: string[]): void {
  let node = root;
  for (const [i, s] of segments.entries()) {
    if (i === segments.length - 1 && !isObject(doc)) {
      if (s in node) errors.push(`${file}: data conflicts with another document at data.${segments.join(".")}`);
      else node[s] = doc;
      return;
    }
    if (node[s] === undefined) node[s] = {};
    else if (!isObject(node[s])) {
      errors.push(`${file}: data conflicts with another document at data.${segments.slice(0, i + 1).join(".")}`);
      return;
    }
    node = node[s] as Record<string, unknown>;
  }
  mergeObjects(node, doc as Record<string, unknown>, segments, file, errors);
}

function mergeObjects(into: Record<string, unknown>, from: Record<string, unknown>, at: string[], file: string, errors: string[]): void {
  for (const [k, v] of Object.entries(from)) {
    if (!(k in into)) into[k] = v;
    else if (isObject(into[k]) && isObject(v)) mergeObjects(into[k] as Record<string, unknown>, v, [...at, k], file, errors);
    else errors.push(`${file}: data conflicts with another document at data.${[...at, k].join(".")}`);
  }
}

/** Go's `filepath.Match` syntax for one path element: `*`, `?`, `[...]` (with `^` negation) and `\` escapes. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "\\" && i + 1 < glob.length) re += escapeRegExp(glob[++i]);
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) re += "\\[";
      else {
        const body = glob.slice(i + 1, close).replace(/\\/g, "\\\\"); // `[^…]` negates in both syntaxes
        re += `[${body}]`;
        i = close;
      }
    } else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
