/**
 * Recognises provider resources by their Terraform resource type rather than by class, so the constructs work with
 * whatever copy of `@cdktf/provider-aws` the user's app has installed (a second copy's classes fail `instanceof`).
 */
import { IConstruct } from "constructs";
import { TerraformResource } from "cdktf";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import type { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";

/** Whether the construct is a Terraform resource of the given type, e.g. `aws_s3_bucket`. */
export function isResourceOfType(construct: IConstruct, type: string): construct is TerraformResource {
  return TerraformResource.isTerraformResource(construct) && construct.terraformResourceType === type;
}

/** An `aws_s3_bucket`, from any copy of the provider bindings. */
export function isS3Bucket(construct: IConstruct): construct is S3Bucket {
  return isResourceOfType(construct, "aws_s3_bucket");
}

/** An `aws_s3_bucket_cors_configuration`, from any copy of the provider bindings. */
export function isS3BucketCorsConfiguration(construct: IConstruct): construct is S3BucketCorsConfiguration {
  return isResourceOfType(construct, "aws_s3_bucket_cors_configuration");
}
