/**
 * Every invalid prop raises a ValidationError that names the construct path, the prop and the allowed values,
 * at the moment the prop is given (constructor or addCorsRule), before anything is synthesized.
 */
import { TerraformStack } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  BucketEncryption,
  BucketRole,
  CorsRule,
  GroundTruthCors,
  GroundTruthCorsProps,
  HttpMethods,
  LabelingBucket,
  LabelingBucketProps,
  LabelingJobType,
  ValidationError,
} from "../../constructs";
import { newStack } from "./synth";

function caught(action: () => unknown): ValidationError {
  try {
    action();
  } catch (err) {
    if (err instanceof ValidationError) {
      return err;
    }
    throw err;
  }
  throw new Error("expected a ValidationError, but nothing was thrown");
}

function groundTruthCors(props: Partial<GroundTruthCorsProps>): (stack: TerraformStack) => unknown {
  return (stack) =>
    new GroundTruthCors(stack, "cors", {
      bucket: new S3Bucket(stack, "data", {}),
      jobTypes: [LabelingJobType.IMAGE],
      ...props,
    });
}

function labelingBucket(props: Partial<LabelingBucketProps>): (stack: TerraformStack) => unknown {
  return (stack) => new LabelingBucket(stack, "bucket", { jobTypes: [LabelingJobType.IMAGE], ...props });
}

const rule = (overrides: Partial<Record<keyof CorsRule, unknown>>): CorsRule =>
  ({ allowedMethods: [HttpMethods.GET], allowedOrigins: ["https://tool.example.com"], ...overrides }) as CorsRule;

const manyRules = (count: number): CorsRule[] =>
  Array.from({ length: count }, (_, i) => rule({ allowedOrigins: [`https://tool-${i}.example.com`] }));

interface Case {
  readonly build: (stack: TerraformStack) => unknown;
  readonly path: string;
  readonly prop: string;
  readonly message: RegExp;
  readonly allowed: RegExp;
}

const cases: Record<string, Case> = {
  "unknown job type": {
    build: groundTruthCors({ jobTypes: ["audio" as LabelingJobType] }),
    path: "test/cors",
    prop: "jobTypes",
    message: /unknown job type "audio"/,
    allowed: /^image, text, video-frame, point-cloud$/,
  },
  "no job type": {
    build: groundTruthCors({ jobTypes: [] }),
    path: "test/cors",
    prop: "jobTypes",
    message: /at least one job type/,
    allowed: /image, text, video-frame, point-cloud/,
  },
  "unknown bucket role": {
    build: groundTruthCors({ roles: ["archive" as BucketRole] }),
    path: "test/cors",
    prop: "roles",
    message: /unknown bucket role "archive"/,
    allowed: /^input, output$/,
  },
  "no bucket role": {
    build: groundTruthCors({ roles: [] }),
    path: "test/cors",
    prop: "roles",
    message: /at least one role/,
    allowed: /input, output/,
  },
  "empty bucket name": {
    build: (stack) => new GroundTruthCors(stack, "cors", { bucket: "", jobTypes: [LabelingJobType.IMAGE] }),
    path: "test/cors",
    prop: "bucket",
    message: /bucket name is empty/,
    allowed: /S3Bucket/,
  },
  "a method S3 does not accept": {
    build: groundTruthCors({ corsRules: [rule({}), rule({ allowedMethods: ["PATCH"] })] }),
    path: "test/cors",
    prop: "corsRules[1].allowedMethods",
    message: /S3 does not accept the method "PATCH"/,
    allowed: /^GET, PUT, HEAD, POST, DELETE$/,
  },
  "a rule without methods": {
    build: groundTruthCors({ corsRules: [rule({ allowedMethods: [] })] }),
    path: "test/cors",
    prop: "corsRules[0].allowedMethods",
    message: /at least one method/,
    allowed: /GET, PUT, HEAD, POST, DELETE/,
  },
  "a rule without origins": {
    build: groundTruthCors({ corsRules: [rule({ allowedOrigins: [] })] }),
    path: "test/cors",
    prop: "corsRules[0].allowedOrigins",
    message: /at least one origin/,
    allowed: /at most one "\*"/,
  },
  "an origin with more than one *": {
    build: groundTruthCors({ corsRules: [rule({ allowedOrigins: ["https://*.*.example.com"] })] }),
    path: "test/cors",
    prop: "corsRules[0].allowedOrigins",
    message: /"https:\/\/\*\.\*\.example\.com" has more than one "\*" wildcard/,
    allowed: /each with at most one "\*"/,
  },
  "a header with more than one *": {
    build: groundTruthCors({ corsRules: [rule({ allowedHeaders: ["x-*-*"] })] }),
    path: "test/cors",
    prop: "corsRules[0].allowedHeaders",
    message: /"x-\*-\*" has more than one "\*"/,
    allowed: /each with at most one "\*"/,
  },
  "a negative max age": {
    build: groundTruthCors({ corsRules: [rule({ maxAge: -1 })] }),
    path: "test/cors",
    prop: "corsRules[0].maxAge",
    message: /-1 is not a whole number of seconds/,
    allowed: /integers >= 0/,
  },
  "a rule id over 255 characters": {
    build: groundTruthCors({ corsRules: [rule({ id: "x".repeat(256) })] }),
    path: "test/cors",
    prop: "corsRules[0].id",
    message: /256 characters is too long/,
    allowed: /at most 255 characters/,
  },
  "over 100 rules after merging with the Ground Truth rule": {
    build: groundTruthCors({ corsRules: manyRules(100) }),
    path: "test/cors",
    prop: "corsRules",
    message: /would carry 101 CORS rules/,
    allowed: /at most 100 rules per bucket/,
  },
  "the 101st rule added with addCorsRule": {
    build: (stack) => {
      const cors = new GroundTruthCors(stack, "cors", {
        bucket: "existing-bucket",
        jobTypes: [LabelingJobType.IMAGE],
        corsRules: manyRules(99),
      });
      cors.addCorsRule(rule({ allowedOrigins: ["https://one-too-many.example.com"] }));
    },
    path: "test/cors",
    prop: "addCorsRule(rule)",
    message: /would carry 101 CORS rules/,
    allowed: /at most 100/,
  },
  "an invalid rule given to addCorsRule": {
    build: (stack) => {
      const cors = new GroundTruthCors(stack, "cors", { bucket: "existing-bucket", jobTypes: [LabelingJobType.IMAGE] });
      cors.addCorsRule(rule({ allowedMethods: ["OPTIONS"] }));
    },
    path: "test/cors",
    prop: "addCorsRule(rule).allowedMethods",
    message: /S3 does not accept the method "OPTIONS"/,
    allowed: /GET, PUT, HEAD, POST, DELETE/,
  },
  "LabelingBucket: an unknown job type": {
    build: labelingBucket({ jobTypes: ["3d-mesh" as LabelingJobType] }),
    path: "test/bucket",
    prop: "jobTypes",
    message: /unknown job type "3d-mesh"/,
    allowed: /image, text, video-frame, point-cloud/,
  },
  "LabelingBucket: an unknown role": {
    build: labelingBucket({ roles: ["input,output" as BucketRole] }),
    path: "test/bucket",
    prop: "roles",
    message: /unknown bucket role "input,output"/,
    allowed: /^input, output$/,
  },
  "LabelingBucket: a marking tag given by hand": {
    build: labelingBucket({ tags: { "groundtruth:job-types": "text" } }),
    path: "test/bucket",
    prop: "tags",
    message: /"groundtruth:job-types" is set from jobTypes and roles/,
    allowed: /any tag but the two marking tags/,
  },
  "LabelingBucket: KMS without a key": {
    build: labelingBucket({ encryption: BucketEncryption.KMS }),
    path: "test/bucket",
    prop: "encryptionKeyArn",
    message: /needs a key/,
    allowed: /ARN of a KMS key/,
  },
  "LabelingBucket: a key without KMS": {
    build: labelingBucket({ encryptionKeyArn: "arn:aws:kms:us-east-1:111122223333:key/abc" }),
    path: "test/bucket",
    prop: "encryptionKeyArn",
    message: /only used with BucketEncryption.KMS, not S3_MANAGED/,
    allowed: /undefined/,
  },
  "LabelingBucket: unknown encryption": {
    build: labelingBucket({ encryption: "SSE-C" as BucketEncryption }),
    path: "test/bucket",
    prop: "encryption",
    message: /unknown encryption "SSE-C"/,
    allowed: /S3_MANAGED, KMS_MANAGED, KMS, NONE/,
  },
  "LabelingBucket: both a name and a prefix": {
    build: labelingBucket({ bucketName: "labeling-data", bucketPrefix: "labeling-" }),
    path: "test/bucket",
    prop: "bucketPrefix",
    message: /exclude each other/,
    allowed: /one of the two/,
  },
  "LabelingBucket: a prefix too long for a generated name": {
    build: labelingBucket({ bucketPrefix: "p".repeat(38) }),
    path: "test/bucket",
    prop: "bucketPrefix",
    message: /is 38 characters/,
    allowed: /at most 37 characters/,
  },
};

describe("ValidationError", () => {
  it.each(Object.entries(cases))("%s", (_, { build, path, prop, message, allowed }) => {
    const { stack } = newStack();
    const error = caught(() => build(stack));
    expect(error.constructPath).toBe(path);
    expect(error.prop).toBe(prop);
    expect(error.message).toMatch(message);
    expect(error.allowedValues).toMatch(allowed);
    expect(error.message.startsWith(`${path}: invalid ${prop}: `)).toBe(true);
    expect(error.message).toContain(`Allowed: ${error.allowedValues}`);
  });

  it("leaves the construct as it was when addCorsRule rejects a rule", () => {
    const { stack } = newStack();
    const cors = new GroundTruthCors(stack, "cors", { bucket: "existing-bucket", jobTypes: [LabelingJobType.IMAGE], corsRules: manyRules(99) });
    expect(() => cors.addCorsRule(rule({ allowedOrigins: ["https://one-too-many.example.com"] }))).toThrow(ValidationError);
    expect(cors.corsRules).toHaveLength(100);
  });

  it("accepts the limits themselves: 100 rules in all, one wildcard per origin and header, max age 0", () => {
    const { stack } = newStack();
    const cors = new GroundTruthCors(stack, "cors", {
      bucket: "existing-bucket",
      jobTypes: [LabelingJobType.IMAGE],
      corsRules: [...manyRules(98), rule({ allowedOrigins: ["https://*.example.com"], allowedHeaders: ["x-amz-*"], maxAge: 0 })],
    });
    expect(cors.corsRules).toHaveLength(100);
  });
});
