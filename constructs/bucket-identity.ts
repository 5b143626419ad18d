/**
 * Takes the ways a stack can name an S3 bucket (an `S3Bucket`, a reference such as `${aws_s3_bucket.x.id}`, or a
 * literal name) and produces one identity per bucket, then finds every construct in the stack that sets CORS on
 * a given bucket. S3 keeps one CORS configuration per bucket, so two such constructs overwrite each other.
 */
import { IConstruct } from "constructs";
import { DefaultTokenResolver, StringConcat, TerraformStack, Tokenization } from "cdktf";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { isS3Bucket, isS3BucketCorsConfiguration } from "./resource-type";

/** A construct that sets CORS on a bucket, and the bucket's identity. */
export interface CorsOwner {
  readonly construct: IConstruct;
  readonly bucketIdentity: string;
  /** How the construct sets CORS, for messages. */
  readonly kind: string;
}

const BUCKET_REFERENCE = /^\$\{aws_s3_bucket\.([^.}]+)\.(?:id|bucket)\}$/;

/** The identity of a managed bucket: its Terraform address. */
export function managedBucketIdentity(bucket: S3Bucket): string {
  return `aws_s3_bucket.${bucket.friendlyUniqueId}`;
}

/**
 * The identity of a bucket given as a string: the address of the `aws_s3_bucket` it references or is named like in
 * the same stack, else the resolved string itself (a bucket managed elsewhere).
 */
export function bucketIdentityOf(scope: IConstruct, bucket: string): string {
  const resolved = resolveString(scope, bucket);
  const reference = BUCKET_REFERENCE.exec(resolved);
  if (reference) {
    return `aws_s3_bucket.${reference[1]}`;
  }
  const named = allConstructs(scope).find(
    (c): c is S3Bucket => isS3Bucket(c) && c.bucketInput !== undefined && resolveString(scope, c.bucketInput) === resolved,
  );
  return named ? managedBucketIdentity(named) : resolved;
}

/** Every construct in the stack that sets CORS on some bucket, with plain provider resources among them. */
export function corsOwnersInStack(scope: IConstruct): CorsOwner[] {
  const owners: CorsOwner[] = [];
  for (const construct of allConstructs(scope)) {
    if (isS3BucketCorsConfiguration(construct) && construct.bucketInput !== undefined) {
      owners.push({
        construct,
        bucketIdentity: bucketIdentityOf(scope, construct.bucketInput),
        kind: "aws_s3_bucket_cors_configuration",
      });
    } else if (isS3Bucket(construct) && construct.corsRuleInput !== undefined) {
      owners.push({ construct, bucketIdentity: managedBucketIdentity(construct), kind: "inline cors_rule of aws_s3_bucket" });
    }
  }
  return owners;
}

function allConstructs(scope: IConstruct): IConstruct[] {
  return TerraformStack.of(scope).node.findAll();
}

function resolveString(scope: IConstruct, value: string): string {
  const resolved: unknown = Tokenization.resolve(value, {
    scope,
    resolver: new DefaultTokenResolver(new StringConcat()),
  });
  return typeof resolved === "string" ? resolved : JSON.stringify(resolved);
}
