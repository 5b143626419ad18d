/**
 * The README's main job: starts the local S3 endpoint, prints the Ground Truth CORS gate's report on the example app
 * (main.ts), deploys it with `cdktf deploy` (whose synth-time validation stops on a finding),
 * reads every bucket's CORS back with the AWS SDK and prints it, then destroys the stack and stops the endpoint.
 * `--keep` leaves the stack deployed and the endpoint running, printing its address and credentials, until SIGINT
 * (Ctrl-C) or SIGTERM. Either signal, at any step, stops cdktf and Terraform and then the endpoint.
 */
import { GetBucketCorsCommand, S3Client } from "@aws-sdk/client-s3";
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { check, render } from "../gate/cli";
import { EXAMPLE_STACK_NAME, buildExampleApp } from "../main";
import { LocalS3, localS3Client, startLocalS3 } from "../local-s3";
import { CdktfOptions, runCdktfOnStack } from "./cdktf-cli";
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

/**
 * Progress of a long cdktf step: Terraform's resource lines as they come, and a line every 15 s when it is quiet
 * (provider start-up, state refresh), so 30-90 s of deploy never look like a hang.
 */
function progress(step: string, log: (line: string) => void): Pick<CdktfOptions, "onLine"> & { done: () => void } {
  const started = Date.now();
  let last = started;
  const timer = setInterval(() => {
    if (Date.now() - last >= 15_000) {
      log(`  ${step}: still running (${Math.round((Date.now() - started) / 1000)} s)`);
      last = Date.now();
    }
  }, 5_000);
  return {
    onLine: (line: string) => {
      // Terraform's per-resource lines; cdktf's own banners and blank lines add nothing.
      if (/: (Creating|Creation complete|Modifying|Modifications complete|Destroying|Destruction complete|Still \w+)/.test(line)) {
        log(`  ${line.replace(/^\s*\S+\s{2,}/, "").trim()}`);
        last = Date.now();
      }
    },
    done: () => clearInterval(timer),
  };
}

async function main(argv: string[]): Promise<number> {
  const keep = argv.includes("--keep");
  const log = (line: string): boolean => process.stdout.write(`${line}\n`);
  // SIGINT and SIGTERM both stop whatever runs (cdktf and Terraform through the abort signal, the wait in --keep),
  // then the finally block stops the endpoint, so nothing is left listening.
  const stop = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    stoppedBy = signal;
    log(`\n${signal}: stopping`);
    stop.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
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
    const deploying = progress("cdktf deploy", log);
    const deploy = await runCdktfOnStack("deploy", EXAMPLE_STACK_NAME, outdir, {
      env,
      extraArgs: ["--outputs-file", outputsFile],
      onLine: deploying.onLine,
      signal: stop.signal,
    }).finally(deploying.done);
    deployed = true;
    log(`deployed in ${deploy.seconds.toFixed(0)} s`);
    const client = localS3Client(s3);
    for (const { output, bucket, rules } of await readBucketCors(client, await readStackOutputs(outputsFile))) {
      log(`\n${output}: s3://${bucket}, ${rules.length} CORS rule${rules.length === 1 ? "" : "s"} from GetBucketCors`);
      rules.forEach((rule) => log(`  ${JSON.stringify(rule)}`));
    }
    client.destroy();
    if (keep && !stop.signal.aborted) {
      log(`\nkept running until Ctrl-C or SIGTERM (pid ${process.pid}):`);
      log(`  endpoint     ${s3.endpoint} (path-style, region ${s3.region})`);
      log(`  credentials  AWS_ACCESS_KEY_ID=${s3.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${s3.credentials.secretAccessKey}`);
      log(`  stack        ${path.join(outdir, "stacks", EXAMPLE_STACK_NAME)}`);
      log(`  try          AWS_ACCESS_KEY_ID=${s3.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${s3.credentials.secretAccessKey} aws --endpoint-url ${s3.endpoint} s3api list-buckets`);
      await new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve(), { once: true }));
    }
  } finally {
    if (deployed && !keep && !stop.signal.aborted) {
      log("\ncdktf destroy ...");
      const destroying = progress("cdktf destroy", log);
      const destroy = await runCdktfOnStack("destroy", EXAMPLE_STACK_NAME, outdir, { env, onLine: destroying.onLine, signal: stop.signal }).finally(
        destroying.done,
      );
      log(`destroyed in ${destroy.seconds.toFixed(0)} s`);
    }
    await s3.stop();
    await fs.rm(work, { recursive: true, force: true });
    if (stoppedBy) log(`stopped: endpoint ${s3.endpoint} closed`);
  }
  // Stopped by a signal while deploying is a failure; the --keep wait ending on one is the normal end.
  return stoppedBy !== undefined && !(keep && deployed) ? 128 + (stoppedBy === "SIGINT" ? 2 : 15) : 0;
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
