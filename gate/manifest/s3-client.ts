/**
 * The S3 client `gt-cors manifest` reads with: AWS SDK for JavaScript v3, the standard credential chain and
 * region, following buckets to their own region; or an S3-compatible endpoint (`--endpoint`), path-style. Also
 * turns the SDK's failures into messages that say what was being read and what would fix it.
 */
import { S3Client, S3ServiceException } from "@aws-sdk/client-s3";

export interface S3Options {
  /** An S3-compatible endpoint (MinIO, LocalStack, the project's local S3); requests go path-style. */
  endpoint?: string;
}

export function manifestS3Client(options: S3Options): S3Client {
  // The SDK's notice that future releases need Node 22 would land in the middle of the report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  if (options.endpoint === undefined) return new S3Client({ followRegionRedirects: true });
  return new S3Client({
    endpoint: options.endpoint,
    forcePathStyle: true,
    // S3-compatible servers rarely care about the region, and a machine pointed at one often has none set.
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
    // A dead endpoint should fail in seconds, not after the SDK's back-off.
    maxAttempts: 2,
  });
}

/** The S3 error code (`NoSuchKey`, `AccessDenied`, …), or null when the request never got an S3 answer. */
export function s3ErrorCode(e: unknown): string | null {
  if (e instanceof S3ServiceException) return e.name;
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (status === 403) return "AccessDenied";
  if (status === 404) return "NotFound";
  return null;
}

const NETWORK_ERRORS = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/;

/** Why a request got no S3 answer: the endpoint unreachable, no credentials, no region. */
export function describeTransportError(e: unknown, options: S3Options): string {
  const err = e as NodeJS.ErrnoException & { name?: string };
  const where = options.endpoint ?? "S3";
  // The SDK sometimes wraps the socket error in its own, keeping only the message.
  const network = NETWORK_ERRORS.exec(`${err?.code ?? ""} ${err?.message ?? ""}`);
  if (network) return `cannot reach ${where}: ${network[0]}`;
  if (err?.name === "CredentialsProviderError") return `no AWS credentials found (environment, shared config and SSO, container or instance role): ${err.message}`;
  if (/region is missing/i.test(err?.message ?? "")) return "no AWS region configured: set AWS_REGION or a region in your AWS profile";
  return `cannot read from ${where}: ${err?.name ?? "Error"}: ${err?.message ?? String(e)}`;
}
