/**
 * GroundTruthCors: the synthesized aws_s3_bucket_cors_configuration for each job type and role, each merge case,
 * rules added after construction, buckets managed elsewhere, and the synth error for a second CORS resource.
 */
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { BucketRole, CorsRule, GroundTruthCors, HttpMethods, LabelingJobType } from "../../constructs";
import { ResourceBody, newStack, onlyBucketReference, onlyResourceOfType, resourcesOfType, synthesize } from "./synth";

const CORS = "aws_s3_bucket_cors_configuration";

function synthCors(build: (stack: TerraformStack, bucket: S3Bucket) => void): { cors: ResourceBody; bucketRef: string } {
  const { stack } = newStack();
  const bucket = new S3Bucket(stack, "data", { bucket: "labeling-data" });
  build(stack, bucket);
  const json = synthesize(stack);
  return { cors: onlyResourceOfType(json, CORS)[1], bucketRef: onlyBucketReference(json) };
}

function rulesOf(cors: ResourceBody): Record<string, unknown>[] {
  return cors.cors_rule as Record<string, unknown>[];
}

const reviewToolRule: CorsRule = {
  allowedMethods: [HttpMethods.PUT, HttpMethods.POST],
  allowedOrigins: ["https://review.example.com"],
  allowedHeaders: ["Content-Type"],
  exposedHeaders: ["ETag"],
  maxAge: 600,
};

describe("GroundTruthCors per job type", () => {
  it.each([LabelingJobType.IMAGE, LabelingJobType.TEXT])("%s: one rule, GET from origin *, linked to the bucket", (jobType) => {
    const { cors, bucketRef } = synthCors((stack, bucket) => new GroundTruthCors(stack, "cors", { bucket, jobTypes: [jobType] }));
    expect(cors.bucket).toBe(bucketRef);
    const rules = rulesOf(cors);
    expect(rules).toHaveLength(1);
    expect(rules[0].allowed_methods).toEqual(["GET"]);
    expect(rules[0].allowed_origins).toEqual(["*"]);
    expect(rules[0].allowed_headers).toBeUndefined();
    expect(rules[0].expose_headers).toBeUndefined();
    expect(rules[0].max_age_seconds).toBeUndefined();
    expect(rules[0].id).toBeUndefined();
  });

  it.each([
    [LabelingJobType.VIDEO_FRAME, BucketRole.INPUT],
    [LabelingJobType.VIDEO_FRAME, BucketRole.OUTPUT],
    [LabelingJobType.POINT_CLOUD, BucketRole.INPUT],
    [LabelingJobType.POINT_CLOUD, BucketRole.OUTPUT],
  ])("%s on an %s bucket: GET/HEAD/PUT, headers *, exposes Access-Control-Allow-Origin, max age 3000", (jobType, role) => {
    const { cors, bucketRef } = synthCors((stack, bucket) =>
      new GroundTruthCors(stack, "cors", { bucket, jobTypes: [jobType], roles: [role] }),
    );
    expect(cors.bucket).toBe(bucketRef);
    const rules = rulesOf(cors);
    expect(rules).toHaveLength(1);
    expect(rules[0].allowed_methods).toEqual(["GET", "HEAD", "PUT"]);
    expect(rules[0].allowed_origins).toEqual(["*"]);
    expect(rules[0].allowed_headers).toEqual(["*"]);
    expect(rules[0].expose_headers).toEqual(["Access-Control-Allow-Origin"]);
    expect(rules[0].max_age_seconds).toBe(3000);
  });

  it("emits no CORS resource for an image job's output bucket, which Ground Truth does not read from a browser", () => {
    const { stack } = newStack();
    const bucket = new S3Bucket(stack, "data", {});
    const cors = new GroundTruthCors(stack, "cors", { bucket, jobTypes: [LabelingJobType.IMAGE], roles: [BucketRole.OUTPUT] });
    expect(cors.corsConfiguration).toBeUndefined();
    expect(resourcesOfType(synthesize(stack), CORS)).toEqual({});
  });
});

describe("GroundTruthCors merging", () => {
  it("image and text jobs on one bucket share the single GET rule", () => {
    const { cors } = synthCors((stack, bucket) =>
      new GroundTruthCors(stack, "cors", { bucket, jobTypes: [LabelingJobType.IMAGE, LabelingJobType.TEXT] }),
    );
    expect(rulesOf(cors)).toEqual([{ allowed_methods: ["GET"], allowed_origins: ["*"] }]);
  });

  it("image and video frame jobs on one bucket keep only the video frame rule, which allows every image request too", () => {
    const { cors } = synthCors((stack, bucket) =>
      new GroundTruthCors(stack, "cors", { bucket, jobTypes: [LabelingJobType.IMAGE, LabelingJobType.VIDEO_FRAME] }),
    );
    const rules = rulesOf(cors);
    expect(rules).toHaveLength(1);
    expect(rules[0].allowed_methods).toEqual(["GET", "HEAD", "PUT"]);
  });

  it("an image job's output bucket that also serves point clouds gets the point cloud rule", () => {
    const { cors } = synthCors((stack, bucket) =>
      new GroundTruthCors(stack, "cors", {
        bucket,
        jobTypes: [LabelingJobType.IMAGE, LabelingJobType.POINT_CLOUD],
        roles: [BucketRole.OUTPUT],
      }),
    );
    expect(rulesOf(cors).map((r) => r.allowed_methods)).toEqual([["GET", "HEAD", "PUT"]]);
  });

  it("puts the user's own rules after the Ground Truth rule, property by property", () => {
    const { cors } = synthCors((stack, bucket) =>
      new GroundTruthCors(stack, "cors", { bucket, jobTypes: [LabelingJobType.IMAGE], corsRules: [reviewToolRule] }),
    );
    const rules = rulesOf(cors);
    expect(rules).toHaveLength(2);
    expect(rules[0]).toEqual({ allowed_methods: ["GET"], allowed_origins: ["*"] });
    expect(rules[1].allowed_methods).toEqual(["PUT", "POST"]);
    expect(rules[1].allowed_origins).toEqual(["https://review.example.com"]);
    expect(rules[1].allowed_headers).toEqual(["Content-Type"]);
    expect(rules[1].expose_headers).toEqual(["ETag"]);
    expect(rules[1].max_age_seconds).toBe(600);
  });

  it("drops a user rule equal to the Ground Truth rule, even with methods in another order and headers in another case", () => {
    const { cors } = synthCors((stack, bucket) =>
      new GroundTruthCors(stack, "cors", {
        bucket,
        jobTypes: [LabelingJobType.VIDEO_FRAME],
        corsRules: [
          {
            allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
            allowedOrigins: ["*"],
            allowedHeaders: ["*"],
            exposedHeaders: ["access-control-allow-origin"],
            maxAge: 3000,
          },
        ],
      }),
    );
    expect(rulesOf(cors)).toHaveLength(1);
  });

  it("keeps a user rule that differs from the Ground Truth rule only in max age", () => {
    const { cors } = synthCors((stack, bucket) =>
      new GroundTruthCors(stack, "cors", {
        bucket,
        jobTypes: [LabelingJobType.IMAGE],
        corsRules: [{ allowedMethods: [HttpMethods.GET], allowedOrigins: ["*"], maxAge: 60 }],
      }),
    );
    expect(rulesOf(cors)).toEqual([
      { allowed_methods: ["GET"], allowed_origins: ["*"] },
      { allowed_methods: ["GET"], allowed_origins: ["*"], max_age_seconds: 60 },
    ]);
  });

  it("drops repeated user rules and repeated values inside a rule", () => {
    const { cors } = synthCors((stack, bucket) =>
      new GroundTruthCors(stack, "cors", {
        bucket,
        jobTypes: [LabelingJobType.TEXT],
        corsRules: [
          { ...reviewToolRule, allowedOrigins: ["https://review.example.com", "https://review.example.com"] },
          reviewToolRule,
        ],
      }),
    );
    const rules = rulesOf(cors);
    expect(rules).toHaveLength(2);
    expect(rules[1].allowed_origins).toEqual(["https://review.example.com"]);
  });

  it("renders rules added with addCorsRule after construction, and ignores one that is already there", () => {
    const { cors } = synthCors((stack, bucket) => {
      const groundTruth = new GroundTruthCors(stack, "cors", { bucket, jobTypes: [LabelingJobType.IMAGE] });
      groundTruth.addCorsRule(reviewToolRule);
      groundTruth.addCorsRule({ allowedMethods: [HttpMethods.GET], allowedOrigins: ["*"] });
      groundTruth.addCorsRule({ id: "uploads", allowedMethods: [HttpMethods.DELETE], allowedOrigins: ["https://*.example.com"] });
    });
    const rules = rulesOf(cors);
    expect(rules.map((r) => r.allowed_methods)).toEqual([["GET"], ["PUT", "POST"], ["DELETE"]]);
    expect(rules[2]).toEqual({ id: "uploads", allowed_methods: ["DELETE"], allowed_origins: ["https://*.example.com"] });
  });

  it("creates the resource when the first rule arrives on a bucket that needed none", () => {
    const { cors } = synthCors((stack, bucket) => {
      const groundTruth = new GroundTruthCors(stack, "cors", { bucket, jobTypes: [LabelingJobType.IMAGE], roles: [BucketRole.OUTPUT] });
      groundTruth.addCorsRule(reviewToolRule);
    });
    expect(rulesOf(cors).map((r) => r.allowed_origins)).toEqual([["https://review.example.com"]]);
  });

  it("reports the merged rules it will render", () => {
    const { stack } = newStack();
    const bucket = new S3Bucket(stack, "data", {});
    const groundTruth = new GroundTruthCors(stack, "cors", { bucket, jobTypes: [LabelingJobType.TEXT], corsRules: [reviewToolRule] });
    expect(groundTruth.corsRules.map((r) => r.allowedOrigins)).toEqual([["*"], ["https://review.example.com"]]);
  });
});

describe("GroundTruthCors on buckets managed elsewhere", () => {
  it("takes a literal bucket name", () => {
    const { stack } = newStack();
    new GroundTruthCors(stack, "cors", { bucket: "existing-labeling-data", jobTypes: [LabelingJobType.IMAGE] });
    const [, cors] = onlyResourceOfType(synthesize(stack), CORS);
    expect(cors.bucket).toBe("existing-labeling-data");
    expect(rulesOf(cors)).toEqual([{ allowed_methods: ["GET"], allowed_origins: ["*"] }]);
  });

  it("takes a reference that is only known at apply time", () => {
    const { stack } = newStack();
    const name = new TerraformVariable(stack, "bucket_name", { type: "string" });
    new GroundTruthCors(stack, "cors", { bucket: name.stringValue, jobTypes: [LabelingJobType.POINT_CLOUD] });
    const [, cors] = onlyResourceOfType(synthesize(stack), CORS);
    expect(cors.bucket).toBe("${var.bucket_name}");
  });

  it("renders in HCL too, as cors_rule blocks", () => {
    const { stack } = newStack();
    new GroundTruthCors(stack, "cors", { bucket: "existing-labeling-data", jobTypes: [LabelingJobType.VIDEO_FRAME] });
    const hcl = Testing.synthHcl(stack, true) as string;
    expect(hcl).toMatch(/cors_rule\s*\{[^}]*allowed_methods\s*=\s*\[\s*"GET",\s*"HEAD",\s*"PUT",?\s*\]/s);
    expect(hcl).toMatch(/max_age_seconds\s*=\s*3000/);
  });
});

describe("a second CORS resource for the same bucket", () => {
  function expectSynthError(build: (stack: TerraformStack, bucket: S3Bucket) => void, message: RegExp): void {
    const { stack } = newStack();
    const bucket = new S3Bucket(stack, "data", { bucket: "labeling-data" });
    build(stack, bucket);
    expect(() => synthesize(stack)).toThrow(message);
  }

  it("fails synth when a plain aws_s3_bucket_cors_configuration targets the same bucket", () => {
    expectSynthError((stack, bucket) => {
      new GroundTruthCors(stack, "groundtruth", { bucket, jobTypes: [LabelingJobType.IMAGE] });
      new S3BucketCorsConfiguration(stack, "other", {
        bucket: bucket.bucket,
        corsRule: [{ allowedMethods: ["PUT"], allowedOrigins: ["https://app.example.com"] }],
      });
    }, /\[test\/groundtruth\] bucket aws_s3_bucket\.data also gets CORS from test\/other \(aws_s3_bucket_cors_configuration\)/);
  });

  it("fails synth when the other resource names the bucket literally", () => {
    expectSynthError((stack, bucket) => {
      new GroundTruthCors(stack, "groundtruth", { bucket, jobTypes: [LabelingJobType.IMAGE] });
      new S3BucketCorsConfiguration(stack, "other", {
        bucket: "labeling-data",
        corsRule: [{ allowedMethods: ["PUT"], allowedOrigins: ["https://app.example.com"] }],
      });
    }, /bucket aws_s3_bucket\.data also gets CORS from test\/other/);
  });

  it("fails synth for two GroundTruthCors on one bucket, one given the bucket and one its name", () => {
    expectSynthError((stack, bucket) => {
      new GroundTruthCors(stack, "images", { bucket, jobTypes: [LabelingJobType.IMAGE] });
      new GroundTruthCors(stack, "frames", { bucket: "labeling-data", jobTypes: [LabelingJobType.VIDEO_FRAME] });
    }, /also gets CORS from test\/(images|frames) \(another GroundTruthCors\)/);
  });

  it("fails synth when the bucket also has the deprecated inline cors_rule", () => {
    const { stack } = newStack();
    const bucket = new S3Bucket(stack, "data", { corsRule: [{ allowedMethods: ["GET"], allowedOrigins: ["*"] }] });
    new GroundTruthCors(stack, "groundtruth", { bucket, jobTypes: [LabelingJobType.IMAGE] });
    expect(() => synthesize(stack)).toThrow(/also gets CORS from test\/data \(inline cors_rule of aws_s3_bucket\)/);
  });

  it("lets CORS resources for different buckets be", () => {
    const { stack } = newStack();
    const images = new S3Bucket(stack, "images", {});
    const frames = new S3Bucket(stack, "frames", {});
    new GroundTruthCors(stack, "images-cors", { bucket: images, jobTypes: [LabelingJobType.IMAGE] });
    new GroundTruthCors(stack, "frames-cors", { bucket: frames, jobTypes: [LabelingJobType.VIDEO_FRAME] });
    new S3BucketCorsConfiguration(stack, "other", { bucket: "somewhere-else", corsRule: [{ allowedMethods: ["GET"], allowedOrigins: ["*"] }] });
    expect(Object.keys(resourcesOfType(synthesize(stack), CORS))).toHaveLength(3);
  });
});
