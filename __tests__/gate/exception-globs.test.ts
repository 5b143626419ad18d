/**
 * Exception scopes (`input`, `root`) are path globs matched with picomatch: the documented operators, the ones the
 * earlier hand-written matcher read as literal text (brace sets, character classes), `**` as a whole segment, and
 * Windows-style separators; then through a real run of the gate on two stacks' Terraform JSON.
 */
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { check } from "../../gate/cli";
import { globMatches } from "../../gate/exceptions";
import { findings } from "./gate-results";

describe("a scope glob", () => {
  it.each<[string, string, boolean]>([
    // One segment: * and ?; names starting with a dot are names like any other.
    ["infra/*/gt-plan.json", "infra/labeling/gt-plan.json", true],
    ["infra/*/gt-plan.json", "infra/labeling/eu/gt-plan.json", false],
    ["infra/team-?", "infra/team-a", true],
    ["infra/team-?", "infra/team-ab", false],
    ["*/plan.json", ".staging/plan.json", true],
    // ** as a whole segment spans any number of segments, none included.
    ["**/gt-plan.json", "gt-plan.json", true],
    ["**/gt-plan.json", "infra/a/b/gt-plan.json", true],
    ["infra/**/gt-plan.json", "infra/gt-plan.json", true],
    ["infra/**", "infra", true],
    ["infra/**", "infrastructure/a", false],
    ["**", ".", true],
    // A leading ./ and a trailing / say nothing more; the cwd's own root is ".".
    ["./infra/labeling/", "infra/labeling", true],
    [".", ".", true],
    ["*", ".", false],
    // Brace sets and character classes.
    ["infra/{labeling,platform}", "infra/platform", true],
    ["infra/{labeling,platform}", "infra/billing", false],
    ["infra/team-[ab]", "infra/team-b", true],
    ["infra/team-[!ab]", "infra/team-a", false],
    ["infra/team-[!ab]", "infra/team-c", true],
    ["stacks/{eu,us}-[0-9]/cdk.tf.json", "stacks/eu-1/cdk.tf.json", true],
    ["stacks/eu-[[:digit:]]", "stacks/eu-1", true],
    // Windows-style separators name the same place.
    ["infra\\labeling\\*.json", "infra/labeling/gt-plan.json", true],
    // Other characters match themselves.
    ["infra/a+b (old)", "infra/a+b (old)", true],
    ["infra/a.b", "infra/axb", false],
  ])("%j against %j: %p", (glob, target, expected) => {
    expect(globMatches(glob, target)).toBe(expected);
  });
});

describe("scoped exceptions in a run", () => {
  let work: string;
  const MARKED = { "groundtruth:job-types": "image" };

  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-exception-globs-"));
    for (const team of ["labeling", "platform", "billing"]) {
      const dir = path.join(work, "infra", team);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, "cdk.tf.json"), JSON.stringify({ resource: { aws_s3_bucket: { data: { bucket: `gt-glob-${team}`, tags: MARKED } } } }));
    }
  });

  afterAll(async () => {
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  const inputs = ["labeling", "platform", "billing"].map((team) => path.join("infra", team, "cdk.tf.json"));
  const run = (scope: object) =>
    check(inputs, { cwd: work, settings: { groundtruth: { exceptions: [{ address: "aws_s3_bucket.data", rule: "GTCORS-001", reason: "not yet labeled", ...scope }] } } });

  it("applies a root scope with a brace set to the roots it names, and only those", () => {
    const result = run({ root: "infra/{labeling,platform}" });
    expect(result.exceptions.map((e) => e.bucket).sort()).toEqual(["gt-glob-labeling", "gt-glob-platform"]);
    expect(findings(result)).toEqual(["GTCORS-001 aws_s3_bucket.data"]);
    expect(result.findings[0].bucket).toBe("gt-glob-billing");
  });

  it("applies an input scope with a negated character class", () => {
    const result = run({ input: "infra/[!lp]*/cdk.tf.json" });
    expect(result.exceptions.map((e) => e.bucket)).toEqual(["gt-glob-billing"]);
  });
});
