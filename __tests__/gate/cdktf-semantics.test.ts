/**
 * CDKTF input follows the plan's rules: stacks written with the raw provider classes are synthesized for real and
 * their cdk.tf.json gated (the file, the cdktf.out directory and synth-time validation): provider defaultTags mark
 * buckets, tag maps that are tokens cannot be told, iterators, a TerraformHclModule's unseen resources, and a
 * stale top-level cdk.tf.json beside stacks/, and one bucket's CORS in two stacks.
 */
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { App, Fn, TerraformHclModule, TerraformIterator, TerraformStack, TerraformVariable, Token } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { DataAwsS3Bucket } from "@cdktf/provider-aws/lib/data-aws-s3-bucket";
import { check, render } from "../../gate/cli";
import { addGroundTruthCorsValidation } from "../../gate/cdktf-validation";
import { expandPaths } from "../../gate/inputs";
import { findings, passes } from "./gate-results";

let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-cdktf-semantics-"));
});

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

const GET_RULE = [{ allowedMethods: ["GET"], allowedOrigins: ["*"] }];

/** Synthesizes one stack into its own cdktf.out and returns the findings (`RULE address`) and passing buckets. */
function synthAndGate(name: string, build: (stack: TerraformStack) => void): { found: string[]; passed: string[]; stack: TerraformStack } {
  const outdir = path.join(work, name);
  const app = new App({ outdir });
  const stack = new TerraformStack(app, name);
  build(stack);
  app.synth();
  const result = check([outdir], { cwd: work });
  return { found: findings(result), passed: passes(result), stack };
}

describe("CDKTF stacks with the raw provider classes", () => {
  it("reads the provider's defaultTags as the marking of every bucket it serves", () => {
    const { found, passed } = synthAndGate("default-tags", (stack) => {
      new AwsProvider(stack, "aws", { region: "us-east-1", defaultTags: [{ tags: { "groundtruth:job-types": "image" } }] });
      new S3Bucket(stack, "protected", { bucket: "gt-dt-protected" });
      new S3BucketCorsConfiguration(stack, "cors", { bucket: "gt-dt-protected", corsRule: GET_RULE });
      new S3Bucket(stack, "bare", { bucket: "gt-dt-bare" });
    });
    expect({ found, passed }).toEqual({ found: ["GTCORS-001 aws_s3_bucket.bare"], passed: ["aws_s3_bucket.protected"] });
  });

  it("cannot tell about a tag map that is a token (Fn.merge) or a marking value that is one (Fn.lower)", () => {
    const { found } = synthAndGate("token-tags", (stack) => {
      new AwsProvider(stack, "aws", { region: "us-east-1" });
      const kind = new TerraformVariable(stack, "kind", { type: "string", default: "IMAGE" });
      const base = new TerraformVariable(stack, "base", { type: "map(string)", default: {} });
      new S3Bucket(stack, "merged", { bucket: "gt-tok-merged", tags: Token.asStringMap(Fn.merge([base.value, { team: "vision" }])) });
      new S3Bucket(stack, "lowered", { bucket: "gt-tok-lowered", tags: { "groundtruth:job-types": Fn.lower(kind.stringValue) } });
      new S3Bucket(stack, "plain", { bucket: "gt-tok-plain", tags: { team: "vision" } });
    });
    expect(found).toEqual(["GTCORS-012 aws_s3_bucket.lowered", "GTCORS-012 aws_s3_bucket.merged"]);
  });

  it("judges buckets made with an iterator as one marked resource, linked to its CORS by the iterator's reference", () => {
    const { found } = synthAndGate("iterator", (stack) => {
      new AwsProvider(stack, "aws", { region: "us-east-1" });
      const names = TerraformIterator.fromList(["a", "b"]);
      const buckets = new S3Bucket(stack, "shards", {
        forEach: names,
        bucket: `gt-it-${names.value}`,
        tags: { "groundtruth:job-types": "image" },
      });
      new S3Bucket(stack, "uncovered", { forEach: names, bucket: `gt-it-bare-${names.value}`, tags: { "groundtruth:job-types": "image" } });
      const each = TerraformIterator.fromResources(buckets);
      new S3BucketCorsConfiguration(stack, "cors", { forEach: each, bucket: Token.asString(each.getString("id")), corsRule: GET_RULE });
    });
    // The configuration's bucket is `${each.value.id}` over aws_s3_bucket.shards: cdk.tf.json records no
    // instances, so the gate links the resources, not instances; the bucket nothing covers still fails.
    expect(found).toEqual(["GTCORS-001 aws_s3_bucket.uncovered"]);
  });

  it("cannot see inside a TerraformHclModule, so it cannot pass the stack", () => {
    const { found, stack } = synthAndGate("hcl-module", (s) => {
      new AwsProvider(s, "aws", { region: "us-east-1" });
      new TerraformHclModule(s, "buckets", { source: "terraform-aws-modules/s3-bucket/aws", variables: { bucket: "gt-mod" } });
    });
    expect(found).toEqual(["GTCORS-012 module.buckets"]);
    // Synth-time validation says the same.
    expect(addGroundTruthCorsValidation(stack).validate().join("\n")).toMatch(/GTCORS-012 module\.buckets: cannot tell what module\.buckets creates/);
  });
});

describe("a cdktf.out directory", () => {
  it("reads stacks/ even when a stale cdk.tf.json from an older cdktf sits at its top", async () => {
    const outdir = path.join(work, "stale");
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "current");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    new S3Bucket(stack, "frames", { bucket: "gt-stale-frames", tags: { "groundtruth:job-types": "image" } });
    app.synth();
    await fs.writeFile(path.join(outdir, "cdk.tf.json"), JSON.stringify({ resource: {} }));
    expect(expandPaths([outdir], work)).toEqual([path.relative(work, path.join(outdir, "stacks", "current", "cdk.tf.json"))]);
    expect(check([outdir], { cwd: work }).findings.map((f) => `${f.rule} ${f.address}`)).toEqual(["GTCORS-001 aws_s3_bucket.frames"]);
  });
});

describe("CORS in another stack of one cdktf.out", () => {
  /**
   * Stack "storage" holds the buckets; stack "cors" their configurations, through CDKTF cross-stack references
   * (an output in storage, `data.terraform_remote_state` in cors) or by the bucket's name.
   */
  function synthTwoStacks(): { outdir: string; storage: TerraformStack } {
    const outdir = path.join(work, "two-stacks");
    const app = new App({ outdir });
    const storage = new TerraformStack(app, "storage");
    new AwsProvider(storage, "aws", { region: "us-east-1" });
    const image = { "groundtruth:job-types": "image" };
    const referenced = new S3Bucket(storage, "referenced", { bucket: "gt-xs-referenced", tags: image });
    new S3Bucket(storage, "frames", { bucket: "gt-xs-frames", tags: { "groundtruth:job-types": "video-frame" } });
    const unnamed = new S3Bucket(storage, "unnamed", { tags: image });
    new S3Bucket(storage, "bare", { bucket: "gt-xs-bare", tags: image });
    const cors = new TerraformStack(app, "cors");
    new AwsProvider(cors, "aws", { region: "us-east-1" });
    new S3BucketCorsConfiguration(cors, "referenced-cors", { bucket: referenced.id, corsRule: GET_RULE });
    new S3BucketCorsConfiguration(cors, "frames-cors", { bucket: "gt-xs-frames", corsRule: GET_RULE });
    new S3BucketCorsConfiguration(cors, "unnamed-cors", { bucket: unnamed.bucket, corsRule: GET_RULE });
    app.synth();
    return { outdir, storage };
  }

  it("pairs a configuration with its bucket by cross-stack reference or name, and judges it with the bucket's needs", async () => {
    const { outdir, storage } = synthTwoStacks();
    const corsStack = JSON.parse(await fs.readFile(path.join(outdir, "stacks", "cors", "cdk.tf.json"), "utf8"));
    // What cdktf writes for a cross-stack reference: the gate resolves it through storage's output.
    expect(corsStack.resource.aws_s3_bucket_cors_configuration["referenced-cors"].bucket).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-storage\.outputs\.[^}]+\}$/,
    );
    const result = check([outdir], { cwd: work });
    expect(findings(result)).toEqual([
      // The frames bucket needs video-frame CORS: judged in the cors stack, where its configuration is.
      "GTCORS-003 aws_s3_bucket_cors_configuration.frames-cors",
      // No configuration anywhere.
      "GTCORS-001 aws_s3_bucket.bare",
      // A bucket with no name in the configuration: the reference cannot be resolved to a name, so neither side
      // passes (no CORS for the bucket, a configuration whose bucket the gate cannot tell).
      "GTCORS-001 aws_s3_bucket.unnamed",
      "GTCORS-009 aws_s3_bucket_cors_configuration.unnamed-cors",
    ].sort());
    expect(result.findings.find((f) => f.rule === "GTCORS-003")).toMatchObject({ bucket: "gt-xs-frames", job_types: ["video-frame"], file: expect.stringContaining(path.join("stacks", "cors")) });
    expect(passes(result)).toEqual(["aws_s3_bucket_cors_configuration.referenced-cors"]);
    expect(result.buckets.find((b) => b.compliant)).toMatchObject({ bucket: "gt-xs-referenced" });

    // Each stack alone cannot see the other: the bucket fails, never passes.
    const storageAlone = check([path.join(outdir, "stacks", "storage", "cdk.tf.json")], { cwd: work });
    expect(findings(storageAlone)).toEqual(["GTCORS-001 aws_s3_bucket.bare", "GTCORS-001 aws_s3_bucket.frames", "GTCORS-001 aws_s3_bucket.referenced", "GTCORS-001 aws_s3_bucket.unnamed"]);
    // So does synth-time validation, which sees one stack.
    expect(addGroundTruthCorsValidation(storage).validate().filter((e) => e.startsWith("GTCORS-001 aws_s3_bucket.referenced:"))).toHaveLength(1);
  });

  it("reports a bucket that configurations in two other inputs name as CORS from two places, not as paired with either", async () => {
    const { outdir } = synthTwoStacks();
    const second = path.join(work, "second-cors.tf.json");
    await fs.writeFile(second, JSON.stringify({ resource: { aws_s3_bucket_cors_configuration: { again: { bucket: "gt-xs-frames", cors_rule: [{ allowed_methods: ["GET"], allowed_origins: ["*"] }] } } } }));
    const found = findings(check([outdir, second], { cwd: work }));
    // Both GET-only configurations lack what video frames need, and either may be the one S3 keeps.
    expect(found).toEqual(expect.arrayContaining(["GTCORS-004 aws_s3_bucket.frames", "GTCORS-003 aws_s3_bucket_cors_configuration.frames-cors", "GTCORS-003 aws_s3_bucket_cors_configuration.again"]));
    expect(found).not.toContain("GTCORS-001 aws_s3_bucket.frames");
  });
});

describe("one bucket's CORS configured in two stacks of one cdktf.out", () => {
  /**
   * Stack "labeling" gives each bucket its own compliant configuration; stack "platform" configures the same
   * buckets again: through a cross-stack reference with the same rule, by name with HEAD only, through a
   * `data "aws_s3_bucket"` lookup with HEAD only, and through a cross-stack reference to a bucket without a name.
   */
  function synthOverlap(): string {
    const outdir = path.join(work, "overlap");
    const app = new App({ outdir });
    const labeling = new TerraformStack(app, "labeling");
    new AwsProvider(labeling, "aws", { region: "us-east-1" });
    const image = { "groundtruth:job-types": "image" };
    const bucket = (id: string, name?: string) => {
      const b = new S3Bucket(labeling, id, { ...(name ? { bucket: name } : {}), tags: image });
      new S3BucketCorsConfiguration(labeling, `${id}-cors`, { bucket: b.id, corsRule: GET_RULE });
      return b;
    };
    const same = bucket("same", "gt-ov-same");
    bucket("head", "gt-ov-head");
    bucket("looked-up", "gt-ov-looked-up");
    const unnamed = bucket("unnamed");
    const platform = new TerraformStack(app, "platform");
    new AwsProvider(platform, "aws", { region: "us-east-1" });
    const HEAD_ONLY = [{ allowedMethods: ["HEAD"], allowedOrigins: ["*"] }];
    new S3BucketCorsConfiguration(platform, "same-again", { bucket: same.id, corsRule: GET_RULE });
    new S3BucketCorsConfiguration(platform, "head-again", { bucket: "gt-ov-head", corsRule: HEAD_ONLY });
    const lookup = new DataAwsS3Bucket(platform, "lookup", { bucket: "gt-ov-looked-up" });
    new S3BucketCorsConfiguration(platform, "looked-up-again", { bucket: lookup.id, corsRule: HEAD_ONLY });
    new S3BucketCorsConfiguration(platform, "unnamed-again", { bucket: unnamed.id, corsRule: GET_RULE });
    app.synth();
    return outdir;
  }

  it("fails the buckets whose end state depends on which stack applies last, and warns where both serve Ground Truth", () => {
    const result = check([synthOverlap()], { cwd: work });
    expect(findings(result)).toEqual([
      "GTCORS-002 aws_s3_bucket_cors_configuration.head-again",
      "GTCORS-002 aws_s3_bucket_cors_configuration.looked-up-again",
      "GTCORS-004 aws_s3_bucket.head",
      "GTCORS-004 aws_s3_bucket.looked-up",
      // Linked by reference to a bucket without a name: the gate cannot judge it, so it fails closed.
      "GTCORS-004 aws_s3_bucket.unnamed",
      "GTCORS-009 aws_s3_bucket_cors_configuration.unnamed-again",
      "GTCORS-014 aws_s3_bucket.same",
    ]);
    expect(passes(result)).toEqual(["aws_s3_bucket.same"]);
    // Each bucket counted once, in its own stack.
    expect(result.buckets.map((b) => b.bucket).sort()).toEqual(["gt-ov-head", "gt-ov-looked-up", "gt-ov-same", null].sort());
  });

  it("names both stacks' configurations and their construct paths, in the message and as related resources", () => {
    const result = check([synthOverlap()], { cwd: work });
    const conflict = result.findings.find((f) => f.rule === "GTCORS-004" && f.address === "aws_s3_bucket.head")!;
    const labeling = path.join("overlap", "stacks", "labeling", "cdk.tf.json");
    const platform = path.join("overlap", "stacks", "platform", "cdk.tf.json");
    expect(conflict).toMatchObject({ severity: "error", bucket: "gt-ov-head", file: labeling, construct: "labeling/head" });
    expect(conflict.message).toContain(`aws_s3_bucket_cors_configuration.head-cors in ${labeling} (construct labeling/head-cors)`);
    expect(conflict.message).toContain(`aws_s3_bucket_cors_configuration.head-again in ${platform} (construct platform/head-again))`);
    expect(conflict.message).toContain(`the one in ${platform} lacks what Ground Truth needs`);
    expect(conflict.related).toEqual([
      { file: labeling, address: "aws_s3_bucket_cors_configuration.head-cors", root: path.dirname(labeling), declaration: null, construct: "labeling/head-cors" },
      { file: platform, address: "aws_s3_bucket_cors_configuration.head-again", root: path.dirname(platform), declaration: null, construct: "platform/head-again" },
    ]);
    const sarif = JSON.parse(render(result, "sarif")) as { runs: Array<{ results: Array<{ ruleId: string; locations: unknown[]; relatedLocations?: Array<{ message: { text: string } }> }> }> };
    const inSarif = sarif.runs[0].results.find((r) => r.ruleId === "GTCORS-004" && JSON.stringify(r.locations).includes("aws_s3_bucket.head"))!;
    expect(inSarif.relatedLocations?.map((l) => l.message.text)).toEqual([`aws_s3_bucket_cors_configuration.head-cors in ${labeling}`, `aws_s3_bucket_cors_configuration.head-again in ${platform}`]);
    for (const format of ["text", "junit", "github"] as const) expect(render(result, format)).toContain("platform/head-again");
  });

  it("can be excepted like any finding, with a reason, by bucket", () => {
    const result = check([synthOverlap()], {
      cwd: work,
      settings: { groundtruth: { exceptions: [{ rule: "GTCORS-004", bucket: "gt-ov-head", reason: "the platform stack's rule is removed in the next release" }] } },
    });
    expect(findings(result)).not.toContain("GTCORS-004 aws_s3_bucket.head");
    expect(result.exceptions.map((e) => `${e.rule} ${e.address} ${e.exception}`)).toEqual(["GTCORS-004 aws_s3_bucket.head 0"]);
  });

  it("still fails the bucket when the lacking configuration's own finding is excepted: the exception does not make it serve Ground Truth", () => {
    const result = check([synthOverlap()], {
      cwd: work,
      settings: { groundtruth: { exceptions: [{ rule: "GTCORS-002", bucket: "gt-ov-head", reason: "HEAD-only while the platform stack migrates" }] } },
    });
    expect(findings(result)).toContain("GTCORS-004 aws_s3_bucket.head");
    expect(findings(result)).not.toContain("GTCORS-014 aws_s3_bucket.head");
  });
});
