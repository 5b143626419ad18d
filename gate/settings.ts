/**
 * Reads the gate's data file (`--data`, JSON or YAML): `{ "groundtruth": { "origins", "buckets", "exceptions" } }`,
 * the same document `opa eval` or conftest would be given, where a bucket entry gives job_types (a Ground Truth
 * bucket) or `"groundtruth": false` (not one). Unknown keys, wrong types and two entries for one bucket are errors
 * naming the JSON path, so a typo cannot silently switch a check off.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

export class SettingsError extends Error {}

const BUCKET_KEYS = new Set(["bucket", "address", "job_types", "roles", "groundtruth"]);
const EXCEPTION_KEYS = new Set(["bucket", "address", "rule", "reason", "input", "root"]);

/** Reads and validates a data file; `file` is resolved against `cwd` and named as given in errors. */
export function readSettings(file: string, cwd: string = process.cwd()): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), "utf8");
  } catch (e) {
    throw new SettingsError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = /\.ya?ml$/.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new SettingsError(`${file}: malformed ${/\.ya?ml$/.test(file) ? "YAML" : "JSON"}: ${(e as Error).message}`);
  }
  validateSettings(file, doc);
  return doc as Record<string, unknown>;
}

export function validateSettings(file: string, doc: unknown): void {
  const fail = (at: string, msg: string): never => {
    throw new SettingsError(`${file}: ${at}: ${msg}`);
  };
  if (!isObject(doc)) fail("$", "expected an object");
  const root = doc as Record<string, unknown>;
  for (const key of Object.keys(root)) if (key !== "groundtruth") fail(`$.${key}`, 'unknown key (the data document holds only "groundtruth")');
  const gt = root.groundtruth;
  if (gt === undefined) return;
  if (!isObject(gt)) fail("$.groundtruth", "expected an object");
  for (const [key, value] of Object.entries(gt as Record<string, unknown>)) {
    const at = `$.groundtruth.${key}`;
    if (key === "origins") {
      if (!isStringArray(value)) fail(at, "expected an array of origins (strings)");
      (value as string[]).forEach((o, i) => {
        if (o.split("*").length > 2) fail(`${at}[${i}]`, `origin ${JSON.stringify(o)} has more than one "*"`);
      });
    } else if (key === "buckets") {
      const first = new Map<string, string>();
      entries(value, at, BUCKET_KEYS, fail).forEach(([entry, eat]) => {
        if (typeof entry.bucket !== "string" && typeof entry.address !== "string") fail(eat, 'needs "bucket" (a name) or "address"');
        if (entry.groundtruth !== undefined && typeof entry.groundtruth !== "boolean") fail(`${eat}.groundtruth`, "expected true or false");
        if (entry.groundtruth === false) {
          // Settles a bucket whose marking the plan cannot tell: it is not a Ground Truth bucket.
          if (entry.job_types !== undefined || entry.roles !== undefined) fail(eat, '"groundtruth": false takes no job_types or roles');
        } else if (!isStringArray(entry.job_types) || entry.job_types.length === 0) fail(`${eat}.job_types`, "expected a non-empty array of job types");
        if (entry.roles !== undefined && !isStringArray(entry.roles)) fail(`${eat}.roles`, "expected an array of roles");
        // An entry by address and one by name can also meet on one bucket; the policy reports those per plan.
        for (const name of ["bucket", "address"] as const) {
          const id = entry[name];
          if (typeof id !== "string") continue;
          const earlier = first.get(`${name} ${id}`);
          if (earlier !== undefined) fail(eat, `a second entry for the ${name === "bucket" ? "bucket" : "address"} ${JSON.stringify(id)} (the first is ${earlier}); merge them into one`);
          first.set(`${name} ${id}`, eat);
        }
      });
    } else if (key === "exceptions") {
      entries(value, at, EXCEPTION_KEYS, fail).forEach(([entry, eat]) => {
        if (typeof entry.rule !== "string") fail(`${eat}.rule`, "expected a rule id such as GTCORS-001");
        if (typeof entry.bucket !== "string" && typeof entry.address !== "string") fail(eat, 'needs "bucket" or "address"');
        if (entry.reason !== undefined && typeof entry.reason !== "string") fail(`${eat}.reason`, "expected a string");
        for (const scope of ["input", "root"] as const) {
          const glob = entry[scope];
          if (glob !== undefined && (typeof glob !== "string" || glob.trim() === "")) fail(`${eat}.${scope}`, "expected a path glob (a non-empty string)");
        }
      });
    } else {
      fail(at, "unknown key (expected origins, buckets or exceptions)");
    }
  }
}

function entries(
  value: unknown,
  at: string,
  allowed: Set<string>,
  fail: (at: string, msg: string) => never,
): Array<[Record<string, unknown>, string]> {
  if (!Array.isArray(value)) fail(at, "expected an array");
  return (value as unknown[]).map((entry, i) => {
    const eat = `${at}[${i}]`;
    if (!isObject(entry)) fail(eat, "expected an object");
    for (const k of Object.keys(entry as object)) if (!allowed.has(k)) fail(`${eat}.${k}`, `unknown key (expected ${[...allowed].join(", ")})`);
    return [entry as Record<string, unknown>, eat];
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}
