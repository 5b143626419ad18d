/**
 * Linking through instance keys passed into a for_each module as a variable (`bucket_id = aws_s3_bucket.b[each.key].id`):
 * a real plan (terraform + AWS provider 5.100.0 from the offline mirror), gated; each module instance's CORS
 * configuration is for exactly the bucket of its key, and a literal key given to a module (`aws_s3_bucket.c["one"].id`)
 * names that instance only.
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
let planFile: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-module-keys-"));
  const dir = path.join(work, "module-keys");
  // Planning creates never calls the endpoint.
  await copyRoot(path.join(FIXTURES, "module-keys"), dir, "http://127.0.0.1:9");
  const terraform = terraformEnvironment();
  await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  planFile = await plan(terraform, dir, "plan");
});

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe("instance keys passed into a for_each module", () => {
  it("pairs each module instance's CORS configuration with the bucket of its key only", () => {
    const result = check([planFile], { cwd: work });
    expect(findings(result)).toEqual([
      // Only blue's own GET-only configuration: not red's, which would pass it.
      'GTCORS-003 aws_s3_bucket.b["blue"]',
      // No instance has its key: neither red's nor blue's configuration counts for it.
      'GTCORS-001 aws_s3_bucket.b["green"]',
      // module.fixed is given c["one"] by a literal key: c["two"] has no configuration.
      'GTCORS-001 aws_s3_bucket.c["two"]',
    ].sort());
    expect(passes(result)).toEqual(['aws_s3_bucket.b["red"]', 'aws_s3_bucket.c["one"]']);
  });
});
