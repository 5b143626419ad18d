/**
 * `gt-cors manifest`: before `CreateLabelingJob`, checks that every bucket a job's input manifest makes the
 * workers' browsers read (and its output bucket, where the job type needs CORS there) has the CORS the job type
 * needs. Live mode reads each bucket's CORS from S3; plan mode (`--plan`) judges the same buckets in Terraform
 * plans. Exit 0 clean, 1 findings, 2 anything that could not be read or trusted — like `gt-cors check`.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { S3Client } from "@aws-sdk/client-s3";
import { check, GateIO, render } from "../cli";
import { InputError } from "../inputs";
import { EvaluationError } from "../policy";
import { GateResult, plural } from "../report";
import { readSettings, SettingsError } from "../settings";
import { BucketUse, collectBuckets, whereNamed } from "./collect-buckets";
import { ManifestError } from "./errors";
import { JOB_TYPES, JobType, needsOutputCors } from "./job-types";
import { dataEntries, judgeLive, withManifestBuckets } from "./judge-live";
import { readBucketsCors } from "./live-cors";
import { manifestS3Client } from "./s3-client";

const FORMATS = ["text", "json", "sarif", "junit", "github"] as const;
type Format = (typeof FORMATS)[number];

export const MANIFEST_USAGE =
  `usage: gt-cors manifest <manifest.jsonl | s3://bucket/key> --job-type ${JOB_TYPES.join("|")} [--output s3://bucket/prefix] ` +
  `[--endpoint URL] [--format ${FORMATS.join("|")}] [--plan plan.json …] [--emit-data file] [--data file] [--fail-on-warning]`;

export async function runManifest(argv: readonly string[], io: GateIO): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(MANIFEST_USAGE + "\n");
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        "job-type": { type: "string", short: "t" },
        output: { type: "string", short: "o" },
        endpoint: { type: "string" },
        format: { type: "string", short: "f", default: "text" },
        plan: { type: "string", multiple: true },
        "emit-data": { type: "string" },
        data: { type: "string", short: "d" },
        policy: { type: "string" },
        "fail-on-warning": { type: "boolean" },
      },
    });
  } catch (e) {
    return usageError(io, (e as Error).message);
  }
  const { values, positionals } = parsed;
  const [manifest, ...morePlans] = positionals;
  const jobType = values["job-type"];
  const format = values.format as string;
  const plans = [...(values.plan ?? []), ...(values.plan ? morePlans : [])];
  if (manifest === undefined) return usageError(io, "no manifest given");
  if (!values.plan && morePlans.length > 0) return usageError(io, `one manifest at a time (also given: ${morePlans.join(", ")})`);
  if (jobType === undefined) return usageError(io, "--job-type is required: the CORS a bucket needs depends on it");
  if (!(JOB_TYPES as readonly string[]).includes(jobType)) return usageError(io, `unknown job type ${JSON.stringify(jobType)} (expected ${JOB_TYPES.join(", ")})`);
  if (!(FORMATS as readonly string[]).includes(format)) return usageError(io, `unknown format ${JSON.stringify(format)} (expected ${FORMATS.join(", ")})`);

  let client: S3Client | undefined;
  const s3 = { endpoint: values.endpoint };
  const lazyClient = (): S3Client => (client ??= manifestS3Client(s3));
  try {
    const settings = values.data !== undefined ? readSettings(values.data, io.cwd) : {};
    const buckets = await collectBuckets({ manifest, jobType: jobType as JobType, output: values.output, cwd: io.cwd, client: lazyClient, ...s3 });
    if (needsOutputCors(jobType as JobType) && values.output === undefined) {
      io.stderr(`gt-cors manifest: note: no --output given, so the job's output bucket (which ${jobType} jobs need CORS on) is not checked\n`);
    }
    if (values["emit-data"] !== undefined) emitData(values["emit-data"], buckets, jobType as JobType, io);
    const result =
      plans.length > 0
        ? judgeInPlans(plans, buckets, jobType as JobType, settings, values.policy, io.cwd)
        : judgeLive({
            file: manifest,
            jobType: jobType as JobType,
            buckets,
            cors: await readBucketsCors(buckets, lazyClient(), s3),
            settings,
            policyFile: values.policy === undefined ? undefined : path.resolve(io.cwd, values.policy),
          });
    io.stdout((format === "text" ? bucketLines(buckets, result) : "") + render(result, format as Format));
    const errors = result.findings.some((f) => f.severity === "error");
    const warnings = result.findings.some((f) => f.severity === "warning");
    return errors || (values["fail-on-warning"] && warnings) ? 1 : 0;
  } catch (e) {
    if (e instanceof ManifestError || e instanceof InputError || e instanceof SettingsError || e instanceof EvaluationError) {
      io.stderr(`gt-cors manifest: ${e.message}\n`);
      return 2;
    }
    io.stderr(`gt-cors manifest: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  } finally {
    client?.destroy();
  }
}

function usageError(io: GateIO, message: string): number {
  io.stderr(`gt-cors manifest: ${message}\n${MANIFEST_USAGE}\n`);
  return 2;
}

/**
 * The plan gate on the plans, with the manifest's buckets added to the data document; a manifest bucket that no
 * plan names cannot be judged there, which is an error rather than a pass.
 */
function judgeInPlans(
  plans: readonly string[],
  buckets: readonly BucketUse[],
  jobType: JobType,
  settings: Record<string, unknown>,
  policy: string | undefined,
  cwd: string,
): GateResult {
  const result = check(plans, { settings: withManifestBuckets(settings, buckets, jobType, true), policy, cwd });
  const judged = new Set(result.buckets.map((b) => b.bucket));
  const unseen = buckets.filter((use) => !judged.has(use.bucket));
  if (unseen.length > 0) {
    const list = unseen.map((use) => `${JSON.stringify(use.bucket)} (${whereNamed(use)})`).join(", ");
    throw new ManifestError(
      `${plural(unseen.length, "bucket")} the manifest reads ${unseen.length === 1 ? "is" : "are"} in none of the plans (no aws_s3_bucket or ` +
        `aws_s3_bucket_cors_configuration there names ${unseen.length === 1 ? "it" : "them"}), so the plans cannot tell ${unseen.length === 1 ? "its" : "their"} CORS: ${list}; ` +
        `add the plan that manages ${unseen.length === 1 ? "it" : "them"}, or check live without --plan`,
    );
  }
  return result;
}

function emitData(file: string, buckets: readonly BucketUse[], jobType: JobType, io: GateIO): void {
  // One entry a line, as the README writes the data file, so it reads (and diffs) like one written by hand.
  const entries = dataEntries(buckets, jobType).map((e) => `      ${JSON.stringify(e).replace(/([:,])(?=["[])/g, "$1 ").replace(/^\{|\}$/g, (b) => (b === "{" ? "{ " : " }"))}`);
  const text = `{\n  "groundtruth": {\n    "buckets": [\n${entries.join(",\n")}\n    ]\n  }\n}\n`;
  try {
    fs.writeFileSync(path.resolve(io.cwd, file), text);
  } catch (e) {
    throw new ManifestError(`--emit-data ${file}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  io.stderr(`gt-cors manifest: wrote ${plural(buckets.length, "bucket entry").replace("entrys", "entries")} for groundtruth.buckets to ${file}\n`);
}

/** Text only: every bucket the job reads, judged, before the findings (which name only the failing ones). */
function bucketLines(buckets: readonly BucketUse[], result: GateResult): string {
  const lines = buckets.map((use) => {
    const judged = result.buckets.filter((b) => b.bucket === use.bucket);
    const verdict = judged.length > 0 && judged.every((b) => b.compliant) ? "pass" : "fail";
    const where = judged.some((b) => !b.address.startsWith("s3://")) ? ` in ${judged.map((b) => `${b.file} ${b.address}`).join(", ")}` : "";
    return `${verdict.padEnd(7)} s3://${use.bucket} (${use.roles.join(" and ")})${where}: ${whereNamed(use)}`;
  });
  return lines.join("\n") + "\n\n";
}
