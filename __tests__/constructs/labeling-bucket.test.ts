/**
 * LabelingBucket: the synthesized bucket, its marking tags, its one CORS configuration and the secure defaults,
 * property by property, and each default turned off or changed.
 */
import { Token } from "cdktf";
import { BucketEncryption, BucketRole, HttpMethods, LabelingBucket, LabelingJobType } from "../../constructs";
import { newStack, onlyBucketReference, onlyResourceOfType, resourcesOfType, synthesize } from "./synth";

function synthBucket(props: ConstructorParameters<typeof LabelingBucket>[2]) {
  const { stack } = newStack();
  const bucket = new LabelingBucket(stack, "frames", props);
  const json = synthesize(stack);
  return { bucket, json, bucketRef: onlyBucketReference(json) };
}

describe("LabelingBucket", () => {
  it("tags the bucket with its job types and role, CORS for them, public access blocked and SSE-S3", () => {
    const { json, bucketRef } = synthBucket({
      jobTypes: [LabelingJobType.VIDEO_FRAME, LabelingJobType.IMAGE],
      bucketPrefix: "frames-",
      tags: { team: "vision" },
    });
    const [, bucket] = onlyResourceOfType(json, "aws_s3_bucket");
    expect(bucket.bucket_prefix).toBe("frames-");
    expect(bucket.bucket).toBeUndefined();
    expect(bucket.force_destroy).toBeUndefined();
    expect(bucket.tags).toEqual({
      team: "vision",
      "groundtruth:job-types": "image,video-frame",
      "groundtruth:bucket-role": "input",
    });

    const [, cors] = onlyResourceOfType(json, "aws_s3_bucket_cors_configuration");
    expect(cors.bucket).toBe(bucketRef);
    expect(cors.cors_rule).toEqual([
      {
        allowed_headers: ["*"],
        allowed_methods: ["GET", "HEAD", "PUT"],
        allowed_origins: ["*"],
        expose_headers: ["Access-Control-Allow-Origin"],
        max_age_seconds: 3000,
      },
    ]);

    const [, block] = onlyResourceOfType(json, "aws_s3_bucket_public_access_block");
    expect(block).toEqual({
      bucket: bucketRef,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });

    const [, encryption] = onlyResourceOfType(json, "aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.bucket).toBe(bucketRef);
    expect(encryption.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
  });

  it("marks a bucket that is both input and output with input,output and gives it the video frame rule", () => {
    const { json } = synthBucket({ jobTypes: [LabelingJobType.VIDEO_FRAME], roles: [BucketRole.OUTPUT, BucketRole.INPUT] });
    const [, bucket] = onlyResourceOfType(json, "aws_s3_bucket");
    expect((bucket.tags as Record<string, string>)["groundtruth:bucket-role"]).toBe("input,output");
    expect(Object.keys(resourcesOfType(json, "aws_s3_bucket_cors_configuration"))).toHaveLength(1);
  });

  it("an image job's output bucket is tagged output and gets no CORS until a rule is added", () => {
    const { stack } = newStack();
    const bucket = new LabelingBucket(stack, "labels", { jobTypes: [LabelingJobType.IMAGE], roles: [BucketRole.OUTPUT] });
    expect(resourcesOfType(synthesize(stack), "aws_s3_bucket_cors_configuration")).toEqual({});
    bucket.addCorsRule({ allowedMethods: [HttpMethods.GET], allowedOrigins: ["https://dashboard.example.com"] });
    const [, cors] = onlyResourceOfType(synthesize(stack), "aws_s3_bucket_cors_configuration");
    expect(cors.cors_rule).toEqual([{ allowed_methods: ["GET"], allowed_origins: ["https://dashboard.example.com"] }]);
  });

  it("merges extra rules after the Ground Truth rule", () => {
    const { json } = synthBucket({
      jobTypes: [LabelingJobType.TEXT],
      corsRules: [{ allowedMethods: [HttpMethods.POST], allowedOrigins: ["https://ingest.example.com"] }],
    });
    const [, cors] = onlyResourceOfType(json, "aws_s3_bucket_cors_configuration");
    expect(cors.cors_rule).toEqual([
      { allowed_methods: ["GET"], allowed_origins: ["*"] },
      { allowed_methods: ["POST"], allowed_origins: ["https://ingest.example.com"] },
    ]);
  });

  it("leaves public access and encryption alone when turned off", () => {
    const { bucket, json } = synthBucket({
      jobTypes: [LabelingJobType.IMAGE],
      blockPublicAccess: false,
      encryption: BucketEncryption.NONE,
    });
    expect(resourcesOfType(json, "aws_s3_bucket_public_access_block")).toEqual({});
    expect(resourcesOfType(json, "aws_s3_bucket_server_side_encryption_configuration")).toEqual({});
    expect(bucket.publicAccessBlock).toBeUndefined();
    expect(bucket.encryptionConfiguration).toBeUndefined();
  });

  it("uses the AWS managed KMS key with a bucket key for KMS_MANAGED", () => {
    const { json } = synthBucket({ jobTypes: [LabelingJobType.IMAGE], encryption: BucketEncryption.KMS_MANAGED });
    const [, encryption] = onlyResourceOfType(json, "aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true },
    ]);
  });

  it("uses the given customer managed key for KMS", () => {
    const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { json } = synthBucket({ jobTypes: [LabelingJobType.IMAGE], encryption: BucketEncryption.KMS, encryptionKeyArn: key });
    const [, encryption] = onlyResourceOfType(json, "aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key }, bucket_key_enabled: true },
    ]);
  });

  it("takes an exact name and force_destroy", () => {
    const { bucket, json } = synthBucket({ jobTypes: [LabelingJobType.IMAGE], bucketName: "labeling-images", forceDestroy: true });
    const [, resource] = onlyResourceOfType(json, "aws_s3_bucket");
    expect(resource.bucket).toBe("labeling-images");
    expect(resource.bucket_prefix).toBeUndefined();
    expect(resource.force_destroy).toBe(true);
    expect(Token.isUnresolved(bucket.bucketName)).toBe(true);
    expect(Token.isUnresolved(bucket.bucketArn)).toBe(true);
  });
});
