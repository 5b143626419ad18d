/**
 * CORS in another input of the run: a Ground Truth bucket one stack (or root) manages and whose CORS configuration
 * another stack manages. The gate pairs them by the bucket's name, or through a CDKTF cross-stack reference (an
 * output of the bucket's stack read by `data.terraform_remote_state` in the other), and has the configuration's
 * input judge that bucket, as the data file's `buckets` entries by name do. What it cannot resolve stays unpaired.
 */
import { GateInput } from "./inputs";

/** A Ground Truth bucket an input reports without any CORS configuration (GTCORS-001), by its known name. */
export interface OrphanBucket {
  input: number;
  address: string;
  bucket: string;
  job_types: string[];
  roles: string[];
}

/** A pairing found: the input holding the configuration judges the bucket, given its document as rewritten. */
export interface CrossStackPair {
  orphan: OrphanBucket;
  /** The input holding the CORS configuration. */
  input: number;
  /** The configuration's document with its cross-stack references to the bucket replaced by the name. */
  bytes: Buffer;
}

type Json = Record<string, unknown>;

const CORS_TYPE = "aws_s3_bucket_cors_configuration";

/** `${data.terraform_remote_state.<input>.outputs.<output>}`, as CDKTF writes a cross-stack reference. */
const REMOTE_OUTPUT = /^\$\{data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\}$/;

/** `${aws_s3_bucket.<name>.id}` or `.bucket`: an output that is a bucket's name. */
const BUCKET_NAME_REF = /^\$\{(aws_s3_bucket\.[A-Za-z0-9_-]+)\.(?:id|bucket)\}$/;

/**
 * Pairs each orphan with the one other input whose CORS configuration names it. An orphan named by configurations
 * in two inputs is left unpaired (the stacks would overwrite each other's CORS; it keeps its GTCORS-001).
 */
export function pairAcrossInputs(inputs: readonly GateInput[], orphans: readonly OrphanBucket[]): CrossStackPair[] {
  if (inputs.length < 2 || orphans.length === 0) return [];
  const documents = inputs.map(parsed);
  const candidates = new Map<OrphanBucket, number[]>();
  const rewritten = new Map<number, Json>();
  for (const orphan of orphans) {
    const home = documents[orphan.input];
    documents.forEach((doc, i) => {
      if (i === orphan.input || doc === null) return;
      const names = namingConfigs(doc, orphan, home);
      if (names.length === 0) return;
      candidates.set(orphan, [...(candidates.get(orphan) ?? []), i]);
      if (names.some((n) => n.rewrite)) {
        const copy = rewritten.get(i) ?? structuredClone(doc);
        for (const n of names) if (n.rewrite) ((copy.resource as Json)[CORS_TYPE] as Record<string, Json>)[n.name].bucket = orphan.bucket;
        rewritten.set(i, copy);
      }
    });
  }
  const pairs: CrossStackPair[] = [];
  for (const [orphan, where] of candidates) {
    if (where.length !== 1) continue;
    const i = where[0];
    const doc = rewritten.get(i);
    pairs.push({ orphan, input: i, bytes: doc === undefined ? inputs[i].bytes : Buffer.from(JSON.stringify(doc)) });
  }
  return pairs;
}

/** The document as JSON, or null when it cannot be one JS string (only the policy reads such plans). */
function parsed(input: GateInput): Json | null {
  try {
    const doc = JSON.parse(input.bytes.toString("utf8")) as unknown;
    return doc !== null && typeof doc === "object" && !Array.isArray(doc) ? (doc as Json) : null;
  } catch {
    return null;
  }
}

/** The CORS configurations of `doc` whose bucket is the orphan: by name, or by a cross-stack reference to it. */
function namingConfigs(doc: Json, orphan: OrphanBucket, home: Json | null): Array<{ name: string; rewrite: boolean }> {
  const found: Array<{ name: string; rewrite: boolean }> = [];
  for (const rc of asArray(doc.resource_changes)) {
    const change = asObject(rc.change);
    const actions: unknown[] = Array.isArray(change.actions) ? change.actions : [];
    if (rc.type !== CORS_TYPE || rc.mode !== "managed" || actions.length === 0) continue;
    if (actions.length === 1 && (actions[0] === "delete" || actions[0] === "forget")) continue;
    if (asObject(change.after).bucket === orphan.bucket) found.push({ name: String(rc.address), rewrite: false });
  }
  const configs = asObject(asObject(doc.resource)[CORS_TYPE]);
  for (const [name, body] of Object.entries(configs)) {
    const bucket = asObject(body).bucket;
    if (bucket === orphan.bucket) found.push({ name, rewrite: false });
    else if (typeof bucket === "string" && home !== null && referencesBucket(bucket, doc, home, orphan.address)) found.push({ name, rewrite: true });
  }
  return found;
}

/**
 * Whether `bucket` is a cross-stack reference to the orphan: the remote state it reads has the backend of the
 * orphan's stack, and the output it names there is the orphan bucket's id or name.
 */
function referencesBucket(bucket: string, doc: Json, home: Json, address: string): boolean {
  const m = REMOTE_OUTPUT.exec(bucket);
  if (m === null) return false;
  const remote = asObject(asObject(asObject(doc.data).terraform_remote_state)[m[1]]);
  const homeBackends = Object.entries(asObject(asObject(home.terraform).backend));
  if (homeBackends.length !== 1) return false;
  const [backend, config] = homeBackends[0];
  if (remote.backend !== backend || !sameJson(remote.config, config)) return false;
  const output = asObject(asObject(home.output)[m[2]]).value;
  const ref = typeof output === "string" ? BUCKET_NAME_REF.exec(output) : null;
  return ref !== null && ref[1] === address;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function asObject(x: unknown): Json {
  return x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Json) : {};
}

function asArray(x: unknown): Json[] {
  return Array.isArray(x) ? (x.filter((e) => e !== null && typeof e === "object") as Json[]) : [];
}
