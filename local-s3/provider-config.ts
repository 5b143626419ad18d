/**
 * Takes the URL of a local S3 endpoint and produces the AWS provider settings that point Terraform at it.
 * Only the provider block changes between AWS and the local endpoint; the resources stay the same.
 */
import type { AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";

/** s3rver accepts requests signed with this fixed key pair only. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export const LOCAL_S3_REGION = "us-east-1";

/**
 * Provider settings for a local S3 endpoint: path-style requests, s3rver's credentials, and no calls to STS,
 * IMDS or the region list, none of which exist on loopback.
 */
export function localS3ProviderConfig(endpoint: string): AwsProviderConfig {
  return {
    region: LOCAL_S3_REGION,
    accessKey: LOCAL_S3_CREDENTIALS.accessKeyId,
    secretKey: LOCAL_S3_CREDENTIALS.secretAccessKey,
    s3UsePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: "true",
    skipRegionValidation: true,
    endpoints: [{ s3: endpoint }],
  };
}
