/**
 * One bucket's CORS configured in two stacks of a CDKTF app, through a cross-stack reference and by name: the
 * synthesized cdktf.out gated, then both stacks applied for real (terraform + AWS provider 5.100.0 from the offline
 * mirror) to the local S3 endpoint, labeling first (the platform stack reads its state) and labeling again, as its
 * next apply puts back the configuration it keeps; each bucket's CORS read back with GetBucketCors after each.
 */
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { check } from "../../gate/cli";
import { GateResult } from "../../gate/report";
import { LocalS3, localS3Client, localS3ProviderConfig, startLocalS3 } from "../../local-s3";
import { runTerraform } from "../../scripts/terraform-cli";
import { terraformEnvironment, TerraformEnvironment } from "../../scripts/terraform-env";
import { findings } from "./gate-results";
import { methodsFromAnyOrigin } from "./s3-cors-state";

// Under a loaded machine each terraform run takes far longer than its usual few seconds.
jest.setTimeout(900_000);

const BUCKETS = ["gt-cx-same", "gt-cx-head"];

let work: string;
let s3: LocalS3;
let result: GateResult;
/** Bucket → the methods its CORS allows from any origin, after each apply. */
const endStates: Array<Record<string, string[] | null>> = [];

/** Stack "labeling": two image buckets with GET from any origin; stack "platform": the same buckets again. */
function synth(outdir: string, endpoint: string): void {
  const app = new App({ outdir });
  const labeling = new TerraformStack(app, "labeling");
  new AwsProvider(labeling, "aws", localS3ProviderConfig(endpoint));
  const GET = [{ allowedMethods: ["GET"], allowedOrigins: ["*"] }];
  const buckets = Object.fromEntries(
    BUCKETS.map((name) => {
      const b = new S3Bucket(labeling, name, { bucket: name, tags: { "groundtruth:job-types": "image" } });
      new S3BucketCorsConfiguration(labeling, `${name}-cors`, { bucket: b.id, corsRule: GET });
      return [name, b];
    }),
  );
  const platform = new TerraformStack(app, "platform");
  new AwsProvider(platform, "aws", localS3ProviderConfig(endpoint));
  // The same rule through a cross-stack reference; HEAD only by name.
  new S3BucketCorsConfiguration(platform, "same", { bucket: buckets["gt-cx-same"].id, corsRule: GET });
  new S3BucketCorsConfiguration(platform, "head", { bucket: "gt-cx-head", corsRule: [{ allowedMethods: ["HEAD"], allowedOrigins: ["*"] }] });
  app.synth();
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-cross-stack-apply-"));
  s3 = await startLocalS3();
  const outdir = path.join(work, "cdktf.out");
  synth(outdir, s3.endpoint);
  result = check([outdir], { cwd: work });
  const terraform: TerraformEnvironment = terraformEnvironment();
  const client = localS3Client(s3);
  const apply = async (stack: string) => {
    const dir = path.join(outdir, "stacks", stack);
    await runTerraform(terraform, dir, ["apply", "-input=false", "-no-color", "-auto-approve", "-lock=false"]);
    endStates.push(await methodsFromAnyOrigin(client, BUCKETS));
  };
  for (const stack of ["labeling", "platform"]) await runTerraform(terraform, path.join(outdir, "stacks", stack), ["init", "-input=false", "-no-color"]);
  await apply("labeling");
  await apply("platform");
  // The labeling stack's next apply finds its configurations changed outside it and puts them back.
  await apply("labeling");
});

afterAll(async () => {
  await s3?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe("one bucket's CORS in two stacks of a CDKTF app, applied", () => {
  it("ends with the configuration of the stack applied last", () => {
    expect(endStates).toEqual([
      { "gt-cx-same": ["GET"], "gt-cx-head": ["GET"] },
      { "gt-cx-same": ["GET"], "gt-cx-head": ["HEAD"] },
      { "gt-cx-same": ["GET"], "gt-cx-head": ["GET"] },
    ]);
  });

  it("fails the bucket one of whose end states lacks GET, and warns for the one both stacks serve", () => {
    expect(findings(result)).toEqual(["GTCORS-002 aws_s3_bucket_cors_configuration.head", "GTCORS-004 aws_s3_bucket.gt-cx-head", "GTCORS-014 aws_s3_bucket.gt-cx-same"]);
    const failing = new Set(result.findings.filter((f) => f.severity === "error").map((f) => f.bucket));
    const everEndsWithout = new Set(BUCKETS.filter((b) => endStates.some((s) => !(s[b] ?? []).includes("GET"))));
    expect(failing).toEqual(everEndsWithout);
  });
});
