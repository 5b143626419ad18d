/**
 * The gate in front of real deploys to the local S3 endpoint: `cdktf deploy` of a non-compliant stack stops at
 * synth with the finding and creates nothing, the compliant stack deploys with its CORS; and the plan-time flow
 * (`npm run deploy`'s plan → gt-cors check → apply) applies nothing until the plan passes.
 */
import { GetBucketCorsCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { existsSync, promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { LocalS3, localS3Client, startLocalS3 } from "../../local-s3";
import { CdktfError, runCdktfOnStack } from "../../scripts/cdktf-cli";
import { planGateApply } from "../../scripts/deploy-plan";
import { runTerraform } from "../../scripts/terraform-cli";
import { PROJECT_ROOT, TerraformEnvironment, terraformEnvironment } from "../../scripts/terraform-env";
import { FIXTURES } from "./fixture-plans";

jest.setTimeout(300_000);

let terraform: TerraformEnvironment;
let s3: LocalS3;
let client: S3Client;
let work: string;

beforeAll(async () => {
  terraform = terraformEnvironment();
  s3 = await startLocalS3();
  client = localS3Client(s3);
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-deploy-"));
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

async function bucketNames(): Promise<string[]> {
  return ((await client.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? "").sort();
}

describe("cdktf deploy through the synth-time gate", () => {
  let project: string;
  let outdir: string;

  beforeAll(async () => {
    project = path.join(work, "cdktf-app");
    outdir = path.join(project, "cdktf.out");
    await fs.mkdir(project);
    const tsx = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
    const app = path.join(FIXTURES, "cdktf-app", "app.ts");
    await fs.writeFile(
      path.join(project, "cdktf.json"),
      JSON.stringify({ language: "typescript", app: `${tsx} ${app}`, projectId: "gate-deploy-fixture", sendCrashReports: "false", terraformProviders: [], terraformModules: [], context: {} }),
    );
  });

  const deploy = (stack: "noncompliant" | "compliant", command: "deploy" | "destroy" = "deploy") =>
    runCdktfOnStack(command, `gate-${stack}`, outdir, {
      env: { ...terraform.env, GROUNDTRUTH_S3_ENDPOINT: s3.endpoint, GATE_FIXTURE_STACK: stack },
      cwd: project,
    });

  it("stops a stack with a marked bucket without CORS before Terraform runs, with the finding, and creates no bucket", async () => {
    const error = await deploy("noncompliant").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CdktfError);
    const output = (error as CdktfError).output;
    expect(output).toContain("Validation failed");
    expect(output).toMatch(/GTCORS-001 aws_s3_bucket\.unprotected: bucket "gt-deploy-unprotected" \(image; input\) has no CORS configuration/);
    expect(existsSync(path.join(outdir, "stacks", "gate-noncompliant", "terraform.tfstate"))).toBe(false);
    expect(await bucketNames()).toEqual([]);
  });

  it("deploys the compliant stack, whose bucket then has the video-frame CORS", async () => {
    await deploy("compliant");
    expect(await bucketNames()).toEqual(["gt-deploy-frames"]);
    const cors = await client.send(new GetBucketCorsCommand({ Bucket: "gt-deploy-frames" }));
    expect(cors.CORSRules).toEqual([
      {
        AllowedHeaders: ["*"],
        AllowedMethods: ["GET", "HEAD", "PUT"],
        AllowedOrigins: ["*"],
        ExposeHeaders: ["Access-Control-Allow-Origin"],
        MaxAgeSeconds: 3000,
      },
    ]);
    await deploy("compliant", "destroy");
    expect(await bucketNames()).toEqual([]);
  });
});

describe("plan → gt-cors check → apply", () => {
  let dir: string;

  beforeAll(async () => {
    dir = path.join(work, "gated-apply");
    await fs.cp(path.join(FIXTURES, "gated-apply"), dir, { recursive: true });
    await fs.writeFile(
      path.join(dir, "provider.tf"),
      `provider "aws" {
  region                      = "us-east-1"
  access_key                  = "S3RVER"
  secret_key                  = "S3RVER"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    s3 = ${JSON.stringify(s3.endpoint)}
  }
}
`,
    );
    await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  });

  it("applies nothing when the plan has a finding", async () => {
    const gated = await planGateApply(terraform, dir);
    expect({ exit: gated.gateExitCode, applied: gated.applied }).toEqual({ exit: 1, applied: false });
    expect(gated.report).toMatch(/aws_s3_bucket\.images GTCORS-001: bucket "gt-gated-images"/);
    expect(await bucketNames()).toEqual([]);
  });

  it("applies the checked plan once the CORS configuration is added", async () => {
    await fs.writeFile(path.join(dir, "terraform.tfvars"), "with_cors = true\n");
    const gated = await planGateApply(terraform, dir);
    expect({ exit: gated.gateExitCode, applied: gated.applied, report: gated.report }).toEqual({
      exit: 0,
      applied: true,
      report: "1 input, 1 Ground Truth bucket: 0 errors, 0 warnings, 0 exceptions\n",
    });
    expect(await bucketNames()).toEqual(["gt-gated-images"]);
  });
});
