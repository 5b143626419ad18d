/**
 * CDKTF cross-stack references: a CORS configuration in one stack whose `bucket` reads an output of another stack
 * through `data.terraform_remote_state`. Takes the inputs of a run and the Ground Truth buckets each reports, and
 * produces each configuration's document with the reference replaced by the bucket's name (so the policy can judge
 * it there and the run can join the stacks by name), plus the references that lead to a bucket without a name.
 */
import { GateInput } from "./inputs";

type Json = Record<string, unknown>;

/** What the policy reported about an input: its kind, and its Ground Truth buckets. */
export interface ReportedInput {
  input: { kind: string | null };
  buckets: ReadonlyArray<{ address: string; bucket: string | null }>;
}

/** A cross-stack reference to another input's bucket whose name the configuration does not say. */
export interface UnnamedReference {
  /** The input holding the CORS configuration, and its address. */
  input: number;
  address: string;
  /** The input holding the bucket, and the bucket's address. */
  home: number;
  bucket: string;
}

export interface ResolvedReferences {
  /** Input index → its document with cross-stack references to named buckets replaced by the names. */
  rewritten: Map<number, Buffer>;
  unnamed: UnnamedReference[];
}

const CORS_TYPE = "aws_s3_bucket_cors_configuration";

/** `${data.terraform_remote_state.<input>.outputs.<output>}`, as CDKTF writes a cross-stack reference. */
const REMOTE_OUTPUT = /^\$\{data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\}$/;

/** `${aws_s3_bucket.<name>.id}` or `.bucket`: an output that is a bucket's name. */
const BUCKET_NAME_REF = /^\$\{(aws_s3_bucket\.[A-Za-z0-9_-]+)\.(?:id|bucket)\}$/;

/**
 * Resolves every CORS configuration's cross-stack reference to a Ground Truth bucket of another input of the run:
 * the remote state it reads has the backend of exactly that input's stack, and the output it names there is the
 * bucket's `id` or `bucket`. Only Terraform JSON configuration (cdk.tf.json) carries such references: in a plan,
 * Terraform has already read the remote state and the bucket's name is known.
 */
export function resolveCrossStackReferences(inputs: readonly GateInput[], reports: readonly ReportedInput[]): ResolvedReferences {
  const resolved: ResolvedReferences = { rewritten: new Map(), unnamed: [] };
  const isConfig = (i: number) => reports[i].input.kind === "config";
  const readsRemoteState = (i: number) => isConfig(i) && inputs[i].bytes.includes("terraform_remote_state");
  if (inputs.length < 2 || !inputs.some((_, i) => readsRemoteState(i))) return resolved;
  // Plans are left unparsed (they can be hundreds of megabytes): Terraform has read their remote states already.
  const documents = inputs.map((input, i) => (isConfig(i) ? parsed(input) : null));
  documents.forEach((doc, i) => {
    if (doc === null || !readsRemoteState(i)) return;
    const configs = asObject(asObject(doc.resource)[CORS_TYPE]);
    let copy: Json | null = null;
    for (const [name, body] of Object.entries(configs)) {
      const bucket = asObject(body).bucket;
      if (typeof bucket !== "string") continue;
      const target = referencedBucket(bucket, doc, documents, i);
      if (target === null) continue;
      const reported = reports[target.home].buckets.find((b) => b.address === target.address);
      if (reported === undefined) continue;
      if (reported.bucket === null) {
        resolved.unnamed.push({ input: i, address: `${CORS_TYPE}.${name}`, home: target.home, bucket: target.address });
        continue;
      }
      copy ??= structuredClone(doc);
      ((copy.resource as Json)[CORS_TYPE] as Record<string, Json>)[name].bucket = reported.bucket;
    }
    if (copy !== null) resolved.rewritten.set(i, Buffer.from(JSON.stringify(copy)));
  });
  return resolved;
}

/** The input and bucket address a cross-stack reference leads to, or null. */
function referencedBucket(bucket: string, doc: Json, documents: ReadonlyArray<Json | null>, self: number): { home: number; address: string } | null {
  const m = REMOTE_OUTPUT.exec(bucket);
  if (m === null) return null;
  const remote = asObject(asObject(asObject(doc.data).terraform_remote_state)[m[1]]);
  const homes = documents.flatMap((home, i) => (i !== self && home !== null && sameBackend(remote, home) ? [i] : []));
  if (homes.length !== 1) return null;
  const output = asObject(asObject(documents[homes[0]]!.output)[m[2]]).value;
  const ref = typeof output === "string" ? BUCKET_NAME_REF.exec(output) : null;
  return ref === null ? null : { home: homes[0], address: ref[1] };
}

function sameBackend(remote: Json, home: Json): boolean {
  const backends = Object.entries(asObject(asObject(home.terraform).backend));
  if (backends.length !== 1) return false;
  const [backend, config] = backends[0];
  return remote.backend === backend && JSON.stringify(remote.config) === JSON.stringify(config);
}

/** The document as JSON, or null when it is not one object. */
function parsed(input: GateInput): Json | null {
  try {
    const doc = JSON.parse(input.bytes.toString("utf8")) as unknown;
    return doc !== null && typeof doc === "object" && !Array.isArray(doc) ? (doc as Json) : null;
  } catch {
    return null;
  }
}

function asObject(x: unknown): Json {
  return x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Json) : {};
}
