/**
 * The synthesized stacks through the real Terraform binary and AWS provider 5.100.0 from the machine's mirror:
 * init offline, validate, plan, and the plan JSON showing each CORS configuration linked to its bucket through
 * configuration expressions (the bucket id itself is unknown until apply).
 */
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { BucketEncryption, GroundTruthCors, LabelingBucket, LabelingJobType } from "../../constructs";
import { localS3ProviderConfig } from "../../local-s3";
import { EXAMPLE_STACK_NAME, buildExampleApp } from "../../main";
import { runTerraform } from "../../scripts/terraform-cli";
import { TerraformEnvironment, terraformEnvironment } from "../../scripts/terraform-env";
import { PlanJson, changeOf, comparableRule, configuredOfType, plannedOfType } from "./plan-json";

jest.setTimeout(240_000);

// Nothing listens here: planning new resources must not call S3 at all.
const UNUSED_ENDPOINT = "http://127.0.0.1:9";
const FIXTURES_STACK = "groundtruth-fixtures";

const BASIC = comparableRule({ allowed_methods: ["GET"], allowed_origins: ["*"] });
const FRAMES = comparableRule({
  allowed_headers: ["*"],
  allowed_methods: ["GET", "HEAD", "PUT"],
  allowed_origins: ["*"],
  expose_headers: ["Access-Control-Allow-Origin"],
  max_age_seconds: 3000,
});
const REVIEW_TOOL = comparableRule({
  allowed_headers: ["Content-Type", "x-amz-*"],
  allowed_methods: ["PUT", "POST"],
  allowed_origins: ["https://review.example.com"],
  expose_headers: ["ETag"],
  max_age_seconds: 600,
});

let terraform: TerraformEnvironment;
let work: string;
const plans: Record<string, PlanJson> = {};
const validations: Record<string, { valid: boolean; error_count: number; warning_count: number }> = {};

function buildFixturesApp(outdir: string): App {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, FIXTURES_STACK);
  new LocalBackend(stack, { path: path.join(outdir, "terraform.tfstate") });
  new AwsProvider(stack, "aws", localS3ProviderConfig(UNUSED_ENDPOINT));
  new GroundTruthCors(stack, "existing-images", { bucket: "existing-labeling-data", jobTypes: [LabelingJobType.IMAGE] });
  new LabelingBucket(stack, "scans", {
    jobTypes: [LabelingJobType.POINT_CLOUD],
    bucketName: "labeling-scans",
    encryption: BucketEncryption.KMS_MANAGED,
    blockPublicAccess: false,
  });
  return app;
}

async function planStack(outdir: string, stack: string): Promise<void> {
  const dir = path.join(outdir, "stacks", stack);
  await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  validations[stack] = JSON.parse((await runTerraform(terraform, dir, ["validate", "-json", "-no-color"])).stdout);
  await runTerraform(terraform, dir, ["plan", "-input=false", "-no-color", "-out=plan.tfplan"]);
  plans[stack] = JSON.parse((await runTerraform(terraform, dir, ["show", "-json", "plan.tfplan"])).stdout) as PlanJson;
}

beforeAll(async () => {
  terraform = terraformEnvironment();
  work = await fs.mkdtemp(path.join(os.tmpdir(), "groundtruth-plan-"));
  const exampleOut = path.join(work, "example");
  const fixturesOut = path.join(work, "fixtures");
  buildExampleApp({ s3Endpoint: UNUSED_ENDPOINT, outdir: exampleOut }).synth();
  buildFixturesApp(fixturesOut).synth();
  await planStack(exampleOut, EXAMPLE_STACK_NAME);
  await planStack(fixturesOut, FIXTURES_STACK);
});

afterAll(async () => {
  if (work) {
    await fs.rm(work, { recursive: true, force: true });
  }
});

describe("terraform validate and plan on the synthesized stacks", () => {
  it.each([EXAMPLE_STACK_NAME, FIXTURES_STACK])("%s is valid Terraform for AWS provider 5.100.0", (stack) => {
    expect(validations[stack]).toMatchObject({ valid: true, error_count: 0 });
  });

  it("plans to create the example app's 4 buckets with 4 CORS configurations and nothing else but their settings", () => {
    const plan = plans[EXAMPLE_STACK_NAME];
    const counts: Record<string, number> = {};
    for (const change of plan.resource_changes ?? []) {
      expect(change.change.actions).toEqual(["create"]);
      counts[change.type] = (counts[change.type] ?? 0) + 1;
    }
    expect(counts).toEqual({
      aws_s3_bucket: 4,
      aws_s3_bucket_cors_configuration: 4,
      aws_s3_bucket_public_access_block: 3,
      aws_s3_bucket_server_side_encryption_configuration: 3,
    });
  });

  it("links every CORS configuration to exactly one bucket through configuration expressions, one per bucket", () => {
    const plan = plans[EXAMPLE_STACK_NAME];
    const buckets = plannedOfType(plan, "aws_s3_bucket").map((b) => b.address);
    const linked = configuredOfType(plan, "aws_s3_bucket_cors_configuration").map((cors) => {
      // The bucket id is unknown until apply, so the planned value cannot link them.
      expect(changeOf(plan, cors.address).change.after_unknown?.bucket).toBe(true);
      const references = cors.expressions.bucket.references ?? [];
      const target = buckets.filter((address) => references.includes(address));
      expect(target).toHaveLength(1);
      expect(references).toContain(`${target[0]}.id`);
      return target[0];
    });
    expect([...linked].sort()).toEqual([...buckets].sort());
  });

  it("plans the documented rules on each example bucket, found through that link", () => {
    const plan = plans[EXAMPLE_STACK_NAME];
    const rulesByPrefix: Record<string, Record<string, unknown>[]> = {};
    for (const cors of configuredOfType(plan, "aws_s3_bucket_cors_configuration")) {
      const bucketAddress = (cors.expressions.bucket.references ?? []).find((r) => !r.endsWith(".id"));
      const bucket = plannedOfType(plan, "aws_s3_bucket").find((b) => b.address === bucketAddress);
      const planned = plannedOfType(plan, "aws_s3_bucket_cors_configuration").find((p) => p.address === cors.address);
      rulesByPrefix[String(bucket?.values.bucket_prefix)] = (planned?.values.cors_rule as Record<string, unknown>[]).map(comparableRule);
    }
    const sortRules = (rules: Record<string, unknown>[]) => [...rules].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(rulesByPrefix["gt-example-image-input-"]).toEqual([BASIC]);
    expect(rulesByPrefix["gt-example-video-frames-"]).toEqual([FRAMES]);
    expect(sortRules(rulesByPrefix["gt-example-reviewed-images-"])).toEqual(sortRules([BASIC, REVIEW_TOOL]));
    expect(rulesByPrefix["gt-example-legacy-point-cloud-"]).toEqual([FRAMES]);
  });

  it("plans the marking tags the policy gate reads on every example bucket", () => {
    const tags = plannedOfType(plans[EXAMPLE_STACK_NAME], "aws_s3_bucket").map((b) => [b.values.bucket_prefix, b.values.tags]);
    expect(Object.fromEntries(tags)).toEqual({
      "gt-example-image-input-": { "groundtruth:job-types": "image", "groundtruth:bucket-role": "input" },
      "gt-example-video-frames-": { "groundtruth:job-types": "video-frame", "groundtruth:bucket-role": "input,output" },
      "gt-example-reviewed-images-": { "groundtruth:job-types": "image,text", "groundtruth:bucket-role": "input" },
      "gt-example-legacy-point-cloud-": { "groundtruth:job-types": "point-cloud", "groundtruth:bucket-role": "input,output" },
    });
  });

  it("links a bucket managed elsewhere by its name, as a constant", () => {
    const plan = plans[FIXTURES_STACK];
    const corsConfigs = configuredOfType(plan, "aws_s3_bucket_cors_configuration");
    const byName = corsConfigs.find((c) => c.expressions.bucket.constant_value !== undefined);
    expect(byName?.expressions.bucket.constant_value).toBe("existing-labeling-data");
    const planned = plannedOfType(plan, "aws_s3_bucket_cors_configuration").find((p) => p.address === byName?.address);
    expect(planned?.values.bucket).toBe("existing-labeling-data");
    expect((planned?.values.cors_rule as Record<string, unknown>[]).map(comparableRule)).toEqual([BASIC]);
  });

  it("plans SSE-KMS with a bucket key and no public access block when asked", () => {
    const plan = plans[FIXTURES_STACK];
    expect(plannedOfType(plan, "aws_s3_bucket_public_access_block")).toEqual([]);
    const [encryption] = plannedOfType(plan, "aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.values.rule).toEqual([
      {
        apply_server_side_encryption_by_default: [{ kms_master_key_id: "", sse_algorithm: "aws:kms" }],
        bucket_key_enabled: true,
      },
    ]);
  });
});
