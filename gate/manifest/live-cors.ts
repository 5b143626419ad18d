/**
 * Reads each bucket's CORS configuration from S3 (`GetBucketCors`), a few buckets at a time, as the rules
 * Terraform's `cors_rule` blocks would hold. A bucket without CORS (`NoSuchCORSConfiguration`) has no rules,
 * which the policy reports; a bucket that is missing or whose CORS may not be read stops the run.
 */
import { CORSRule, GetBucketCorsCommand, S3Client } from "@aws-sdk/client-s3";
import { ManifestError } from "./errors";
import { describeTransportError, s3ErrorCode, S3Options } from "./s3-client";
import { BucketUse, whereNamed } from "./collect-buckets";

/** A CORS rule in Terraform's `cors_rule` attribute names, as the policy reads them. */
export interface CorsRule {
  id?: string;
  allowed_methods: string[];
  allowed_origins: string[];
  allowed_headers: string[];
  expose_headers: string[];
  max_age_seconds?: number;
}

/** null: the bucket has no CORS configuration. */
export type BucketCors = CorsRule[] | null;

const CONCURRENT_READS = 8;

export async function readBucketsCors(buckets: readonly BucketUse[], client: S3Client, options: S3Options): Promise<Map<string, BucketCors>> {
  const out = new Map<string, BucketCors>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < buckets.length) {
      const use = buckets[next++];
      out.set(use.bucket, await readBucketCors(use, client, options));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, buckets.length) }, worker));
  return out;
}

async function readBucketCors(use: BucketUse, client: S3Client, options: S3Options): Promise<BucketCors> {
  try {
    const answer = await client.send(new GetBucketCorsCommand({ Bucket: use.bucket }));
    return (answer.CORSRules ?? []).map(toCorsRule);
  } catch (e) {
    const code = s3ErrorCode(e);
    if (code === "NoSuchCORSConfiguration") return null;
    const bucket = `bucket ${JSON.stringify(use.bucket)} (${whereNamed(use)})`;
    if (code === "AccessDenied" || code === "AllAccessDisabled") {
      throw new ManifestError(`${bucket}: access denied reading its CORS configuration; the caller needs s3:GetBucketCORS on arn:aws:s3:::${use.bucket}`);
    }
    if (code === "NoSuchBucket" || code === "NotFound") throw new ManifestError(`${bucket}: no such bucket${options.endpoint ? ` at ${options.endpoint}` : ""}`);
    if (code !== null) throw new ManifestError(`${bucket}: GetBucketCors failed: ${code}: ${(e as Error).message}`);
    throw new ManifestError(`${bucket}: ${describeTransportError(e, options)}`);
  }
}

function toCorsRule(rule: CORSRule): CorsRule {
  return {
    ...(rule.ID !== undefined ? { id: rule.ID } : {}),
    allowed_methods: rule.AllowedMethods ?? [],
    allowed_origins: rule.AllowedOrigins ?? [],
    allowed_headers: rule.AllowedHeaders ?? [],
    expose_headers: rule.ExposeHeaders ?? [],
    ...(rule.MaxAgeSeconds !== undefined ? { max_age_seconds: rule.MaxAgeSeconds } : {}),
  };
}
