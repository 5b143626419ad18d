/**
 * One definition of what S3 accepts in a CORS rule (constructs/s3-cors-limits.json) serves the constructs' synth-time
 * validation and the policy (through the generated policies/gtcors/limits.rego). Each case is put to all three
 * judges: the constructs, the gate, and the local S3 endpoint's PutBucketCors.
 */
import { promises as fs, readFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { CreateBucketCommand, PutBucketCorsCommand } from "@aws-sdk/client-s3";
import { TerraformStack, Testing } from "cdktf";
import { CorsRule, HttpMethods, MAX_CORS_RULES } from "../../constructs";
import { validateCorsRule } from "../../constructs/cors-rule";
import { check } from "../../gate/cli";
import { LocalS3, localS3Client, startLocalS3 } from "../../local-s3";
import { S3_LIMITS_MODULE, s3LimitsRego } from "../../scripts/s3-limits-rego";
import LIMITS from "../../constructs/s3-cors-limits.json";

let s3: LocalS3;
let work: string;

beforeAll(async () => {
  s3 = await startLocalS3();
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-s3-limits-"));
});

afterAll(async () => {
  await s3?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

interface Case {
  name: string;
  rule: CorsRule;
  /** Whether s3rver rejects it too; where it does not, S3 does and the local endpoint is laxer. */
  endpointRejects: boolean;
}

const CASES: Case[] = [
  { name: "patch", rule: { allowedMethods: ["PATCH" as HttpMethods], allowedOrigins: ["*"] }, endpointRejects: true },
  { name: "lower-case", rule: { allowedMethods: ["get" as HttpMethods], allowedOrigins: ["*"] }, endpointRejects: true },
  { name: "no-method", rule: { allowedMethods: [], allowedOrigins: ["*"] }, endpointRejects: true },
  { name: "no-origin", rule: { allowedMethods: [HttpMethods.GET], allowedOrigins: [] }, endpointRejects: true },
  { name: "two-wildcard-origin", rule: { allowedMethods: [HttpMethods.GET], allowedOrigins: ["https://*.*.example.com"] }, endpointRejects: true },
  { name: "two-wildcard-header", rule: { allowedMethods: [HttpMethods.GET], allowedOrigins: ["*"], allowedHeaders: ["x-*-*"] }, endpointRejects: true },
];

const VALID: CorsRule = { allowedMethods: [HttpMethods.GET], allowedOrigins: ["https://*.example.com"], allowedHeaders: ["x-amz-*"] };

function constructsReject(rule: CorsRule): boolean {
  const stack = new TerraformStack(Testing.app(), "limits");
  try {
    validateCorsRule(stack, "corsRules[0]", rule);
    return false;
  } catch {
    return true;
  }
}

async function gateRejects(name: string, rule: CorsRule): Promise<boolean> {
  const file = path.join(work, `${name}.tf.json`);
  const corsRule = [{ allowed_methods: rule.allowedMethods, allowed_origins: rule.allowedOrigins, allowed_headers: rule.allowedHeaders }];
  await fs.writeFile(
    file,
    JSON.stringify({
      resource: {
        aws_s3_bucket: { b: { bucket: `gt-lim-${name}`, tags: { "groundtruth:job-types": "image" } } },
        aws_s3_bucket_cors_configuration: { c: { bucket: "${aws_s3_bucket.b.id}", cors_rule: corsRule } },
      },
    }),
  );
  return check([file], { cwd: work }).findings.some((f) => f.rule === "GTCORS-013");
}

async function endpointRejects(name: string, rule: CorsRule): Promise<boolean> {
  const client = localS3Client(s3);
  const Bucket = `gt-lim-${name}`;
  await client.send(new CreateBucketCommand({ Bucket }));
  try {
    await client.send(
      new PutBucketCorsCommand({
        Bucket,
        CORSConfiguration: { CORSRules: [{ AllowedMethods: rule.allowedMethods, AllowedOrigins: rule.allowedOrigins, AllowedHeaders: rule.allowedHeaders }] },
      }),
    );
    return false;
  } catch (e) {
    return ["InvalidRequest", "MalformedXML"].includes((e as { name?: string }).name ?? "");
  }
}

describe("S3's CORS limits, defined once", () => {
  it("the policy's limits module is generated from the limits file the constructs read", () => {
    expect(readFileSync(S3_LIMITS_MODULE, "utf8")).toBe(s3LimitsRego());
    expect(MAX_CORS_RULES).toBe(LIMITS.max_rules);
  });

  it("constructs and gate reject each rule S3 rejects; the local endpoint agrees where it validates", async () => {
    const verdicts: Record<string, [boolean, boolean, boolean]> = {};
    for (const c of CASES) verdicts[c.name] = [constructsReject(c.rule), await gateRejects(c.name, c.rule), await endpointRejects(c.name, c.rule)];
    expect(verdicts).toEqual(Object.fromEntries(CASES.map((c) => [c.name, [true, true, c.endpointRejects]])));
  });

  it("all three accept a rule S3 accepts", async () => {
    expect([constructsReject(VALID), await gateRejects("valid", VALID), await endpointRejects("valid", VALID)]).toEqual([false, false, false]);
  });
});
