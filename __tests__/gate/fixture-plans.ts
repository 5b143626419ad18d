/**
 * Test support: takes the HCL fixture roots in ./fixtures and a CDKTF stack, and produces real plan JSON for each
 * (`terraform init`, `plan`, `show -json` with the real binary and AWS provider 5.100.0). One Terraform environment
 * and one generated provider file serve every root; the lifecycle root is applied to the local S3 endpoint first,
 * so its second plan holds deletes, replacements, in-place updates and no-ops, plus a destroy-only plan.
 */
import { promises as fs } from "fs";
import * as path from "path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { BucketRole, LabelingBucket, LabelingJobType, markingTags } from "../../constructs";
import { localS3ProviderConfig } from "../../local-s3";
import { runTerraform } from "../../scripts/terraform-cli";
import { TerraformEnvironment } from "../../scripts/terraform-env";

export const FIXTURES = path.join(__dirname, "fixtures");

export const CDKTF_FIXTURE_STACK = "gate-fixture";

/** Where each plan (and the CDKTF stack's cdk.tf.json) was written. */
export interface FixturePlans {
  readonly platform: string;
  readonly legacy: string;
  readonly restricted: string;
  readonly lifecycle: string;
  readonly lifecycleDestroy: string;
  readonly cdktfPlan: string;
  readonly cdktfConfig: string;
}

/** The provider block every root shares, pointing at an S3 endpoint (planning creates never calls it). */
export function providerFile(endpoint: string): string {
  return `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "S3RVER"
  secret_key                  = "S3RVER"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    s3 = ${JSON.stringify(endpoint)}
  }
}
`;
}

export async function copyRoot(from: string, to: string, endpoint: string): Promise<void> {
  await fs.cp(from, to, { recursive: true, filter: (src) => !src.endsWith(".json") });
  await fs.writeFile(path.join(to, "provider.tf"), providerFile(endpoint));
}

/** `terraform plan` then `show -json`; returns the plan JSON file's path. */
export async function plan(terraform: TerraformEnvironment, dir: string, name: string, extra: string[] = []): Promise<string> {
  await runTerraform(terraform, dir, ["plan", "-input=false", "-no-color", "-lock=false", `-out=${name}.tfplan`, ...extra]);
  const shown = await runTerraform(terraform, dir, ["show", "-json", `${name}.tfplan`]);
  const file = path.join(dir, `${name}.json`);
  await fs.writeFile(file, shown.stdout);
  return file;
}

async function planRoot(terraform: TerraformEnvironment, work: string, root: string, endpoint: string): Promise<string> {
  const dir = path.join(work, root);
  await copyRoot(path.join(FIXTURES, root), dir, endpoint);
  await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  return plan(terraform, dir, "plan");
}

/** v1 applied, then a destroy-only plan of it, then v2 planned against the same state. */
async function planLifecycle(terraform: TerraformEnvironment, work: string, endpoint: string): Promise<{ v2: string; destroy: string }> {
  const dir = path.join(work, "lifecycle");
  await copyRoot(path.join(FIXTURES, "lifecycle", "v1"), dir, endpoint);
  await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  await runTerraform(terraform, dir, ["apply", "-input=false", "-no-color", "-auto-approve", "-lock=false"]);
  const destroy = await plan(terraform, dir, "destroy", ["-destroy"]);
  await fs.copyFile(path.join(FIXTURES, "lifecycle", "v2", "main.tf"), path.join(dir, "main.tf"));
  const v2 = await plan(terraform, dir, "plan");
  return { v2, destroy };
}

/** A CDKTF stack with one compliant LabelingBucket and one marked S3Bucket that nothing gives CORS. */
export function buildGateFixtureApp(outdir: string, endpoint: string): App {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, CDKTF_FIXTURE_STACK);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new AwsProvider(stack, "aws", localS3ProviderConfig(endpoint));
  new LabelingBucket(stack, "frames", {
    jobTypes: [LabelingJobType.VIDEO_FRAME],
    roles: [BucketRole.INPUT, BucketRole.OUTPUT],
    bucketPrefix: "gt-cdktf-frames-",
  });
  new S3Bucket(stack, "unprotected", {
    bucketPrefix: "gt-cdktf-unprotected-",
    tags: markingTags([LabelingJobType.IMAGE], [BucketRole.INPUT]),
  });
  return app;
}

async function planCdktf(terraform: TerraformEnvironment, work: string, endpoint: string): Promise<{ plan: string; config: string }> {
  const outdir = path.join(work, "cdktf.out");
  buildGateFixtureApp(outdir, endpoint).synth();
  const dir = path.join(outdir, "stacks", CDKTF_FIXTURE_STACK);
  await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  return { plan: await plan(terraform, dir, "plan"), config: path.join(dir, "cdk.tf.json") };
}

/**
 * Plans every fixture into `work`, in two lanes (Terraform with the AWS provider keeps a core busy):
 * the lifecycle root, applied to the running local S3 endpoint `liveEndpoint`, and the roots that only create,
 * which the provider plans without calling S3.
 */
export async function planFixtures(terraform: TerraformEnvironment, work: string, liveEndpoint: string): Promise<FixturePlans> {
  const unused = "http://127.0.0.1:9";
  const [lifecycle, rest] = await Promise.all([
    planLifecycle(terraform, work, liveEndpoint),
    (async () => ({
      platform: await planRoot(terraform, work, "labeling-platform", unused),
      legacy: await planRoot(terraform, work, "legacy-inline", unused),
      restricted: await planRoot(terraform, work, "restricted-origins", unused),
      cdktf: await planCdktf(terraform, work, unused),
    }))(),
  ]);
  return {
    platform: rest.platform,
    legacy: rest.legacy,
    restricted: rest.restricted,
    lifecycle: lifecycle.v2,
    lifecycleDestroy: lifecycle.destroy,
    cdktfPlan: rest.cdktf.plan,
    cdktfConfig: rest.cdktf.config,
  };
}
