/**
 * The README's main job: starts the local S3 endpoint, prints the Ground Truth CORS gate's report on the example app
 * (main.ts), deploys it with `cdktf deploy` (whose synth-time validation stops on a finding),
 * reads every bucket's CORS back with the AWS SDK and prints it, then destroys the stack and stops the endpoint.
 * `--keep` leaves the stack deployed and the endpoint running until Ctrl-C.
 */
import { GetBucketCorsCommand, S3Client } from "@aws-sdk/client-s3";
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { check, render } from "../gate/cli";
import { EXAMPLE_STACK_NAME, buildExampleApp } from "../main";
import { LocalS3, localS3Client, startLocalS3 } from "../local-s3";
import { runCdktfOnStack } from "./cdktf-cli";
import { PROJECT_ROOT, terraformEnvironment } from "./terraform-env";

/** A deployed bucket's name and the CORS rules S3 returns for it. */
export interface DeployedBucketCors {
  readonly output: string;
  readonly bucket: string;
  readonly rules: unknown[];
}

/** Reads `cdktf deploy --outputs-file` and returns the stack's outputs. */
export async function readStackOutputs(outputsFile: string, stack = EXAMPLE_STACK_NAME): Promise<Record<string, string>> {
  const all = JSON.parse(await fs.readFile(outputsFile, "utf8")) as Record<string, Record<string, string>>;
  const outputs = all[stack];
  if (!outputs) {
    throw new Error(`${outputsFile} has no outputs for stack ${stack}`);
  }
  return outputs;
}

/** GetBucketCors for every bucket named in the outputs. */
export async function readBucketCors(client: S3Client, outputs: Record<string, string>): Promise<DeployedBucketCors[]> {
  const result: DeployedBucketCors[] = [];
  for (const [output, bucket] of Object.entries(outputs).sort()) {
    const cors = await client.send(new GetBucketCorsCommand({ Bucket: bucket }));
    result.push({ output, bucket, rules: cors.CORSRules ?? [] });
  }
  return result;
}

async function main(argv: string[]): Promise<number> {
  const keep = argv.includes("--keep");
  const log = (line: string): boolean => process.stdout.write(`${line}\n`);
  const terraform = terraformEnvironment();
  log(`terraform ${terraform.version}, AWS provider mirror ${terraform.mirror}, CLI config ${terraform.cliConfigFile}`);

  const s3: LocalS3 = await startLocalS3();
  log(`local S3 endpoint ${s3.endpoint}`);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "groundtruth-example-"));
  const outputsFile = path.join(work, "outputs.json");
  const env = { ...terraform.env, GROUNDTRUTH_S3_ENDPOINT: s3.endpoint };
  const outdir = path.join(PROJECT_ROOT, "cdktf.out");
  let deployed = false;
  try {
    // The same check cdktf deploy runs at synth time, printed: the gate's report on the synthesized stack.
    buildExampleApp({ s3Endpoint: s3.endpoint, outdir }).synth();
    log("gt-cors check (the same gate stops cdktf deploy at synth time on a finding):");
    process.stdout.write(render(check([path.join(outdir, "stacks", EXAMPLE_STACK_NAME)], { cwd: PROJECT_ROOT }), "text"));
    log("cdktf deploy ...");
    const deploy = await runCdktfOnStack("deploy", EXAMPLE_STACK_NAME, outdir, {
      env,
      extraArgs: ["--outputs-file", outputsFile],
    });
    deployed = true;
    log(`deployed in ${deploy.seconds.toFixed(0)} s`);
    const client = localS3Client(s3);
    for (const { output, bucket, rules } of await readBucketCors(client, await readStackOutputs(outputsFile))) {
      log(`\n${output}: s3://${bucket}, ${rules.length} CORS rule${rules.length === 1 ? "" : "s"} from GetBucketCors`);
      rules.forEach((rule) => log(`  ${JSON.stringify(rule)}`));
    }
    client.destroy();
    if (keep) {
      log(`\nkept running: endpoint ${s3.endpoint}, stack ${path.join(outdir, "stacks", EXAMPLE_STACK_NAME)}; Ctrl-C stops`);
      await new Promise<void>((resolve) => process.once("SIGINT", resolve));
      return 0;
    }
  } finally {
    if (deployed && !keep) {
      log("\ncdktf destroy ...");
      const destroy = await runCdktfOnStack("destroy", EXAMPLE_STACK_NAME, outdir, { env });
      log(`destroyed in ${destroy.seconds.toFixed(0)} s`);
    }
    await s3.stop();
    await fs.rm(work, { recursive: true, force: true });
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
