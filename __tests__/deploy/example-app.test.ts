/**
 * `cdktf deploy` of the example app (main.ts, through cdktf.json's app command) against the local S3 endpoint on
 * loopback: the buckets exist with their tags and settings, GetBucketCors returns exactly the expected rules, a
 * second plan has nothing to do, and `cdktf destroy` removes the buckets.
 */
import {
  CORSRule,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { LocalS3, localS3Client, startLocalS3 } from "../../local-s3";
import { EXAMPLE_BUCKET_OUTPUTS, EXAMPLE_STACK_NAME } from "../../main";
import { readStackOutputs } from "../../scripts/deploy-example";
import { runCdktfOnStack } from "../../scripts/cdktf-cli";
import { runTerraform } from "../../scripts/terraform-cli";
import { TerraformEnvironment, terraformEnvironment } from "../../scripts/terraform-env";

jest.setTimeout(300_000);

// AWS provider 5.100.0 sends MaxAgeSeconds 0 for a rule without max_age_seconds, so that is what S3 stores.
const BASIC: CORSRule = { AllowedMethods: ["GET"], AllowedOrigins: ["*"], MaxAgeSeconds: 0 };
const FRAMES: CORSRule = {
  AllowedHeaders: ["*"],
  AllowedMethods: ["GET", "HEAD", "PUT"],
  AllowedOrigins: ["*"],
  ExposeHeaders: ["Access-Control-Allow-Origin"],
  MaxAgeSeconds: 3000,
};
const REVIEW_TOOL: CORSRule = {
  AllowedHeaders: ["Content-Type", "x-amz-*"],
  AllowedMethods: ["PUT", "POST"],
  AllowedOrigins: ["https://review.example.com"],
  ExposeHeaders: ["ETag"],
  MaxAgeSeconds: 600,
};

const EXPECTED_CORS: Record<string, CORSRule[]> = {
  [EXAMPLE_BUCKET_OUTPUTS.imageInput]: [BASIC],
  [EXAMPLE_BUCKET_OUTPUTS.videoFrames]: [FRAMES],
  [EXAMPLE_BUCKET_OUTPUTS.reviewedImages]: [BASIC, REVIEW_TOOL],
  [EXAMPLE_BUCKET_OUTPUTS.legacyPointCloud]: [FRAMES],
};

/** S3 keeps CORS rules as a set through the provider, so order is not part of "exactly". */
function canonical(rules: CORSRule[] | undefined): string[] {
  return (rules ?? [])
    .map((rule) =>
      JSON.stringify({
        AllowedHeaders: [...(rule.AllowedHeaders ?? [])].sort(),
        AllowedMethods: [...(rule.AllowedMethods ?? [])].sort(),
        AllowedOrigins: [...(rule.AllowedOrigins ?? [])].sort(),
        ExposeHeaders: [...(rule.ExposeHeaders ?? [])].sort(),
        MaxAgeSeconds: rule.MaxAgeSeconds ?? null,
        ID: rule.ID ?? null,
      }),
    )
    .sort();
}

let terraform: TerraformEnvironment;
let s3: LocalS3;
let client: S3Client;
let work: string;
let outdir: string;
let outputs: Record<string, string>;

function cdktf(command: "deploy" | "destroy", extraArgs: string[] = []) {
  return runCdktfOnStack(command, EXAMPLE_STACK_NAME, outdir, {
    env: { ...terraform.env, GROUNDTRUTH_S3_ENDPOINT: s3.endpoint },
    extraArgs,
  });
}

async function bucketNames(): Promise<string[]> {
  return ((await client.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? "").sort();
}

beforeAll(async () => {
  terraform = terraformEnvironment();
  s3 = await startLocalS3();
  client = localS3Client(s3);
  work = await fs.mkdtemp(path.join(os.tmpdir(), "groundtruth-deploy-"));
  outdir = path.join(work, "cdktf.out");
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  if (work) {
    await fs.rm(work, { recursive: true, force: true });
  }
});

describe("cdktf deploy of the example app to the local S3 endpoint", () => {
  it("creates the four example buckets, named by the stack outputs", async () => {
    const outputsFile = path.join(work, "outputs.json");
    await cdktf("deploy", ["--outputs-file", outputsFile]);
    outputs = await readStackOutputs(outputsFile);
    expect(Object.keys(outputs).sort()).toEqual(Object.values(EXAMPLE_BUCKET_OUTPUTS).sort());
    expect(await bucketNames()).toEqual(Object.values(outputs).sort());
  });

  it("returns exactly the expected CORS rules from GetBucketCors on each bucket", async () => {
    for (const [output, expected] of Object.entries(EXPECTED_CORS)) {
      const { CORSRules } = await client.send(new GetBucketCorsCommand({ Bucket: outputs[output] }));
      expect({ output, rules: canonical(CORSRules) }).toEqual({ output, rules: canonical(expected) });
    }
  });

  it("tags every bucket for the policy gate, and blocks public access and encrypts the LabelingBuckets", async () => {
    const tagsOf = async (output: string) =>
      Object.fromEntries(
        ((await client.send(new GetBucketTaggingCommand({ Bucket: outputs[output] }))).TagSet ?? []).map((t) => [t.Key, t.Value]),
      );
    expect(await tagsOf(EXAMPLE_BUCKET_OUTPUTS.videoFrames)).toEqual({
      "groundtruth:job-types": "video-frame",
      "groundtruth:bucket-role": "input,output",
    });
    expect(await tagsOf(EXAMPLE_BUCKET_OUTPUTS.legacyPointCloud)).toEqual({
      "groundtruth:job-types": "point-cloud",
      "groundtruth:bucket-role": "input,output",
    });
    const Bucket = outputs[EXAMPLE_BUCKET_OUTPUTS.imageInput];
    const block = await client.send(new GetPublicAccessBlockCommand({ Bucket }));
    expect(block.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const encryption = await client.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe("AES256");
  });

  it("has nothing left to do on a second plan", async () => {
    const stackDir = path.join(outdir, "stacks", EXAMPLE_STACK_NAME);
    const plan = await runTerraform(terraform, stackDir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], [0, 2]);
    expect({ exitCode: plan.code, output: plan.code === 0 ? "" : plan.stdout }).toEqual({ exitCode: 0, output: "" });
    expect(plan.stdout).toContain("No changes.");
  });

  it("removes the buckets on cdktf destroy", async () => {
    await cdktf("destroy");
    expect(await bucketNames()).toEqual([]);
    for (const Bucket of Object.values(outputs)) {
      const status = await client.send(new HeadBucketCommand({ Bucket })).then(
        () => 200,
        (err: S3ServiceException) => err.$metadata.httpStatusCode,
      );
      expect(status).toBe(404);
    }
  });
});
