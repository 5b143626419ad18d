/**
 * `s3://bucket/key` URIs as Ground Truth manifests, sequence files and `--output` write them: parsed into bucket
 * and key, or rejected with the reason. Objects need a key; prefixes (a sequence's `prefix`, `--output`) may be
 * a bare bucket.
 */

export interface S3Location {
  bucket: string;
  key: string;
}

/** Bucket names S3 has accepted: today's rules (3-63 lower-case letters, digits, dots, hyphens) and the older,
 * looser us-east-1 names (upper case, underscores, up to 255), which existing manifests may still name. */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/;

/** Why `value` is not an `s3://` location, or null when it is one. */
function problem(value: unknown, needsKey: boolean): string | null {
  if (typeof value !== "string") return `expected an s3:// URI, found ${value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`}`;
  if (!value.startsWith("s3://")) return `${JSON.stringify(value)} is not an s3:// URI`;
  const rest = value.slice("s3://".length);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (bucket === "") return `${JSON.stringify(value)} names no bucket`;
  if (!BUCKET_NAME.test(bucket)) return `${JSON.stringify(value)}: ${JSON.stringify(bucket)} is not a valid S3 bucket name`;
  if (needsKey && (slash < 0 || slash === rest.length - 1)) return `${JSON.stringify(value)} names a bucket but no object key (expected s3://bucket/key)`;
  return null;
}

export class S3UriError extends Error {}

/** An object's location: `s3://bucket/key` with a non-empty key. */
export function parseObjectUri(value: unknown): S3Location {
  const why = problem(value, true);
  if (why !== null) throw new S3UriError(why);
  return split(value as string);
}

/** A prefix's location: `s3://bucket`, `s3://bucket/` or `s3://bucket/some/prefix/`. */
export function parsePrefixUri(value: unknown): S3Location {
  const why = problem(value, false);
  if (why !== null) throw new S3UriError(why);
  return split(value as string);
}

function split(uri: string): S3Location {
  const rest = uri.slice("s3://".length);
  const slash = rest.indexOf("/");
  return slash < 0 ? { bucket: rest, key: "" } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

export function formatUri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}
