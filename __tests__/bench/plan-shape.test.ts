/**
 * The benchmark's generated plans stay honest: at the reference sizes the generator writes exactly what
 * `terraform show -json` writes for a real root of that shape (planned, applied and drifted against the local S3
 * endpoint), apart from the endpoint's port, the timestamp and the order of relevant_attributes (Terraform's map
 * order), and the gate judges the generated plan as it judges the real one.
 */
import { promises as fs, readFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { check } from "../../gate/cli";
import { GateResult } from "../../gate/report";
import { startLocalS3 } from "../../local-s3";
import { terraformEnvironment } from "../../scripts/terraform-env";
import { planText, uncoveredBuckets } from "../../bench/lib/gate-plan";
import { referencePlan, REFERENCE_SIZES } from "./reference-plan";

jest.setTimeout(300_000);

let work: string;
let real: string;
let generated: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), "plan-shape-"));
  const s3 = await startLocalS3();
  try {
    real = await referencePlan(terraformEnvironment(), s3, path.join(work, "root"));
  } finally {
    await s3.stop();
  }
  generated = path.join(work, "generated.json");
  await fs.writeFile(generated, planText(REFERENCE_SIZES));
});

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** The plan without what differs from run to run. */
function comparable(file: string): Record<string, unknown> {
  const plan = JSON.parse(readFileSync(file, "utf8"));
  plan.configuration.provider_config.aws.expressions.endpoints = "(the local endpoint)";
  plan.timestamp = "(the time)";
  const key = (r: { resource: string }) => r.resource;
  plan.relevant_attributes.sort((a: { resource: string }, b: { resource: string }) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return plan;
}

const verdicts = (result: GateResult) => ({
  buckets: result.buckets.map((b) => `${b.address} ${b.compliant ? "compliant" : "not compliant"}`),
  findings: result.findings.map((f) => `${f.rule} ${f.address}`),
});

test("the generator writes the document terraform show -json writes for the same root", () => {
  expect(comparable(generated)).toEqual(comparable(real));
});

test("the gate judges the generated plan as the real one, and only the module instance without CORS fails", () => {
  const fromReal = verdicts(check([real], { cwd: work }));
  expect(verdicts(check([generated], { cwd: work }))).toEqual(fromReal);
  const failing = fromReal.buckets.filter((b) => b.endsWith(" not compliant")).map((b) => b.replace(/ not compliant$/, ""));
  expect(failing).toEqual(uncoveredBuckets(REFERENCE_SIZES));
  expect(fromReal.buckets).toHaveLength(REFERENCE_SIZES.existing + REFERENCE_SIZES.module + REFERENCE_SIZES.root);
});
