/**
 * One bucket's CORS configured in two roots of a monorepo (infra/labeling, infra/platform): real plans (terraform +
 * AWS provider 5.100.0 from the offline mirror) gated in one run, then applied to the local S3 endpoint in both
 * orders, each bucket's CORS read back with GetBucketCors. Nothing orders the applies of two roots, so the gate must
 * fail a bucket exactly when one of the orders leaves it without the rule Ground Truth needs (GET from any origin).
 */
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { check, render } from "../../gate/cli";
import { GateResult } from "../../gate/report";
import { LocalS3, localS3Client, startLocalS3 } from "../../local-s3";
import { runTerraform } from "../../scripts/terraform-cli";
import { terraformEnvironment, TerraformEnvironment } from "../../scripts/terraform-env";
import { copyRoot, FIXTURES, plan } from "./fixture-plans";
import { findings } from "./gate-results";
import { methodsFromAnyOrigin } from "./s3-cors-state";

// Under a loaded machine each terraform run takes far longer than its usual few seconds.
jest.setTimeout(900_000);

const OVERLAP = path.join(FIXTURES, "cross-input-overlap");
const BUCKETS = ["gt-xo-both", "gt-xo-mixed", "gt-xo-moving"];
const ROOTS = ["labeling", "platform"] as const;
type Root = (typeof ROOTS)[number];

/** What one monorepo copy gave: the gate's result on both plans, and each bucket's CORS after applying them. */
interface Run {
  monorepo: string;
  result: GateResult;
  /** Bucket → the methods allowed from any origin by the rules S3 holds, or null without CORS. */
  endState: Record<string, string[] | null>;
}

let work: string;
const runs = {} as Record<"labelingFirst" | "platformFirst", Run>;
const servers: LocalS3[] = [];

/**
 * A fresh endpoint and monorepo: labeling v1 applied (the buckets, and moving's CORS), then labeling v2 and the
 * platform root planned against it, gated together, and the two saved plans applied in `order`.
 */
async function applyInOrder(terraform: TerraformEnvironment, name: string, order: readonly Root[]): Promise<Run> {
  const s3 = await startLocalS3();
  servers.push(s3);
  const monorepo = path.join(work, name);
  const dir = (root: Root) => path.join(monorepo, "infra", root);
  await copyRoot(path.join(OVERLAP, "labeling", "v1"), dir("labeling"), s3.endpoint);
  await copyRoot(path.join(OVERLAP, "platform"), dir("platform"), s3.endpoint);
  for (const root of ROOTS) await runTerraform(terraform, dir(root), ["init", "-input=false", "-no-color"]);
  await runTerraform(terraform, dir("labeling"), ["apply", "-input=false", "-no-color", "-auto-approve", "-lock=false"]);
  await fs.copyFile(path.join(OVERLAP, "labeling", "v2", "main.tf"), path.join(dir("labeling"), "main.tf"));
  // The labeling state was just written by the apply; the platform root's data source still reads the endpoint.
  const plans = [await plan(terraform, dir("labeling"), "gt-plan", ["-refresh=false"]), await plan(terraform, dir("platform"), "gt-plan")];
  const result = check(plans.map((p) => path.relative(monorepo, p)), { cwd: monorepo });
  for (const root of order) await runTerraform(terraform, dir(root), ["apply", "-input=false", "-no-color", "-lock=false", "gt-plan.tfplan"]);
  return { monorepo, result, endState: await methodsFromAnyOrigin(localS3Client(s3), BUCKETS) };
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-cross-input-apply-"));
  const terraform = terraformEnvironment();
  // Two lanes, each with its own endpoint: Terraform with the AWS provider keeps a core busy.
  const [labelingFirst, platformFirst] = await Promise.all([
    applyInOrder(terraform, "labeling-first", ["labeling", "platform"]),
    applyInOrder(terraform, "platform-first", ["platform", "labeling"]),
  ]);
  Object.assign(runs, { labelingFirst, platformFirst });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** Bucket → "fail" when the gate reports an error about it, else "pass". */
function verdicts(result: GateResult): Record<string, string> {
  const failing = new Set(result.findings.filter((f) => f.severity === "error").map((f) => f.bucket));
  return Object.fromEntries(BUCKETS.map((b) => [b, failing.has(b) ? "fail" : "pass"]));
}

/** Bucket → "fail" when some order of the two applies leaves it without GET from any origin. */
function possibleEndStates(): Record<string, string> {
  const serves = (methods: string[] | null) => methods !== null && methods.includes("GET");
  return Object.fromEntries(BUCKETS.map((b) => [b, serves(runs.labelingFirst.endState[b]) && serves(runs.platformFirst.endState[b]) ? "pass" : "fail"]));
}

describe("one bucket's CORS in two roots of one run, applied in both orders", () => {
  it("ends as S3 keeps the configuration applied last (read back with GetBucketCors)", () => {
    // The table in the README and the report: bucket, order, what S3 holds.
    expect(runs.labelingFirst.endState).toEqual({ "gt-xo-both": ["GET"], "gt-xo-mixed": ["HEAD"], "gt-xo-moving": ["GET"] });
    expect(runs.platformFirst.endState).toEqual({ "gt-xo-both": ["GET"], "gt-xo-mixed": ["GET"], "gt-xo-moving": null });
  });

  it("fails exactly the buckets that one of the orders leaves without the CORS Ground Truth needs", () => {
    for (const run of Object.values(runs)) expect(verdicts(run.result)).toEqual(possibleEndStates());
    expect(possibleEndStates()).toEqual({ "gt-xo-both": "pass", "gt-xo-mixed": "fail", "gt-xo-moving": "fail" });
  });

  it("reports GTCORS-004 (one lacks the rule), GTCORS-011 (a delete in one root) and warns GTCORS-014 where both serve it", () => {
    const { result } = runs.labelingFirst;
    expect(findings(result)).toEqual([
      "GTCORS-002 aws_s3_bucket_cors_configuration.mixed",
      "GTCORS-004 aws_s3_bucket.mixed",
      "GTCORS-011 aws_s3_bucket.moving",
      "GTCORS-014 aws_s3_bucket.both",
    ]);
    // The platform root judges its own configuration with the labeling root's job types.
    expect(result.findings.find((f) => f.rule === "GTCORS-002")).toMatchObject({ bucket: "gt-xo-mixed", file: path.join("infra", "platform", "gt-plan.json") });
    // Each bucket is counted once, in the root that has it.
    expect(result.buckets.map((b) => `${b.bucket} ${b.compliant}`).sort()).toEqual(["gt-xo-both true", "gt-xo-mixed false", "gt-xo-moving false"]);
  });

  it("names both roots' resources with file and line, in every format", () => {
    const { result } = runs.labelingFirst;
    const labeling = path.join("infra", "labeling");
    const platform = path.join("infra", "platform");
    const conflict = result.findings.find((f) => f.rule === "GTCORS-004")!;
    expect(conflict).toMatchObject({ address: "aws_s3_bucket.mixed", file: path.join(labeling, "gt-plan.json"), declaration: { file: path.join(labeling, "main.tf"), line: 16 } });
    const mixedHere = `aws_s3_bucket_cors_configuration.mixed in ${path.join(labeling, "gt-plan.json")} (${path.join(labeling, "main.tf")}:21)`;
    const mixedThere = `aws_s3_bucket_cors_configuration.mixed in ${path.join(platform, "gt-plan.json")} (${path.join(platform, "main.tf")}:15)`;
    expect(conflict.message).toContain(`gets CORS from 2 inputs of this run (${mixedHere} and ${mixedThere})`);
    expect(conflict.message).toContain(`the one in ${path.join(platform, "gt-plan.json")} lacks what Ground Truth needs`);
    expect(conflict.related?.map((r) => `${r.file} ${r.address} ${r.declaration?.file}:${r.declaration?.line}`)).toEqual([
      `${path.join(labeling, "gt-plan.json")} aws_s3_bucket_cors_configuration.mixed ${path.join(labeling, "main.tf")}:21`,
      `${path.join(platform, "gt-plan.json")} aws_s3_bucket_cors_configuration.mixed ${path.join(platform, "main.tf")}:15`,
    ]);
    const moving = result.findings.find((f) => f.rule === "GTCORS-011")!;
    expect(moving.message).toContain(`aws_s3_bucket_cors_configuration.moving in ${path.join(labeling, "gt-plan.json")} deletes its CORS configuration while aws_s3_bucket_cors_configuration.moving in ${path.join(platform, "gt-plan.json")}`);
    for (const format of ["text", "json", "junit", "github"] as const) expect(render(result, format)).toContain(`${path.join(platform, "main.tf")}:15`);
    const sarif = JSON.parse(render(result, "sarif")) as { runs: Array<{ results: Array<{ ruleId: string; relatedLocations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }> }> };
    const related = sarif.runs[0].results.find((r) => r.ruleId === "GTCORS-004")!.relatedLocations!.map((l) => `${l.physicalLocation.artifactLocation.uri}:${l.physicalLocation.region?.startLine ?? "-"}`);
    expect(related).toEqual([`${path.join(labeling, "gt-plan.json")}:-`, `${path.join(labeling, "main.tf")}:21`, `${path.join(platform, "main.tf")}:15`]);
  });

  it("cannot see the other root when a root is gated alone", () => {
    const { monorepo } = runs.labelingFirst;
    const alone = check([path.join("infra", "labeling", "gt-plan.json")], { cwd: monorepo });
    // Alone, the labeling root's own configurations serve both buckets; moving's delete leaves it without CORS.
    expect(findings(alone)).toEqual(["GTCORS-001 aws_s3_bucket.moving"]);
  });
});
