/**
 * Entry point of the local S3 endpoint: s3rver plus the bucket-subresource layer, the SDK client and the AWS
 * provider settings that reach it.
 */
export { startLocalS3, LocalS3, LocalS3Options } from "./server";
export { withBucketSubresources } from "./bucket-subresources";
export { localS3Client } from "./client";
export { localS3ProviderConfig, LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from "./provider-config";
