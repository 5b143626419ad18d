/**
 * The gate judges real Terraform as Terraform applies it: real plans (terraform 1.11 + AWS provider 5.100.0) of
 * replacements, deposed objects, renames, moves between inline and separate CORS, prior-state-only buckets, unknown
 * tags, links through conditionals, data sources and module instances, and rules S3 rejects. Where the order of
 * operations or S3's validation decides, the plan is applied to the local S3 endpoint and each bucket's CORS read
 * back: the gate must say "fail" exactly for the buckets that end without the CORS they need.
 */
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { check } from "../../gate/cli";
import { GateResult } from "../../gate/report";
import { LocalS3, startLocalS3 } from "../../local-s3";
import { terraformEnvironment } from "../../scripts/terraform-env";
import { findings, passes } from "./gate-results";
import { CorsState, ORDERING_BUCKETS, planSemantics, REJECTED_BUCKETS, SemanticsPlans, SEMANTICS } from "./semantics-plans";

// Under a loaded machine each terraform run takes far longer than its usual few seconds.
jest.setTimeout(1_800_000);

let s3: LocalS3;
let work: string;
let plans: SemanticsPlans;
let orderingData: string;

beforeAll(async () => {
  s3 = await startLocalS3();
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-semantics-"));
  orderingData = path.join(work, "ordering.json");
  await fs.writeFile(orderingData, JSON.stringify({ groundtruth: { buckets: [{ bucket: "gt-ord-external", job_types: ["image"] }] } }));
  plans = await planSemantics(terraformEnvironment(), work, s3);
});

afterAll(async () => {
  await s3?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

function gate(file: string, data?: string): GateResult {
  return check([file], { cwd: work, data });
}

/** Bucket name → "fail" when the gate reports an error for it (on the bucket or its CORS configuration), else "pass". */
function verdicts(result: GateResult, names: readonly string[]): Record<string, string> {
  const failing = new Set(result.findings.filter((f) => f.severity === "error").map((f) => f.bucket));
  const judged = new Set(result.buckets.map((b) => b.bucket));
  return Object.fromEntries(names.filter((n) => judged.has(n) || failing.has(n)).map((n) => [n, failing.has(n) ? "fail" : "pass"]));
}

/** Bucket name → "fail" when S3 holds no rule allowing GET from any origin (what an image input bucket needs). */
function endStates(cors: Record<string, CorsState>, names: readonly string[]): Record<string, string> {
  const serves = (rules: CorsState) => (rules ?? []).some((r) => r.AllowedMethods?.includes("GET") && r.AllowedOrigins?.includes("*"));
  return Object.fromEntries(names.map((n) => [n, serves(cors[n]) ? "pass" : "fail"]));
}

describe("deletes and replacements, judged by the end state and checked against the local endpoint", () => {
  const V2_FINDINGS = [
    "GTCORS-001 aws_s3_bucket_cors_configuration.external",
    "GTCORS-008 aws_s3_bucket.to_inline_new",
    "GTCORS-008 aws_s3_bucket.to_inline_same",
    'GTCORS-011 aws_s3_bucket.b["cbd"]',
    "GTCORS-011 aws_s3_bucket.to_inline_same",
  ];

  it("finds the create_before_destroy replacement, the move to unchanged inline rules and the deleted CORS of a listed external bucket", () => {
    expect(findings(gate(plans.v2, orderingData))).toEqual(V2_FINDINGS);
  });

  it("passes the ordinary replacement, the move with a moved block, the forgotten (removed, destroy = false) configuration, inline to separate, and separate to changed inline rules", () => {
    expect(passes(gate(plans.v2, orderingData))).toEqual(
      [
        'aws_s3_bucket.b["deposed"]',
        'aws_s3_bucket.b["forgotten"]',
        'aws_s3_bucket.b["moved"]',
        'aws_s3_bucket.b["renamed"]',
        'aws_s3_bucket.b["replaced"]',
        'aws_s3_bucket.b["targeted"]',
        'aws_s3_bucket.b["untouched"]',
        "aws_s3_bucket.to_inline_new",
        "aws_s3_bucket.to_separate",
      ].sort(),
    );
  });

  it("says why: the old object's delete runs after the new one is put; nothing puts the inline rules again", () => {
    const result = gate(plans.v2, orderingData);
    expect(result.findings.find((f) => f.address === 'aws_s3_bucket.b["cbd"]')?.message).toContain("create_before_destroy, so the old object's delete runs after the new one is put");
    expect(result.findings.find((f) => f.rule === "GTCORS-011" && f.address === "aws_s3_bucket.to_inline_same")?.message).toContain("nothing in this apply puts it again (inline cors_rule)");
  });

  it("is the plan with those actions (forget for the removed block, create-then-delete for create_before_destroy)", () => {
    const doc = JSON.parse(require("fs").readFileSync(plans.v2, "utf8")) as { resource_changes: Array<{ address: string; change: { actions: string[] } }> };
    const actions = Object.fromEntries(doc.resource_changes.map((rc) => [rc.address, rc.change.actions.join(",")]));
    expect(actions).toMatchObject({
      "aws_s3_bucket_cors_configuration.cbd": "create,delete",
      "aws_s3_bucket_cors_configuration.replaced": "delete,create",
      "aws_s3_bucket_cors_configuration.forgotten": "forget",
      "aws_s3_bucket_cors_configuration.to_inline_same": "delete",
      "aws_s3_bucket.to_inline_same": "no-op",
      "aws_s3_bucket.to_inline_new": "update",
      "aws_s3_bucket_cors_configuration.external": "delete",
    });
  });

  it("agrees with the local endpoint after apply: fail exactly for the buckets left without CORS", () => {
    const gateSays = verdicts(gate(plans.v2, orderingData), ORDERING_BUCKETS);
    expect(gateSays).toEqual(endStates(plans.afterV2, Object.keys(gateSays)));
    expect(Object.keys(gateSays).sort()).toEqual([...ORDERING_BUCKETS].sort());
    expect(Object.entries(gateSays).filter(([, v]) => v === "fail").map(([b]) => b).sort()).toEqual(["gt-ord-cbd", "gt-ord-external", "gt-ord-to-inline-same"]);
  });
});

describe("a rename without a moved block", () => {
  it("is an error on the bucket: the delete and the create are not ordered", () => {
    const result = gate(plans.renamed, orderingData);
    const onBucket = result.findings.filter((f) => f.address === 'aws_s3_bucket.b["renamed"]');
    expect(onBucket.map((f) => f.rule)).toEqual(["GTCORS-011"]);
    expect(onBucket[0].message).toContain("renamed_old is deleted while aws_s3_bucket_cors_configuration.renamed_new puts the bucket's CORS, and Terraform does not order the two");
    // Not applied here: on the local endpoint the create usually wins and the provider's delete then waits two
    // minutes for the configuration to disappear and fails; on S3 either order is possible.
  });
});

describe("prior state: buckets the plan does not list in resource_changes", () => {
  it("passes a -target plan that leaves a compliant bucket's CORS in prior_state untouched", () => {
    const result = gate(plans.untouched);
    expect({ findings: findings(result), passes: passes(result) }).toEqual({ findings: [], passes: ['aws_s3_bucket.b["untouched"]'] });
  });

  it("fails -destroy -target of a CORS configuration, judging its bucket from prior_state, and agrees with the endpoint", () => {
    const result = gate(plans.destroyTarget);
    expect(findings(result)).toEqual(['GTCORS-001 aws_s3_bucket.b["targeted"]']);
    expect(plans.afterDestroyTarget["gt-ord-targeted"]).toBeNull();
    expect(plans.afterV2["gt-ord-targeted"]).not.toBeNull();
  });
});

describe("a deposed object", () => {
  it("does not crash the policy, and its delete is an error on the bucket it wipes", () => {
    // The deposed entry shares its address with the current object: reading both must not conflict.
    const result = gate(plans.deposed);
    expect(findings(result).filter((f) => f.includes('b["deposed"]'))).toEqual(['GTCORS-011 aws_s3_bucket.b["deposed"]']);
    expect(result.findings.find((f) => f.address === 'aws_s3_bucket.b["deposed"]')?.message).toContain("a deposed object of aws_s3_bucket_cors_configuration.deposed is deleted");
  });

  it("agrees with the endpoint: the deposed delete leaves the bucket without CORS, the re-created targeted one has it", () => {
    const gateSays = verdicts(gate(plans.deposed), ["gt-ord-deposed", "gt-ord-targeted"]);
    expect(gateSays).toEqual({ "gt-ord-deposed": "fail", "gt-ord-targeted": "pass" });
    expect(endStates(plans.afterDeposed, ["gt-ord-deposed", "gt-ord-targeted"])).toEqual(gateSays);
  });
});

describe("unknown values: tags known only after apply", () => {
  const data = path.join(SEMANTICS, "unknown-marking", "groundtruth.json");

  it("cannot tell about any bucket whose marking is unknown, even with CORS; reads the marking from the provider's default_tags", () => {
    const result = gate(plans.unknownMarking);
    expect(findings(result)).toEqual([
      "GTCORS-001 aws_s3_bucket.by_default_bare",
      "GTCORS-012 aws_s3_bucket.chosen",
      "GTCORS-012 aws_s3_bucket.listed",
      "GTCORS-012 aws_s3_bucket.opaque",
      "GTCORS-012 aws_s3_bucket.opaque_denied",
      "GTCORS-012 aws_s3_bucket.plain",
      "GTCORS-012 aws_s3_bucket.stamped",
    ]);
    expect(passes(result)).toEqual(["aws_s3_bucket.by_default"]);
    expect(result.findings.find((f) => f.address === "aws_s3_bucket.chosen")?.message).toContain('list it in the data file\'s buckets with its job_types, or with "groundtruth": false');
  });

  it("judges the buckets the data file lists, and drops those it says are not Ground Truth buckets", () => {
    const result = gate(plans.unknownMarking, data);
    expect(findings(result)).toEqual(["GTCORS-001 aws_s3_bucket.by_default_bare", "GTCORS-012 aws_s3_bucket.chosen", "GTCORS-012 aws_s3_bucket.opaque"]);
    expect(passes(result)).toEqual(["aws_s3_bucket.by_default", "aws_s3_bucket.listed", "aws_s3_bucket.stamped"]);
  });

  it("judges a bucket whose role is unknown as both input and output", () => {
    const bucket = gate(plans.unknownMarking).buckets.find((b) => b.address === "aws_s3_bucket.by_default");
    expect(bucket).toMatchObject({ job_types: ["video-frame"], roles: ["input", "output"], compliant: true });
  });
});

describe("linking a CORS configuration to its bucket", () => {
  it("links through a data source lookup and a named for_each module instance, reads dynamic blocks, and links a conditional to neither", () => {
    const result = gate(plans.linking);
    expect(findings(result)).toEqual([
      "GTCORS-001 aws_s3_bucket.first",
      "GTCORS-001 aws_s3_bucket.second",
      'GTCORS-001 module.team["blue"].aws_s3_bucket.this',
      "GTCORS-005 aws_s3_bucket.dynamic",
      "GTCORS-012 aws_s3_bucket_cors_configuration.either",
    ]);
    expect(passes(result)).toEqual(["aws_s3_bucket.dynamic", "aws_s3_bucket.shared", 'module.team["red"].aws_s3_bucket.this']);
  });
});

describe("rules S3 rejects", () => {
  it("is an error for each rejected configuration, naming the rule and what S3 takes", () => {
    const result = gate(plans.rejected);
    expect(findings(result)).toEqual([
      'GTCORS-002 aws_s3_bucket.b["no-method"]',
      'GTCORS-013 aws_s3_bucket.b["header"]',
      'GTCORS-013 aws_s3_bucket.b["lower-case"]',
      'GTCORS-013 aws_s3_bucket.b["no-method"]',
      'GTCORS-013 aws_s3_bucket.b["patch"]',
      'GTCORS-013 aws_s3_bucket.b["two-wildcard"]',
    ]);
    expect(result.findings.find((f) => f.address === 'aws_s3_bucket.b["lower-case"]')?.missing).toEqual([
      'aws_s3_bucket_cors_configuration.c["lower-case"]: rule 1: method "get" (S3 takes GET, PUT, HEAD, POST, DELETE, upper-case)',
    ]);
    expect(passes(result)).toEqual(['aws_s3_bucket.b["accepted"]']);
  });

  it("agrees with the endpoint: the apply fails, and exactly the buckets the gate fails end without CORS", () => {
    expect(plans.rejectedApplyCode).toBe(1);
    const gateSays = verdicts(gate(plans.rejected), REJECTED_BUCKETS);
    expect(endStates(plans.afterRejected, REJECTED_BUCKETS)).toEqual(gateSays);
    expect(Object.values(gateSays).filter((v) => v === "fail")).toHaveLength(5);
    // The rule without a method never reaches the endpoint: the provider's AWS SDK refuses a CORSRule without
    // AllowedMethods before sending it. The others are refused by s3rver as S3 refuses them (InvalidRequest).
  });

});
