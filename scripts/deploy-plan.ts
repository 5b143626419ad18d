/**
 * `npm run deploy`: the plan-time gate around a Terraform apply. Synthesizes the example app (main.ts) for the local
 * S3 endpoint, then `terraform plan` → `gt-cors check` on the plan JSON → `terraform apply` of exactly that plan,
 * and only when the gate exits 0. Prints the gate's report and each bucket's CORS; destroys (through the gate
 * again) unless `--keep`. `planGateApply` is the same flow for any Terraform working directory.
 */
import { promises as fs } from "fs";
import * as path from "path";
import { check, render } from "../gate/cli";
import { EXAMPLE_STACK_NAME, buildExampleApp } from "../main";
import { LocalS3, localS3Client, startLocalS3 } from "../local-s3";
import { readBucketCors } from "./deploy-example";
import { runTerraform } from "./terraform-cli";
import { PROJECT_ROOT, TerraformEnvironment, terraformEnvironment } from "./terraform-env";

export interface GatedApply {
  /** The gate's exit code on the plan: 0 applied, 1 findings (not applied), 2 unreadable plan (not applied). */
  readonly gateExitCode: number;
  /** The gate's text report. */
  readonly report: string;
  readonly applied: boolean;
}

/**
 * In an initialized Terraform working directory: plan (or plan a destroy), check the plan with the gate, and
 * apply the saved plan only when the gate passes, so what is applied is exactly what was checked.
 */
export async function planGateApply(
  terraform: TerraformEnvironment,
  dir: string,
  options: { destroy?: boolean; data?: string } = {},
): Promise<GatedApply> {
  const planFile = options.destroy ? "destroy.tfplan" : "gated.tfplan";
  await runTerraform(terraform, dir, ["plan", "-input=false", "-no-color", `-out=${planFile}`, ...(options.destroy ? ["-destroy"] : [])]);
  const shown = await runTerraform(terraform, dir, ["show", "-json", planFile]);
  const planJson = path.join(dir, `${path.basename(planFile, ".tfplan")}.json`);
  await fs.writeFile(planJson, shown.stdout);
  let gateExitCode: number;
  let report: string;
  try {
    const result = check([planJson], { cwd: dir, data: options.data });
    report = render(result, "text");
    gateExitCode = result.findings.some((f) => f.severity === "error") ? 1 : 0;
  } catch (e) {
    report = `gt-cors: ${(e as Error).message}\n`;
    gateExitCode = 2;
  }
  if (gateExitCode !== 0) return { gateExitCode, report, applied: false };
  await runTerraform(terraform, dir, ["apply", "-input=false", "-no-color", planFile]);
  return { gateExitCode, report, applied: true };
}

async function main(argv: string[]): Promise<number> {
  const keep = argv.includes("--keep");
  const log = (line: string): boolean => process.stdout.write(`${line}\n`);
  const terraform = terraformEnvironment();
  const s3: LocalS3 = await startLocalS3();
  log(`local S3 endpoint ${s3.endpoint}`);
  const outdir = path.join(PROJECT_ROOT, "cdktf.out");
  const dir = path.join(outdir, "stacks", EXAMPLE_STACK_NAME);
  let applied = false;
  try {
    buildExampleApp({ s3Endpoint: s3.endpoint, outdir }).synth();
    await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
    log("terraform plan → gt-cors check → terraform apply ...");
    const gated = await planGateApply(terraform, dir);
    process.stdout.write(gated.report);
    if (!gated.applied) {
      log(`gt-cors exited ${gated.gateExitCode}: nothing was applied`);
      return 1;
    }
    applied = true;
    const outputs = JSON.parse((await runTerraform(terraform, dir, ["output", "-json"])).stdout) as Record<string, { value: string }>;
    const client = localS3Client(s3);
    const names = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
    for (const { output, bucket, rules } of await readBucketCors(client, names)) {
      log(`${output}: s3://${bucket}, ${rules.length} CORS rule${rules.length === 1 ? "" : "s"} from GetBucketCors`);
    }
    client.destroy();
    if (keep) {
      log(`kept running: endpoint ${s3.endpoint}, stack ${dir}; Ctrl-C stops`);
      await new Promise<void>((resolve) => process.once("SIGINT", resolve));
      return 0;
    }
  } finally {
    if (applied && !keep) {
      log("destroy: terraform plan -destroy → gt-cors check → terraform apply ...");
      const destroyed = await planGateApply(terraform, dir, { destroy: true });
      process.stdout.write(destroyed.report);
    }
    await s3.stop();
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
