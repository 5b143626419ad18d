/**
 * What S3 holds after an apply: the oracle the gate's verdicts are checked against. Each bucket's CORS rules as
 * GetBucketCors returns them from the local endpoint, or null for a bucket left without a CORS configuration.
 */
import { GetBucketCorsCommand, S3Client } from "@aws-sdk/client-s3";

export type CorsState = Array<{ AllowedMethods?: string[]; AllowedOrigins?: string[] }> | null;

export async function corsOf(client: S3Client, buckets: readonly string[]): Promise<Record<string, CorsState>> {
  const out: Record<string, CorsState> = {};
  for (const Bucket of buckets) {
    try {
      const rules = (await client.send(new GetBucketCorsCommand({ Bucket }))).CORSRules ?? [];
      out[Bucket] = rules.map((r) => ({ AllowedMethods: r.AllowedMethods, AllowedOrigins: r.AllowedOrigins }));
    } catch (e) {
      if ((e as { name?: string }).name !== "NoSuchCORSConfiguration") throw e;
      out[Bucket] = null;
    }
  }
  return out;
}

/** Each bucket's methods allowed from any origin (`*`), sorted; null for a bucket without CORS. */
export async function methodsFromAnyOrigin(client: S3Client, buckets: readonly string[]): Promise<Record<string, string[] | null>> {
  const cors = await corsOf(client, buckets);
  return Object.fromEntries(
    Object.entries(cors).map(([bucket, rules]) => [
      bucket,
      rules && rules.filter((r) => r.AllowedOrigins?.includes("*")).flatMap((r) => r.AllowedMethods ?? []).sort(),
    ]),
  );
}
