/**
 * CORS in another root: two real plans (terraform + AWS provider 5.100.0 from the offline mirror), one with the
 * Ground Truth buckets and one with their CORS configurations by name, gated in one run and each alone.
 */
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { check } from "../../gate/cli";
import { runTerraform } from "../../scripts/terraform-cli";
import { terraformEnvironment } from "../../scripts/terraform-env";
import { copyRoot, FIXTURES, plan } from "./fixture-plans";
import { findings, passes } from "./gate-results";

// Under a loaded machine each terraform run takes far longer than its usual few seconds.
jest.setTimeout(300_000);

let work: string;
const plans: Record<string, string> = {};

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-cross-input-"));
  const terraform = terraformEnvironment();
  for (const root of ["storage", "cors"]) {
    const dir = path.join(work, root);
    // Planning creates never calls the endpoint.
    await copyRoot(path.join(FIXTURES, "cross-input", root), dir, "http://127.0.0.1:9");
    await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
    plans[root] = await plan(terraform, dir, "plan");
  }
});

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe("CORS configurations in another plan of the run", () => {
  it("judge the other plan's buckets by name, with those buckets' job types", () => {
    const result = check([plans.storage, plans.cors], { cwd: work });
    expect(findings(result)).toEqual([
      "GTCORS-001 aws_s3_bucket.bare",
      // gt-xi-frames is a video-frame bucket: its GET-only configuration is judged where it is.
      "GTCORS-003 aws_s3_bucket_cors_configuration.frames",
    ]);
    expect(result.findings.find((f) => f.rule === "GTCORS-003")).toMatchObject({ bucket: "gt-xi-frames", file: plans.cors });
    expect(passes(result)).toEqual(["aws_s3_bucket_cors_configuration.images"]);
  });

  it("cannot see the other plan when each is gated alone: the buckets fail", () => {
    expect(findings(check([plans.storage], { cwd: work }))).toEqual(["GTCORS-001 aws_s3_bucket.bare", "GTCORS-001 aws_s3_bucket.frames", "GTCORS-001 aws_s3_bucket.images"]);
  });
});
