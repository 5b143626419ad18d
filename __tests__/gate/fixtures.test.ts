/**
 * The gate on real plans: the HCL roots in ./fixtures and a CDKTF stack, planned with the real terraform binary and
 * AWS provider 5.100.0 (the lifecycle root applied to the local S3 endpoint first), then checked with the shipped
 * policy. Each expected finding (rule and address) and each expected pass (a compliant Ground Truth bucket) is
 * asserted exactly, so a missed finding, an extra one, or a bucket the gate stops recognising all fail.
 */
import { promises as fs, readFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { check, run } from "../../gate/cli";
import { GateResult } from "../../gate/report";
import { LocalS3, startLocalS3 } from "../../local-s3";
import { terraformEnvironment } from "../../scripts/terraform-env";
import { FIXTURES, FixturePlans, planFixtures } from "./fixture-plans";
import { findings, passes } from "./gate-results";

jest.setTimeout(900_000);

let s3: LocalS3;
let work: string;
let plans: FixturePlans;

beforeAll(async () => {
  s3 = await startLocalS3();
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-fixtures-"));
  plans = await planFixtures(terraformEnvironment(), work, s3.endpoint);
});

afterAll(async () => {
  await s3?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

function gate(file: string, data?: string): GateResult {
  return check([file], { cwd: work, data });
}

function failing(result: GateResult): string[] {
  return result.buckets
    .filter((b) => !b.compliant)
    .map((b) => b.address)
    .sort();
}

async function exitCode(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: work });
  return { code, stdout, stderr };
}

interface PlanChange {
  address: string;
  change: { actions: string[]; after: Record<string, unknown> | null };
}

function changes(file: string): Record<string, PlanChange["change"]> {
  const plan = JSON.parse(readFileSync(file, "utf8")) as { resource_changes: PlanChange[] };
  return Object.fromEntries(plan.resource_changes.map((rc) => [rc.address, rc.change]));
}

const PLATFORM_PASSES = [
  "aws_s3_bucket.frames_input",
  'aws_s3_bucket.projects["cats"]',
  'aws_s3_bucket.projects["dogs"]',
  "aws_s3_bucket.shards[0]",
  "aws_s3_bucket.shards[1]",
  "module.archive.aws_s3_bucket.this",
  'module.team["blue"].aws_s3_bucket.images',
  'module.team["red"].aws_s3_bucket.images',
];

const PLATFORM_FINDINGS = [
  "GTCORS-001 aws_s3_bucket.shards[2]",
  "GTCORS-003 module.video.aws_s3_bucket.output",
  "GTCORS-009 aws_s3_bucket_cors_configuration.imported",
];

describe("labeling-platform: modules two levels deep, for_each, count, module outputs, unknown names", () => {
  it("finds the shard without CORS, the video-frame output bucket without PUT, and the unlinked CORS configuration", () => {
    expect(findings(gate(plans.platform))).toEqual(PLATFORM_FINDINGS);
  });

  it("passes every bucket whose CORS is linked only by reference: for_each by key, count by index, a variable two modules down, a module output, per module instance", () => {
    const result = gate(plans.platform);
    expect(passes(result)).toEqual(PLATFORM_PASSES);
    expect(failing(result)).toEqual(["aws_s3_bucket.shards[2]", "module.video.aws_s3_bucket.output"]);
  });

  it("says what the video-frame output bucket misses and gives the documented rule as the fix", () => {
    const finding = gate(plans.platform).findings.find((f) => f.rule === "GTCORS-003");
    expect(finding).toMatchObject({
      severity: "error",
      bucket: null,
      job_types: ["video-frame"],
      roles: ["output"],
      missing: ["method PUT"],
      fix: {
        allowed_headers: ["*"],
        allowed_methods: ["GET", "HEAD", "PUT"],
        allowed_origins: ["*"],
        expose_headers: ["Access-Control-Allow-Origin"],
        max_age_seconds: 3000,
      },
    });
  });

  it("exits 1 on the plan, with one line per finding and the summary", async () => {
    const { code, stdout, stderr } = await exitCode(["check", plans.platform]);
    expect({ code, stderr }).toEqual({ code: 1, stderr: "" });
    expect(stdout.split("\n").filter((l) => / GTCORS-\d{3}: /.test(l))).toHaveLength(3);
    expect(stdout).toContain("1 input, 10 Ground Truth buckets: 2 errors, 1 warning, 0 exceptions");
  });
});

describe("the same plan wrapped as CI platforms pass it", () => {
  const wrap = async (name: string, wrapper: (plan: Record<string, unknown>) => unknown): Promise<string> => {
    const plan = JSON.parse(await fs.readFile(plans.platform, "utf8")) as Record<string, unknown>;
    const file = path.join(work, `${name}.json`);
    await fs.writeFile(file, JSON.stringify(wrapper(plan)));
    return file;
  };

  it("reads input.plan (HCP Terraform, env0) exactly as the raw plan", async () => {
    const result = gate(await wrap("hcp", (plan) => ({ plan, run: { id: "run-1" } })));
    expect({ findings: findings(result), passes: passes(result) }).toEqual({ findings: PLATFORM_FINDINGS, passes: PLATFORM_PASSES });
  });

  it("reads input.terraform (Spacelift) exactly as the raw plan", async () => {
    const result = gate(await wrap("spacelift", (plan) => ({ terraform: plan, spacelift: { run: { type: "PROPOSED" } } })));
    expect({ findings: findings(result), passes: passes(result) }).toEqual({ findings: PLATFORM_FINDINGS, passes: PLATFORM_PASSES });
  });

  it("fails closed on Spacelift's default input without configuration: unknown-named buckets cannot be linked, so none passes", async () => {
    const result = gate(await wrap("spacelift-bare", ({ configuration: _omitted, ...plan }) => ({ terraform: plan })));
    expect(passes(result)).toEqual([]);
    expect(failing(result)).toEqual([...PLATFORM_PASSES, "aws_s3_bucket.shards[2]", "module.video.aws_s3_bucket.output"].sort());
  });
});

describe("exceptions from the data file", () => {
  it("reports an excepted finding with its reason, and an exception without a reason as a finding that suppresses nothing", async () => {
    const data = path.join(work, "exceptions.json");
    await fs.writeFile(
      data,
      JSON.stringify({
        groundtruth: {
          exceptions: [
            { address: "aws_s3_bucket.shards[2]", rule: "GTCORS-001", reason: "shard 2 is read by the batch tool only" },
            { address: "module.video.aws_s3_bucket.output", rule: "GTCORS-003" },
          ],
        },
      }),
    );
    const result = gate(plans.platform, data);
    expect(findings(result)).toEqual([
      "GTCORS-003 module.video.aws_s3_bucket.output",
      "GTCORS-007 module.video.aws_s3_bucket.output",
      "GTCORS-009 aws_s3_bucket_cors_configuration.imported",
    ]);
    expect(result.exceptions.map((e) => [e.rule, e.address, e.reason])).toEqual([
      ["GTCORS-001", "aws_s3_bucket.shards[2]", "shard 2 is read by the batch tool only"],
    ]);
    const { code, stdout } = await exitCode(["check", plans.platform, "--data", data]);
    expect(code).toBe(1);
    expect(stdout).toContain("excepted");
    expect(stdout).toContain("reason: shard 2 is read by the batch tool only");
  });
});

describe("legacy-inline: inline cors_rule, two CORS configurations, shadowing, misspelt marking, buckets from data", () => {
  const data = path.join(FIXTURES, "legacy-inline", "groundtruth.json");

  it("finds each problem on its bucket", () => {
    expect(findings(gate(plans.legacy, data))).toEqual([
      "GTCORS-001 aws_s3_bucket.listed",
      "GTCORS-003 aws_s3_bucket_cors_configuration.external",
      "GTCORS-004 aws_s3_bucket.doubled",
      "GTCORS-004 aws_s3_bucket.mixed",
      "GTCORS-005 aws_s3_bucket.shadowed",
      "GTCORS-006 aws_s3_bucket.misspelt",
      "GTCORS-008 aws_s3_bucket.legacy_images",
      "GTCORS-008 aws_s3_bucket.mixed",
    ]);
  });

  it("passes the buckets with only warnings, counts inline rules that the configuration writes, and ignores the unmarked, unlisted bucket", () => {
    const result = gate(plans.legacy, data);
    expect(passes(result)).toEqual(["aws_s3_bucket.legacy_images", "aws_s3_bucket.shadowed"]);
    expect(result.buckets.map((b) => b.address)).not.toContain("aws_s3_bucket.logs");
    expect(result.findings.find((f) => f.address === "aws_s3_bucket.mixed" && f.rule === "GTCORS-004")?.message).toContain(
      "aws_s3_bucket_cors_configuration.mixed, inline cors_rule",
    );
  });

  it("names the bucket managed elsewhere by the name the data file gives", () => {
    const external = gate(plans.legacy, data).findings.find((f) => f.rule === "GTCORS-003");
    expect(external).toMatchObject({ bucket: "gt-external-frames", job_types: ["video-frame"], roles: ["input", "output"] });
  });

  it("checks only marked buckets without the data file", () => {
    expect(findings(gate(plans.legacy))).toEqual([
      "GTCORS-004 aws_s3_bucket.doubled",
      "GTCORS-004 aws_s3_bucket.mixed",
      "GTCORS-005 aws_s3_bucket.shadowed",
      "GTCORS-006 aws_s3_bucket.misspelt",
      "GTCORS-008 aws_s3_bucket.legacy_images",
      "GTCORS-008 aws_s3_bucket.mixed",
    ]);
  });

  it("exits 1 on warnings alone only with --fail-on-warning", async () => {
    const warningsOnly = path.join(work, "warnings-only.json");
    await fs.writeFile(warningsOnly, JSON.stringify({ groundtruth: { exceptions: errorExceptions() } }));
    expect((await exitCode(["check", plans.legacy, "--data", warningsOnly])).code).toBe(0);
    expect((await exitCode(["check", plans.legacy, "--data", warningsOnly, "--fail-on-warning"])).code).toBe(1);
  });

  function errorExceptions(): object[] {
    return [
      ["aws_s3_bucket.doubled", "GTCORS-004"],
      ["aws_s3_bucket.mixed", "GTCORS-004"],
      ["aws_s3_bucket.misspelt", "GTCORS-006"],
    ].map(([address, rule]) => ({ address, rule, reason: "accepted while the buckets migrate" }));
  }
});

describe("restricted-origins: the workforce's own origins instead of *", () => {
  it("fails both buckets when any origin is required (the default)", () => {
    expect(findings(gate(plans.restricted))).toEqual(["GTCORS-002 aws_s3_bucket.workforce_images", "GTCORS-003 aws_s3_bucket.workforce_frames"]);
  });

  it("passes both when the data file names the portal's origin, which the wildcard origin and the exact origin allow", async () => {
    const data = path.join(FIXTURES, "restricted-origins", "portal-only.json");
    const result = gate(plans.restricted, data);
    expect({ findings: findings(result), passes: passes(result) }).toEqual({
      findings: [],
      passes: ["aws_s3_bucket.workforce_frames", "aws_s3_bucket.workforce_images"],
    });
    expect((await exitCode(["check", plans.restricted, "--data", data])).code).toBe(0);
  });

  it("fails both again for an origin neither rule allows, naming it", () => {
    const result = gate(plans.restricted, path.join(FIXTURES, "restricted-origins", "portal-and-qa.json"));
    expect(findings(result)).toEqual(["GTCORS-002 aws_s3_bucket.workforce_images", "GTCORS-003 aws_s3_bucket.workforce_frames"]);
    for (const f of result.findings) expect(f.message).toContain("from https://qa.example.org");
  });
});

describe("lifecycle: v1 applied to the local S3 endpoint, then v2 planned", () => {
  it("is a plan with a deleted CORS configuration, a replacement, a destroy, an in-place update and no-ops", () => {
    const c = changes(plans.lifecycle);
    expect(Object.fromEntries(Object.entries(c).map(([a, ch]) => [a, ch.actions]))).toEqual({
      "aws_s3_bucket.kept": ["no-op"],
      "aws_s3_bucket_cors_configuration.kept": ["delete"],
      "aws_s3_bucket.replaced": ["delete", "create"],
      "aws_s3_bucket_cors_configuration.replaced": ["delete", "create"],
      "aws_s3_bucket.retired": ["delete"],
      "aws_s3_bucket_cors_configuration.retired": ["delete"],
      "aws_s3_bucket.weakened": ["no-op"],
      "aws_s3_bucket_cors_configuration.weakened": ["update"],
      "aws_s3_bucket.steady": ["no-op"],
      "aws_s3_bucket_cors_configuration.steady": ["no-op"],
    });
    // Provider 5.x refreshes the computed inline cors_rule from S3: the kept bucket still shows the rules
    // its deleted CORS configuration set, which must not count as the bucket's CORS.
    expect(c["aws_s3_bucket.kept"].after?.cors_rule).toEqual([expect.objectContaining({ allowed_methods: ["GET"], allowed_origins: ["*"] })]);
  });

  it("finds the bucket whose CORS configuration is deleted and the one weakened in place, and nothing on the destroyed one", () => {
    const result = gate(plans.lifecycle);
    expect(findings(result)).toEqual(["GTCORS-001 aws_s3_bucket.kept", "GTCORS-002 aws_s3_bucket.weakened"]);
    expect(passes(result)).toEqual(["aws_s3_bucket.replaced", "aws_s3_bucket.steady"]);
    expect(result.buckets.map((b) => b.address)).not.toContain("aws_s3_bucket.retired");
  });

  it("passes a destroy-only plan with exit 0", async () => {
    expect(Object.values(changes(plans.lifecycleDestroy)).every((c) => c.actions.join() === "delete")).toBe(true);
    const { code, stdout } = await exitCode(["check", plans.lifecycleDestroy]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: "1 input, 0 Ground Truth buckets: 0 errors, 0 warnings, 0 exceptions\n" });
  });
});

describe("a CDKTF stack, before and after terraform plan", () => {
  const framesBucket = (result: GateResult): string | undefined => result.buckets.find((b) => b.address.startsWith("aws_s3_bucket.frames"))?.address;

  it("finds the marked bucket nothing gives CORS in cdk.tf.json and passes the LabelingBucket", () => {
    const result = gate(plans.cdktfConfig);
    expect(findings(result)).toEqual(["GTCORS-001 aws_s3_bucket.unprotected"]);
    expect(passes(result)).toEqual([framesBucket(result)]);
    expect(framesBucket(result)).toMatch(/^aws_s3_bucket\.frames_bucket_[0-9A-F]{8}$/);
  });

  it("gives the same findings and passes on the stack's plan and on its cdktf.out directory", () => {
    const fromConfig = gate(plans.cdktfConfig);
    for (const result of [gate(plans.cdktfPlan), gate(path.dirname(path.dirname(path.dirname(plans.cdktfConfig))))]) {
      expect({ findings: findings(result), passes: passes(result) }).toEqual({ findings: findings(fromConfig), passes: passes(fromConfig) });
    }
  });
});

describe("findings point at a file a person can open", () => {
  const shard = (result: GateResult) => result.findings.find((f) => f.address === "aws_s3_bucket.shards[2]")!;
  const videoOutput = (result: GateResult) => result.findings.find((f) => f.address === "module.video.aws_s3_bucket.output")!;

  it("locates a root resource and a child module's resource in the root's .tf files (the plan file's directory)", () => {
    const result = gate(plans.platform);
    expect(shard(result)).toMatchObject({ root: "labeling-platform", declaration: { file: "labeling-platform/main.tf", line: 29 }, construct: null, file: plans.platform });
    expect(videoOutput(result)).toMatchObject({ root: "labeling-platform", declaration: { file: "labeling-platform/modules/video/main.tf", line: 7 } });
  });

  it("shows the place in every format: text `at:`, JSON, SARIF location and region, GitHub file= and line=, JUnit", async () => {
    const text = (await exitCode(["check", plans.platform])).stdout;
    expect(text).toContain("aws_s3_bucket.shards[2] GTCORS-001: ");
    expect(text).toMatch(/aws_s3_bucket\.shards\[2\] GTCORS-001: [^\n]*\n {8}at: labeling-platform\/main\.tf:29\n/);

    const json = JSON.parse((await exitCode(["check", plans.platform, "--format", "json"])).stdout);
    expect(json.findings.find((f: { address: string }) => f.address === "aws_s3_bucket.shards[2]").declaration).toEqual({ file: "labeling-platform/main.tf", line: 29 });

    const sarif = JSON.parse((await exitCode(["check", plans.platform, "--format", "sarif"])).stdout);
    const result = sarif.runs[0].results.find((r: { locations: Array<{ logicalLocations?: Array<{ fullyQualifiedName: string }> }> }) =>
      r.locations[0].logicalLocations?.some((l) => l.fullyQualifiedName === "module.video.aws_s3_bucket.output"),
    );
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "labeling-platform/modules/video/main.tf" }, region: { startLine: 7 } });
    expect(result.relatedLocations[0].physicalLocation.artifactLocation.uri).toBe(plans.platform);
    expect(result.properties.root).toBe("labeling-platform");

    const github = (await exitCode(["check", plans.platform, "--format", "github"])).stdout;
    expect(github).toMatch(/^::error file=labeling-platform\/main\.tf,line=29,title=GTCORS-001 aws_s3_bucket\.shards\[2\]::/m);

    const junit = (await exitCode(["check", plans.platform, "--format", "junit"])).stdout;
    expect(junit).toContain("at labeling-platform/modules/video/main.tf:7");
  });

  it("takes the root from --root when the plan is written elsewhere, and names only the root when it cannot find the block", async () => {
    const elsewhere = path.join(work, "plans", "platform.json");
    await fs.mkdir(path.dirname(elsewhere), { recursive: true });
    await fs.copyFile(plans.platform, elsewhere);
    expect(shard(check([elsewhere], { cwd: work }))).toMatchObject({ root: "plans", declaration: null });
    expect((await exitCode(["check", elsewhere])).stdout).toMatch(/aws_s3_bucket\.shards\[2\] GTCORS-001: [^\n]*\n {8}at: root plans\n/);
    expect(shard(check([elsewhere], { cwd: work, root: "labeling-platform" }))).toMatchObject({ root: "labeling-platform", declaration: { file: "labeling-platform/main.tf", line: 29 } });
    expect(await exitCode(["check", elsewhere, "--root", "no-such-root"])).toEqual({ code: 2, stdout: "", stderr: "gt-cors: no-such-root: --root: no such directory\n" });
  });

  it("names the CDKTF construct path and the stack folder for a cdk.tf.json", async () => {
    const finding = gate(plans.cdktfConfig).findings.find((f) => f.address === "aws_s3_bucket.unprotected")!;
    expect(finding).toMatchObject({ root: "cdktf.out/stacks/gate-fixture", construct: "gate-fixture/unprotected", declaration: null });
    expect((await exitCode(["check", plans.cdktfConfig])).stdout).toContain("        at: construct gate-fixture/unprotected in cdktf.out/stacks/gate-fixture\n");
    const sarif = JSON.parse((await exitCode(["check", plans.cdktfConfig, "--format", "sarif"])).stdout);
    expect(sarif.runs[0].results[0].locations[0].logicalLocations).toEqual([
      { fullyQualifiedName: "aws_s3_bucket.unprotected", kind: "resource" },
      { fullyQualifiedName: "gate-fixture/unprotected", kind: "declaration" },
    ]);
  });
});

describe("exceptions scoped to an input or a root", () => {
  const SHARD = { address: "aws_s3_bucket.shards[2]", rule: "GTCORS-001", reason: "shard 2 is read by the batch tool only" };
  let copy: string;

  beforeAll(async () => {
    copy = path.join(work, "staging", "plan.json");
    await fs.mkdir(path.dirname(copy), { recursive: true });
    await fs.copyFile(plans.platform, copy);
  });

  async function withExceptions(exceptions: object[]): Promise<GateResult> {
    const data = path.join(work, "scoped.json");
    await fs.writeFile(data, JSON.stringify({ groundtruth: { exceptions } }));
    return check([plans.platform, copy], { cwd: work, data });
  }

  const shardFindings = (result: GateResult) => result.findings.filter((f) => f.address === SHARD.address).map((f) => `${f.rule} ${f.file === copy ? "staging" : f.file === plans.platform ? "platform" : f.file}`);

  it("warns (GTCORS-010, against the data file) when an unscoped exception suppresses findings in two inputs, naming both", async () => {
    const result = await withExceptions([SHARD]);
    expect(result.exceptions.map((e) => e.file).sort()).toEqual([plans.platform, copy].sort());
    const [warning] = result.findings.filter((f) => f.rule === "GTCORS-010");
    expect(warning).toMatchObject({ severity: "warning", file: path.join(work, "scoped.json"), address: SHARD.address, root: null });
    expect(warning.message).toContain(`in 2 inputs: ${[plans.platform, copy].sort().join(", ")}`);
  });

  it.each<[string, object]>([
    ["input glob", { input: "labeling-platform/*.json" }],
    ["root", { root: "labeling-platform" }],
    ["input and root", { input: "**/plan.json", root: "labeling-*" }],
  ])("applies an exception scoped by %s to that input only, without a warning", async (_name, scope) => {
    const result = await withExceptions([{ ...SHARD, ...scope }]);
    expect(result.exceptions.map((e) => e.file)).toEqual([plans.platform]);
    expect(shardFindings(result)).toEqual(["GTCORS-001 staging"]);
    expect(result.findings.some((f) => f.rule === "GTCORS-010")).toBe(false);
  });

  it("suppresses nothing when the scope matches no input", async () => {
    const result = await withExceptions([{ ...SHARD, root: "infra/*" }]);
    expect(result.exceptions).toEqual([]);
    expect(shardFindings(result).sort()).toEqual(["GTCORS-001 platform", "GTCORS-001 staging"]);
  });

  it("reports an exception without a reason once, against the data file, however many inputs", async () => {
    const result = await withExceptions([{ address: SHARD.address, rule: SHARD.rule }]);
    const missing = result.findings.filter((f) => f.rule === "GTCORS-007");
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ file: path.join(work, "scoped.json"), root: null, declaration: null });
  });
});
