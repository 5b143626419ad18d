/**
 * Streams a Ground Truth input manifest (JSON Lines, from a local file or an `s3://` URI) one data object at a
 * time, with its line number, so a manifest of millions of lines is read in constant memory. A line that is not
 * a JSON object is an error naming the line and column; blank lines are skipped.
 */
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { Readable } from "stream";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { firstJsonError } from "../inputs";
import { ManifestError } from "./errors";
import { parseObjectUri, S3UriError } from "./s3-uri";
import { describeTransportError, s3ErrorCode, S3Options } from "./s3-client";

export interface ManifestLine {
  line: number;
  object: Record<string, unknown>;
}

/** The manifest's data objects in order; `source` is a path (resolved against `cwd`) or an `s3://` URI. */
export async function* manifestLines(source: string, cwd: string, client: () => S3Client, options: S3Options): AsyncGenerator<ManifestLine> {
  const stream = source.startsWith("s3://") ? await openS3(source, client(), options) : await openFile(source, cwd);
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === "") continue;
      yield { line, object: parseLine(source, line, text) };
    }
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    throw new ManifestError(`${source}: reading stopped after line ${line}: ${(e as Error).message}`);
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** A UTF-8 byte order mark before the first object; JSON Lines has none, but editors on Windows write one. */
const BOM = "\ufeff";

function parseLine(source: string, line: number, raw: string): Record<string, unknown> {
  const text = line === 1 && raw.startsWith(BOM) ? raw.slice(1) : raw;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const at = firstJsonError(text);
    const found = at >= text.length ? "unexpected end of line" : `unexpected ${JSON.stringify(text[at])}`;
    throw new ManifestError(`${source}: line ${line}, column ${at + 1}: malformed JSON: ${found} (each line must be one complete JSON object)`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ManifestError(`${source}: line ${line}: expected a JSON object, found ${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`}`);
  }
  return value as Record<string, unknown>;
}

async function openFile(file: string, cwd: string): Promise<Readable> {
  try {
    const handle = await fs.promises.open(path.resolve(cwd, file), "r");
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      throw new ManifestError(`${file}: is a directory (expected a manifest file)`);
    }
    return handle.createReadStream({ encoding: "utf8" });
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    throw new ManifestError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function openS3(uri: string, client: S3Client, options: S3Options): Promise<Readable> {
  let location;
  try {
    location = parseObjectUri(uri);
  } catch (e) {
    if (e instanceof S3UriError) throw new ManifestError(`manifest: ${e.message}`);
    throw e;
  }
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    const body = object.Body as Readable;
    body.setEncoding("utf8");
    return body;
  } catch (e) {
    throw new ManifestError(`${uri}: ${describeGetObjectFailure(e, location.bucket, options)}`);
  }
}

/** Why an object (the manifest, a sequence file) could not be read, with the permission that would fix it. */
export function describeGetObjectFailure(e: unknown, bucket: string, options: S3Options): string {
  const code = s3ErrorCode(e);
  if (code === "NoSuchKey" || code === "NotFound") return "no such object";
  if (code === "NoSuchBucket") return `no such bucket ${JSON.stringify(bucket)}`;
  if (code === "AccessDenied") return `access denied (reading it needs s3:GetObject on arn:aws:s3:::${bucket}/*)`;
  if (code !== null) return `${code}: ${(e as Error).message}`;
  return describeTransportError(e, options);
}
