/**
 * Takes a running local S3 endpoint and produces an AWS SDK v3 S3 client for it (path-style, s3rver's keys),
 * used by the tests and the example deployment to read back what Terraform created.
 */
import { S3Client } from "@aws-sdk/client-s3";
import type { LocalS3 } from "./server";

export function localS3Client(s3: Pick<LocalS3, "endpoint" | "region" | "credentials">): S3Client {
  // The project runs on Node 20 by design; the SDK's notice that future releases need Node 22 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: { ...s3.credentials },
    forcePathStyle: true,
    // s3rver predates S3's flexible checksums and would store an aws-chunked body verbatim.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}
