/**
 * Takes a manifest, a job type and the job's output location and produces every S3 bucket the workers'
 * browsers will read for that job (and the output bucket where the job type needs CORS there), each once, with
 * its roles and where it was first named. Video-frame and point-cloud lines are followed into their sequence
 * files, several at a time; memory grows with the number of buckets, not of lines.
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { firstJsonError } from "../inputs";
import { ManifestError } from "./errors";
import { BucketRole, JobType, needsOutputCors } from "./job-types";
import { describeGetObjectFailure, manifestLines } from "./manifest-lines";
import { S3Options } from "./s3-client";
import { formatUri, parseObjectUri, parsePrefixUri, S3Location, S3UriError } from "./s3-uri";
import { sequenceObjects, ShapeError, singleFrameImages } from "./sequence-file";

export interface BucketUse {
  bucket: string;
  roles: BucketRole[];
  /** Where the bucket was first named: `line 3`, `line 3, sequence file s3://…`, or `--output`. */
  firstNamedAt: string;
}

export interface CollectOptions extends S3Options {
  manifest: string;
  jobType: JobType;
  /** The job's `S3OutputPath`. */
  output?: string;
  cwd: string;
  client: () => S3Client;
}

/** Where a bucket was first named, for messages: `first named at line 3`, `named by --output`. */
export function whereNamed(use: BucketUse): string {
  return use.firstNamedAt === "--output" ? "named by --output" : `first named at ${use.firstNamedAt}`;
}

/** Sequence files read at once: enough to hide S3's latency, few enough for a small machine. */
const SEQUENCE_READS = 16;

export async function collectBuckets(options: CollectOptions): Promise<BucketUse[]> {
  const found = new Map<string, { roles: Set<BucketRole>; firstNamedAt: string; order: number }>();
  const note = (bucket: string, role: BucketRole, at: string, order: number): void => {
    const use = found.get(bucket);
    if (use === undefined) found.set(bucket, { roles: new Set([role]), firstNamedAt: at, order });
    else {
      use.roles.add(role);
      if (order < use.order) Object.assign(use, { firstNamedAt: at, order });
    }
  };

  if (options.output !== undefined && needsOutputCors(options.jobType)) {
    let output: S3Location;
    try {
      output = parsePrefixUri(options.output);
    } catch (e) {
      throw new ManifestError(`--output: ${(e as Error).message}`);
    }
    note(output.bucket, "output", "--output", 0);
  }

  // Sequence files are read concurrently; the first failure (by manifest line) is reported, and nothing else.
  const reading = new Set<Promise<void>>();
  let failure: { line: number; error: Error } | null = null;
  const fail = (line: number, error: Error): void => {
    if (failure === null || line < failure.line) failure = { line, error };
  };
  const follow = (line: number, sequence: S3Location): void => {
    const p = readSequence(options, line, sequence).then(
      (objects) => objects.forEach((o) => note(o.bucket, "input", `line ${line}, sequence file ${formatUri(sequence)}`, line)),
      (e: Error) => fail(line, e),
    );
    reading.add(p);
    void p.finally(() => reading.delete(p));
  };

  let objects = 0;
  for await (const { line, object } of manifestLines(options.manifest, options.cwd, options.client, options)) {
    objects++;
    const at = `${options.manifest}: line ${line}`;
    try {
      const target = lineObjects(object, options.jobType);
      for (const location of target.direct) note(location.bucket, "input", `line ${line}`, line);
      if (target.sequence !== null) {
        note(target.sequence.bucket, "input", `line ${line}`, line);
        follow(line, target.sequence);
      }
    } catch (e) {
      if (e instanceof ShapeError || e instanceof S3UriError) throw new ManifestError(`${at}: ${e.message}`);
      throw e;
    }
    if (reading.size >= SEQUENCE_READS) await Promise.race(reading);
    if (failure !== null) break;
  }
  await Promise.all(reading);
  if (failure !== null) throw (failure as { error: Error }).error;
  if (objects === 0) throw new ManifestError(`${options.manifest}: no data objects (expected one JSON object per line)`);

  // By the line that first names each bucket; on one line, a sequence file's bucket before its frames' buckets.
  return [...found.entries()]
    .sort(([, x], [, y]) => x.order - y.order)
    .map(([bucket, use]) => ({ bucket, roles: [...use.roles].sort(), firstNamedAt: use.firstNamedAt }));
}

interface LineObjects {
  /** Objects the line names itself. */
  direct: S3Location[];
  /** A sequence file to follow, when the line names one. */
  sequence: S3Location | null;
}

/** What one manifest line points at for a job type. */
function lineObjects(object: Record<string, unknown>, jobType: JobType): LineObjects {
  const hasRef = "source-ref" in object;
  if (jobType === "text" && !hasRef && typeof object.source === "string") return { direct: [], sequence: null };
  if (!hasRef) {
    const expected = jobType === "text" ? '"source" (the text itself) or "source-ref" (an s3:// URI)' : '"source-ref" (an s3:// URI)';
    const found = "source" in object ? ` (found "source", which only text jobs read)` : "";
    throw new ShapeError("$", `expected ${expected}${found}`);
  }
  let ref: S3Location;
  try {
    ref = parseObjectUri(object["source-ref"]);
  } catch (e) {
    if (e instanceof S3UriError) throw new ShapeError('$["source-ref"]', e.message);
    throw e;
  }
  if (jobType === "video-frame") return { direct: [], sequence: ref };
  if (jobType === "point-cloud") {
    // A point-cloud frame manifest describes the frame inline; a sequence manifest names only the sequence file.
    if ("source-ref-metadata" in object) return { direct: [ref, ...singleFrameImages(object["source-ref-metadata"])], sequence: null };
    return { direct: [], sequence: ref };
  }
  return { direct: [ref], sequence: null };
}

async function readSequence(options: CollectOptions, line: number, sequence: S3Location): Promise<S3Location[]> {
  const uri = formatUri(sequence);
  const where = `${options.manifest}: line ${line}: sequence file ${uri}`;
  let text: string;
  try {
    const object = await options.client().send(new GetObjectCommand({ Bucket: sequence.bucket, Key: sequence.key }));
    text = await object.Body!.transformToString("utf8");
  } catch (e) {
    throw new ManifestError(`${where}: ${describeGetObjectFailure(e, sequence.bucket, options)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const offset = firstJsonError(text);
    const before = text.slice(0, Math.max(0, offset));
    const row = before.split("\n").length;
    const column = offset - before.lastIndexOf("\n");
    throw new ManifestError(`${where}: malformed JSON at line ${row}, column ${column}`);
  }
  try {
    return sequenceObjects(doc, options.jobType === "point-cloud");
  } catch (e) {
    if (e instanceof ShapeError) throw new ManifestError(`${where}: ${e.message}`);
    throw e;
  }
}
