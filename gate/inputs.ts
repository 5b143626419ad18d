/**
 * Reads what the gate is given — plan JSON files, `cdk.tf.json` files, `cdktf.out` directories — into
 * documents the policy can evaluate, and rejects anything it cannot read with an error naming the file, the
 * line and column (for JSON syntax) or the JSON path (for a shape the policy cannot trust). The gate fails
 * closed: an input that is not read and checked here is never evaluated, so it can never pass.
 */
import * as fs from "fs";
import * as path from "path";

export interface GateInput {
  /** The file the document came from (relative to the working directory where possible). */
  file: string;
  /** The raw JSON text, handed to the policy as is. */
  text: string;
  kind: "plan" | "config";
  /** Where the plan sits: `input`, `input.plan` (HCP Terraform, env0) or `input.terraform` (Spacelift). */
  location: "input" | "input.plan" | "input.terraform";
}

export class InputError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** Plan JSON format versions this gate understands: Terraform writes 1.x and promises compatibility within 1. */
const SUPPORTED_FORMAT = /^1\.\d+$/;

/** Expands directories (cdktf.out, or a stack folder) into their `cdk.tf.json` files. */
export function expandPaths(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const full = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      throw new InputError(p, "no such file or directory");
    }
    if (!stat.isDirectory()) {
      out.push(p);
      continue;
    }
    const found = findSynthOutputs(full);
    if (found.length === 0) throw new InputError(p, "directory holds no cdk.tf.json (expected a cdktf.out directory or a stack folder)");
    out.push(...found.map((f) => path.relative(cwd, f) || f));
  }
  return out;
}

function findSynthOutputs(dir: string): string[] {
  const direct = path.join(dir, "cdk.tf.json");
  if (fs.existsSync(direct)) return [direct];
  const stacks = path.join(dir, "stacks");
  const base = fs.existsSync(stacks) ? stacks : dir;
  const out: string[] = [];
  for (const entry of fs.readdirSync(base, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const candidate = path.join(base, entry.name, "cdk.tf.json");
    if (entry.isDirectory() && fs.existsSync(candidate)) out.push(candidate);
  }
  return out;
}

export function readInput(file: string, cwd: string): GateInput {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), "utf8");
  } catch (e) {
    throw new InputError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseInput(file, text);
}

export function parseInput(file: string, text: string): GateInput {
  if (text.trim() === "") throw new InputError(file, "empty file (expected Terraform plan JSON or cdk.tf.json)");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, describeJsonError(text, e as Error));
  }
  if (!isObject(doc)) throw new InputError(file, `$: expected a JSON object, found ${typeName(doc)}`);
  for (const location of ["plan", "terraform"] as const) {
    const wrapped = doc[location];
    if (isObject(wrapped) && "format_version" in wrapped) {
      validatePlan(file, wrapped, `$.${location}`);
      return { file, text, kind: "plan", location: `input.${location}` };
    }
  }
  if ("format_version" in doc) {
    validatePlan(file, doc, "$");
    return { file, text, kind: "plan", location: "input" };
  }
  if (["resource", "terraform", "provider", "//"].some((k) => k in doc)) {
    validateConfig(file, doc);
    return { file, text, kind: "config", location: "input" };
  }
  throw new InputError(file, "$: neither a Terraform plan (no format_version) nor Terraform JSON configuration (no resource, terraform or provider block)");
}

/** `Unexpected token } in JSON at position 42` → `line 3, column 7: Unexpected token …`. */
function describeJsonError(text: string, e: Error): string {
  const match = /position (\d+)/.exec(e.message);
  const position = match ? Number(match[1]) : /end of JSON|Unterminated/i.test(e.message) ? text.length : undefined;
  const reason = e.message.replace(/^JSON\.parse: /, "");
  if (position === undefined) return `malformed JSON: ${reason}`;
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return `malformed JSON at line ${line}, column ${column}: ${reason}`;
}

function validatePlan(file: string, plan: Record<string, unknown>, at: string): void {
  const version = plan.format_version;
  if (typeof version !== "string") throw new InputError(file, `${at}.format_version: expected a string, found ${typeName(version)}`);
  if (!SUPPORTED_FORMAT.test(version)) {
    throw new InputError(file, `${at}.format_version: unsupported plan format version ${JSON.stringify(version)} (this gate reads 1.x)`);
  }
  const changes = plan.resource_changes;
  if (changes !== undefined) {
    if (!Array.isArray(changes)) throw new InputError(file, `${at}.resource_changes: expected an array, found ${typeName(changes)}`);
    changes.forEach((rc, i) => validateResourceChange(file, rc, `${at}.resource_changes[${i}]`));
  }
  const configuration = plan.configuration;
  if (configuration !== undefined) {
    if (!isObject(configuration)) throw new InputError(file, `${at}.configuration: expected an object, found ${typeName(configuration)}`);
    if (configuration.root_module !== undefined) validateModule(file, configuration.root_module, `${at}.configuration.root_module`, 0);
  }
}

const MAX_MODULE_DEPTH = 64;

function validateModule(file: string, mod: unknown, at: string, depth: number): void {
  if (!isObject(mod)) throw new InputError(file, `${at}: expected an object, found ${typeName(mod)}`);
  if (depth > MAX_MODULE_DEPTH) throw new InputError(file, `${at}: modules nested deeper than ${MAX_MODULE_DEPTH}`);
  if (mod.resources !== undefined) {
    if (!Array.isArray(mod.resources)) throw new InputError(file, `${at}.resources: expected an array, found ${typeName(mod.resources)}`);
    mod.resources.forEach((r, i) => {
      const rat = `${at}.resources[${i}]`;
      if (!isObject(r)) throw new InputError(file, `${rat}: expected an object, found ${typeName(r)}`);
      expectString(file, r.address, `${rat}.address`);
      expectString(file, r.type, `${rat}.type`);
      if (r.expressions !== undefined && !isObject(r.expressions)) {
        throw new InputError(file, `${rat}.expressions: expected an object, found ${typeName(r.expressions)}`);
      }
    });
  }
  if (mod.module_calls !== undefined) {
    if (!isObject(mod.module_calls)) throw new InputError(file, `${at}.module_calls: expected an object, found ${typeName(mod.module_calls)}`);
    for (const [name, call] of Object.entries(mod.module_calls)) {
      const cat = `${at}.module_calls[${JSON.stringify(name)}]`;
      if (!isObject(call)) throw new InputError(file, `${cat}: expected an object, found ${typeName(call)}`);
      if (call.module !== undefined) validateModule(file, call.module, `${cat}.module`, depth + 1);
    }
  }
}

function validateResourceChange(file: string, rc: unknown, at: string): void {
  if (!isObject(rc)) throw new InputError(file, `${at}: expected an object, found ${typeName(rc)}`);
  expectString(file, rc.address, `${at}.address`);
  expectString(file, rc.type, `${at}.type`);
  expectString(file, rc.name, `${at}.name`);
  expectString(file, rc.mode, `${at}.mode`);
  const change = rc.change;
  if (!isObject(change)) throw new InputError(file, `${at}.change: expected an object, found ${typeName(change)}`);
  if (!Array.isArray(change.actions) || change.actions.some((a) => typeof a !== "string")) {
    throw new InputError(file, `${at}.change.actions: expected an array of strings, found ${typeName(change.actions)}`);
  }
  for (const side of ["before", "after"] as const) {
    const v = change[side];
    if (v !== undefined && v !== null && !isObject(v)) throw new InputError(file, `${at}.change.${side}: expected an object or null, found ${typeName(v)}`);
  }
  if (rc.type === "aws_s3_bucket" || rc.type === "aws_s3_bucket_cors_configuration") {
    const after = change.after;
    if (isObject(after)) validateCorsAttributes(file, after, `${at}.change.after`);
  }
}

function validateConfig(file: string, doc: Record<string, unknown>): void {
  const resources = doc.resource;
  if (resources === undefined) return;
  if (!isObject(resources)) throw new InputError(file, `$.resource: expected an object, found ${typeName(resources)}`);
  for (const [type, byName] of Object.entries(resources)) {
    if (!isObject(byName)) throw new InputError(file, `$.resource.${type}: expected an object, found ${typeName(byName)}`);
    if (type !== "aws_s3_bucket" && type !== "aws_s3_bucket_cors_configuration") continue;
    for (const [name, body] of Object.entries(byName)) {
      const at = `$.resource.${type}.${name}`;
      if (!isObject(body)) throw new InputError(file, `${at}: expected an object, found ${typeName(body)}`);
      validateCorsAttributes(file, body, at);
    }
  }
}

/** The attributes the policy reads from buckets and CORS configurations must have the provider's types. */
function validateCorsAttributes(file: string, body: Record<string, unknown>, at: string): void {
  if (body.bucket !== undefined && body.bucket !== null && typeof body.bucket !== "string") {
    throw new InputError(file, `${at}.bucket: expected a string, found ${typeName(body.bucket)}`);
  }
  for (const tagKey of ["tags", "tags_all"]) {
    const tags = body[tagKey];
    if (tags === undefined || tags === null) continue;
    if (!isObject(tags)) throw new InputError(file, `${at}.${tagKey}: expected an object, found ${typeName(tags)}`);
    for (const [k, v] of Object.entries(tags)) {
      if (typeof v !== "string") throw new InputError(file, `${at}.${tagKey}[${JSON.stringify(k)}]: expected a string, found ${typeName(v)}`);
    }
  }
  const rules = body.cors_rule;
  if (rules === undefined || rules === null) return;
  if (!Array.isArray(rules)) throw new InputError(file, `${at}.cors_rule: expected an array, found ${typeName(rules)}`);
  rules.forEach((rule, i) => {
    const rat = `${at}.cors_rule[${i}]`;
    if (!isObject(rule)) throw new InputError(file, `${rat}: expected an object, found ${typeName(rule)}`);
    for (const key of ["allowed_methods", "allowed_origins", "allowed_headers", "expose_headers"]) {
      const list = rule[key];
      if (list === undefined || list === null || typeof list === "string") continue;
      if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) {
        throw new InputError(file, `${rat}.${key}: expected an array of strings, found ${typeName(list)}`);
      }
    }
    const maxAge = rule.max_age_seconds;
    if (maxAge !== undefined && maxAge !== null && typeof maxAge !== "number" && typeof maxAge !== "string") {
      throw new InputError(file, `${rat}.max_age_seconds: expected a number, found ${typeName(maxAge)}`);
    }
  });
}

function expectString(file: string, v: unknown, at: string): void {
  if (typeof v !== "string") throw new InputError(file, `${at}: expected a string, found ${typeName(v)}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v === undefined) return "nothing";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
