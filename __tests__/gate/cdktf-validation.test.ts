/**
 * The synth-time gate: `addGroundTruthCorsValidation` evaluates the compiled policy on a stack's synthesized JSON,
 * so synth (and with it `cdktf deploy`) fails with each error finding, and a compliant stack synthesizes as before.
 */
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { BucketRole, LabelingBucket, LabelingJobType, markingTags } from "../../constructs";
import { addGroundTruthCorsValidation } from "../../gate/cdktf-validation";
import { buildExampleApp } from "../../main";

function stackWith(build: (stack: TerraformStack) => void): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "gated");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  build(stack);
  return { app, stack };
}

const markedWithoutCors = (stack: TerraformStack): void => {
  new S3Bucket(stack, "frames", { bucket: "gt-frames", tags: markingTags([LabelingJobType.VIDEO_FRAME], [BucketRole.INPUT]) });
};

describe("GroundTruthCorsValidation", () => {
  it("fails synth on a marked bucket without CORS, naming the rule, the address and the fix", () => {
    const { app, stack } = stackWith(markedWithoutCors);
    addGroundTruthCorsValidation(stack);
    expect(() => app.synth()).toThrow(
      /\[gated\] GTCORS-001 aws_s3_bucket\.frames: bucket "gt-frames" \(video-frame; input\) has no CORS configuration.*; fix: cors_rule \{ allowed_headers = \["\*"\], allowed_methods = \["GET", "HEAD", "PUT"\]/,
    );
  });

  it("passes a LabelingBucket, whose CORS the construct adds", () => {
    const { stack } = stackWith((s) => new LabelingBucket(s, "frames", { jobTypes: [LabelingJobType.VIDEO_FRAME] }));
    expect(addGroundTruthCorsValidation(stack).validate()).toEqual([]);
  });

  it("reports a CORS rule without PUT for a video-frame bucket", () => {
    const { stack } = stackWith((s) => {
      const bucket = new S3Bucket(s, "frames", { bucket: "gt-frames", tags: markingTags([LabelingJobType.VIDEO_FRAME], [BucketRole.OUTPUT]) });
      new S3BucketCorsConfiguration(s, "frames-cors", {
        bucket: bucket.id,
        corsRule: [{ allowedMethods: ["GET", "HEAD"], allowedOrigins: ["*"], allowedHeaders: ["*"], exposeHeaders: ["Access-Control-Allow-Origin"] }],
      });
    });
    const errors = addGroundTruthCorsValidation(stack).validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^GTCORS-003 aws_s3_bucket\.frames: .*\(missing: method PUT\)/);
  });

  it("turns a finding into nothing but a reported exception when the data gives a reason", () => {
    const { stack } = stackWith(markedWithoutCors);
    const validation = addGroundTruthCorsValidation(stack, {
      data: { groundtruth: { exceptions: [{ bucket: "gt-frames", rule: "GTCORS-001", reason: "CORS set by the platform team's stack" }] } },
    });
    expect(validation.validate()).toEqual([]);
  });

  it("fails on warnings (a shadowing rule) only when asked to", () => {
    const shadowed = (s: TerraformStack): void => {
      const bucket = new S3Bucket(s, "frames", { bucket: "gt-frames", tags: markingTags([LabelingJobType.VIDEO_FRAME], [BucketRole.INPUT]) });
      new S3BucketCorsConfiguration(s, "frames-cors", {
        bucket: bucket.id,
        corsRule: [
          { allowedMethods: ["GET", "HEAD", "PUT"], allowedOrigins: ["*"], allowedHeaders: ["*"], exposeHeaders: ["Access-Control-Allow-Origin"], maxAgeSeconds: 3000 },
          { id: "public-read", allowedMethods: ["GET"], allowedOrigins: ["*"] },
        ],
      });
    };
    expect(addGroundTruthCorsValidation(stackWith(shadowed).stack).validate()).toEqual([]);
    const strict = addGroundTruthCorsValidation(stackWith(shadowed).stack, { failOnWarning: true }).validate();
    expect(strict).toEqual([expect.stringMatching(/^GTCORS-005 aws_s3_bucket\.frames: .*the rule "public-read" also answers GET/)]);
  });

  it("rejects a data document with a typo instead of checking less", () => {
    const { stack } = stackWith(markedWithoutCors);
    const validation = addGroundTruthCorsValidation(stack, { data: { groundtruth: { exception: [] } } });
    expect(() => validation.validate()).toThrow("$.groundtruth.exception: unknown key");
  });

  it("lets the example app (main.ts attaches it) synthesize", () => {
    expect(() => buildExampleApp({ outdir: Testing.app().outdir }).synth()).not.toThrow();
  });
});
