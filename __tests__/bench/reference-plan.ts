/**
 * Test support: takes a local S3 endpoint and produces a real plan (`terraform show -json`, AWS provider 5.100.0)
 * of the shape bench/lib/gate-plan.ts generates at scale: buckets that already exist (applied first, one with its
 * CORS changed behind Terraform's back so the plan carries drift), buckets created in a `for_each` module whose
 * CORS configuration is `count`ed (every third instance has none), and buckets created in the root.
 */
import { promises as fs } from "fs";
import * as path from "path";
import { PutBucketCorsCommand } from "@aws-sdk/client-s3";
import { LocalS3, localS3Client } from "../../local-s3";
import { runTerraform } from "../../scripts/terraform-cli";
import { TerraformEnvironment } from "../../scripts/terraform-env";
import { providerFile } from "../gate/fixture-plans";
import { PlanSizes } from "../../bench/lib/gate-plan";

/** The reference root's sizes: small, but every kind of bucket at least twice. */
export const REFERENCE_SIZES: PlanSizes = { existing: 2, drifted: 1, module: 3, root: 2, uncoveredEvery: 3 };

const EXISTING = `
resource "aws_s3_bucket" "existing" {
  for_each = toset([for i in range(${REFERENCE_SIZES.existing}) : tostring(i)])
  bucket   = "gt-existing-\${each.key}"
  tags = {
    "groundtruth:job-types"   = "image"
    "groundtruth:bucket-role" = "input"
  }
}

resource "aws_s3_bucket_cors_configuration" "existing" {
  for_each = aws_s3_bucket.existing
  bucket   = each.value.id
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}
`;

const ADDED = `
module "team" {
  source   = "./modules/team"
  for_each = toset([for i in range(${REFERENCE_SIZES.module}) : tostring(i)])
  name     = each.key
  cors     = tonumber(each.key) % ${REFERENCE_SIZES.uncoveredEvery} != ${REFERENCE_SIZES.uncoveredEvery - 1}
}

resource "aws_s3_bucket" "root" {
  for_each      = toset([for i in range(${REFERENCE_SIZES.root}) : tostring(i)])
  bucket_prefix = "gt-root-\${each.key}-"
  tags = {
    "groundtruth:job-types"   = "video-frame"
    "groundtruth:bucket-role" = "input,output"
  }
}

resource "aws_s3_bucket_cors_configuration" "root" {
  for_each = aws_s3_bucket.root
  bucket   = each.value.id
  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["GET", "HEAD", "PUT"]
    allowed_origins = ["*"]
    expose_headers  = ["Access-Control-Allow-Origin"]
    max_age_seconds = 3000
  }
}
`;

const TEAM_MODULE = `
variable "name" {
  type = string
}

variable "cors" {
  type    = bool
  default = true
}

resource "aws_s3_bucket" "images" {
  bucket_prefix = "gt-team-\${var.name}-"
  tags = {
    "groundtruth:job-types" = "image"
  }
}

resource "aws_s3_bucket_cors_configuration" "images" {
  count  = var.cors ? 1 : 0
  bucket = aws_s3_bucket.images.id
  cors_rule {
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = ["*"]
  }
}
`;

/** Applies the existing buckets, drifts one bucket's CORS, adds the rest; returns the plan JSON's path. */
export async function referencePlan(terraform: TerraformEnvironment, s3: LocalS3, dir: string): Promise<string> {
  await fs.mkdir(path.join(dir, "modules", "team"), { recursive: true });
  await fs.writeFile(path.join(dir, "provider.tf"), providerFile(s3.endpoint));
  await fs.writeFile(path.join(dir, "modules", "team", "main.tf"), TEAM_MODULE);
  await fs.writeFile(path.join(dir, "main.tf"), EXISTING);
  await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  await runTerraform(terraform, dir, ["apply", "-input=false", "-no-color", "-auto-approve", "-lock=false"]);
  const client = localS3Client(s3);
  for (let i = 0; i < REFERENCE_SIZES.drifted; i++) {
    await client.send(
      new PutBucketCorsCommand({
        Bucket: `gt-existing-${i}`,
        CORSConfiguration: { CORSRules: [{ AllowedMethods: ["GET", "PUT"], AllowedOrigins: ["https://example.com"] }] },
      }),
    );
  }
  client.destroy();
  await fs.writeFile(path.join(dir, "main.tf"), EXISTING + ADDED);
  await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  await runTerraform(terraform, dir, ["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.tfplan"]);
  const shown = await runTerraform(terraform, dir, ["show", "-json", "plan.tfplan"]);
  const file = path.join(dir, "plan.json");
  await fs.writeFile(file, shown.stdout);
  return file;
}
