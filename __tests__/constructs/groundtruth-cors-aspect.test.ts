/**
 * GroundTruthCorsAspect: marked buckets made without LabelingBucket get their CORS attached (or, strict, an error
 * that stops synth); unmarked buckets, buckets that already have Ground Truth CORS, and buckets whose own CORS
 * already allows what Ground Truth needs are left alone.
 */
import { Aspects, TerraformStack } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { GroundTruthCors, GroundTruthCorsAspect, LabelingBucket, LabelingJobType } from "../../constructs";
import { newStack, onlyResourceOfType, resourcesOfType, synthesize } from "./synth";
import { secondCopyOf } from "./provider-copy";

const CORS = "aws_s3_bucket_cors_configuration";

function stackWithAspect(strict = false): { app: ReturnType<typeof newStack>["app"]; stack: TerraformStack } {
  const { app, stack } = newStack();
  Aspects.of(stack).add(new GroundTruthCorsAspect({ strict }));
  return { app, stack };
}

describe("GroundTruthCorsAspect", () => {
  it("attaches the point cloud rule to a bucket tagged point-cloud, linked to that bucket", () => {
    const { stack } = stackWithAspect();
    new S3Bucket(stack, "scans", { tags: { "groundtruth:job-types": "point-cloud", "groundtruth:bucket-role": "output" } });
    const [, cors] = onlyResourceOfType(synthesize(stack), CORS);
    expect(cors.bucket).toBe("${aws_s3_bucket.scans.id}");
    expect(cors.cors_rule).toEqual([
      {
        allowed_headers: ["*"],
        allowed_methods: ["GET", "HEAD", "PUT"],
        allowed_origins: ["*"],
        expose_headers: ["Access-Control-Allow-Origin"],
        max_age_seconds: 3000,
      },
    ]);
  });

  it("reads a missing role tag as input and trims the job type list", () => {
    const { stack } = stackWithAspect();
    new S3Bucket(stack, "docs", { tags: { "groundtruth:job-types": " text , image " } });
    const [, cors] = onlyResourceOfType(synthesize(stack), CORS);
    expect(cors.cors_rule).toEqual([{ allowed_methods: ["GET"], allowed_origins: ["*"] }]);
  });

  it("attaches nothing to unmarked buckets or to an image job's output bucket", () => {
    const { stack } = stackWithAspect(true);
    new S3Bucket(stack, "logs", { tags: { team: "vision" } });
    new S3Bucket(stack, "labels", { tags: { "groundtruth:job-types": "image", "groundtruth:bucket-role": "output" } });
    expect(resourcesOfType(synthesize(stack), CORS)).toEqual({});
  });

  it("leaves LabelingBucket and buckets with their own GroundTruthCors with exactly one CORS resource", () => {
    const { stack } = stackWithAspect(true);
    new LabelingBucket(stack, "images", { jobTypes: [LabelingJobType.IMAGE] });
    const frames = new S3Bucket(stack, "frames", { tags: { "groundtruth:job-types": "video-frame" } });
    new GroundTruthCors(stack, "frames-cors", { bucket: frames, jobTypes: [LabelingJobType.VIDEO_FRAME] });
    expect(Object.keys(resourcesOfType(synthesize(stack), CORS))).toHaveLength(2);
  });

  it("in strict mode, stops synth with an error naming the bucket instead of attaching CORS", () => {
    const { app, stack } = stackWithAspect(true);
    new S3Bucket(stack, "images", { tags: { "groundtruth:job-types": "image" } });
    expect(() => app.synth()).toThrow(/\[test\/images\] Ground Truth CORS: the bucket is tagged for image jobs \(input\) but has no GroundTruthCors/);
  });

  it("stops synth on a marking tag with an unknown job type, listing the allowed ones", () => {
    const { app, stack } = stackWithAspect();
    new S3Bucket(stack, "audio", { tags: { "groundtruth:job-types": "audio" } });
    expect(() => app.synth()).toThrow(/tag groundtruth:job-types has the value "audio"; allowed values: image, text, video-frame, point-cloud/);
  });

  it("stops synth on an unknown role", () => {
    const { app, stack } = stackWithAspect();
    new S3Bucket(stack, "frames", { tags: { "groundtruth:job-types": "video-frame", "groundtruth:bucket-role": "archive" } });
    expect(() => app.synth()).toThrow(/tag groundtruth:bucket-role has the value "archive"/);
  });

  it("stops synth when the bucket's own CORS resource lacks the Ground Truth rules, rather than adding a second one", () => {
    const { app, stack } = stackWithAspect();
    const bucket = new S3Bucket(stack, "frames", { tags: { "groundtruth:job-types": "video-frame" } });
    new S3BucketCorsConfiguration(stack, "frames-cors", {
      bucket: bucket.id,
      corsRule: [{ allowedMethods: ["GET"], allowedOrigins: ["*"] }],
    });
    expect(() => app.synth()).toThrow(/its CORS, set by test\/frames-cors, lacks the rules Ground Truth needs/);
  });

  it("accepts the bucket's own CORS resource when it already allows what Ground Truth needs", () => {
    const { stack } = stackWithAspect(true);
    const bucket = new S3Bucket(stack, "images", { tags: { "groundtruth:job-types": "image" } });
    new S3BucketCorsConfiguration(stack, "images-cors", {
      bucket: bucket.id,
      corsRule: [{ allowedMethods: ["GET", "HEAD"], allowedOrigins: ["*"], allowedHeaders: ["*"] }],
    });
    const [name] = onlyResourceOfType(synthesize(stack), CORS);
    expect(name).toBe("images-cors");
  });

  describe("with provider classes from another copy of @cdktf/provider-aws (the user's own)", () => {
    const bucketModule = secondCopyOf<typeof import("@cdktf/provider-aws/lib/s3-bucket")>("s3-bucket");
    const corsModule = secondCopyOf<typeof import("@cdktf/provider-aws/lib/s3-bucket-cors-configuration")>("s3-bucket-cors-configuration");

    it("is a different class, so instanceof would miss it", () => {
      expect(bucketModule.S3Bucket).not.toBe(S3Bucket);
      expect(corsModule.S3BucketCorsConfiguration).not.toBe(S3BucketCorsConfiguration);
    });

    it("still attaches CORS to a tagged bucket of that copy", () => {
      const { stack } = stackWithAspect();
      new bucketModule.S3Bucket(stack, "frames", { tags: { "groundtruth:job-types": "video-frame" } });
      const [, cors] = onlyResourceOfType(synthesize(stack), CORS);
      expect(cors.bucket).toBe("${aws_s3_bucket.frames.id}");
    });

    it("still sees that copy's CORS resource lacking the Ground Truth rules", () => {
      const { app, stack } = stackWithAspect();
      const bucket = new bucketModule.S3Bucket(stack, "frames", { tags: { "groundtruth:job-types": "video-frame" } });
      new corsModule.S3BucketCorsConfiguration(stack, "frames-cors", { bucket: bucket.id, corsRule: [{ allowedMethods: ["GET"], allowedOrigins: ["*"] }] });
      expect(() => app.synth()).toThrow(/its CORS, set by test\/frames-cors, lacks the rules Ground Truth needs/);
    });

    it("lets GroundTruthCors see a competing CORS resource of that copy", () => {
      const { app, stack } = newStack();
      const bucket = new bucketModule.S3Bucket(stack, "images", {});
      new corsModule.S3BucketCorsConfiguration(stack, "own-cors", { bucket: bucket.id, corsRule: [{ allowedMethods: ["PUT"], allowedOrigins: ["*"] }] });
      new GroundTruthCors(stack, "gt", { bucket: bucket as unknown as S3Bucket, jobTypes: [LabelingJobType.IMAGE] });
      expect(() => app.synth()).toThrow(/also gets CORS from test\/own-cors \(aws_s3_bucket_cors_configuration\)/);
    });
  });
});
