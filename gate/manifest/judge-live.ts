/**
 * Judges the CORS read from S3 with the plan gate's own compiled policy, so live checks and plan checks share
 * one set of rules, ids and messages: each bucket becomes an `aws_s3_bucket` with its rules in an
 * `aws_s3_bucket_cors_configuration` of a synthesized Terraform JSON configuration, listed in the data document
 * with the job type and its roles; the findings come back keyed by `s3://bucket`.
 */
import { InputReport, GatePolicy, Unlocated } from "../policy";
import { Finding, GateResult } from "../report";
import type { BucketUse } from "./collect-buckets";
import type { JobType } from "./job-types";
import type { BucketCors } from "./live-cors";

export interface LiveJudgement {
  /** Where the buckets came from, as the reports name the input (the manifest). */
  file: string;
  jobType: JobType;
  buckets: readonly BucketUse[];
  cors: ReadonlyMap<string, BucketCors>;
  /** The user's data document (`--data`): its origins and exceptions apply as in the plan gate. */
  settings: Record<string, unknown>;
  policyFile?: string;
}

export function judgeLive(j: LiveJudgement): GateResult {
  const addresses = new Map<string, string>();
  const buckets: Record<string, { bucket: string }> = {};
  const configs: Record<string, { bucket: string; cors_rule: unknown[] }> = {};
  j.buckets.forEach((use, i) => {
    const name = `bucket_${i}`;
    addresses.set(`aws_s3_bucket.${name}`, `s3://${use.bucket}`);
    buckets[name] = { bucket: use.bucket };
    const rules = j.cors.get(use.bucket);
    if (rules === undefined) throw new Error(`no CORS read for bucket ${use.bucket}`);
    if (rules !== null) {
      addresses.set(`aws_s3_bucket_cors_configuration.${name}`, `s3://${use.bucket}`);
      configs[name] = { bucket: use.bucket, cors_rule: rules };
    }
  });
  const document = { resource: { aws_s3_bucket: buckets, aws_s3_bucket_cors_configuration: configs } };

  const policy = GatePolicy.load(j.policyFile);
  policy.setData(withManifestBuckets(j.settings, j.buckets, j.jobType, false));
  const report: InputReport = policy.evaluate({ file: j.file, bytes: Buffer.from(JSON.stringify(document)) });
  if (report.errors.length > 0 || report.input.kind !== "config") {
    throw new Error(`the policy did not read the synthesized configuration: ${JSON.stringify(report.errors.slice(0, 3))}`);
  }
  const at = (address: string | null): string | null => (address === null ? null : (addresses.get(address) ?? address));
  // Findings about a bucket read live point at the manifest: there is no Terraform root or construct behind them.
  const finding = (f: Unlocated<Finding>): Finding => ({
    ...f,
    address: at(f.address),
    file: j.file,
    root: null,
    declaration: null,
    construct: null,
  });
  const result: GateResult = {
    files: [j.file],
    findings: report.findings.map(finding),
    exceptions: report.exceptions.map((e) => ({ ...finding(e), reason: e.reason, exception: e.exception })),
    buckets: report.buckets.map((b) => ({ ...b, address: at(b.address)!, file: j.file })),
    rules: policy.rules(),
  };
  // The manifest's order: the order a reader of the manifest meets the buckets in.
  const order = new Map(j.buckets.map((use, i) => [`s3://${use.bucket}`, i]));
  const rank = (address: string | null): number => order.get(address ?? "") ?? Number.MAX_SAFE_INTEGER;
  result.findings.sort((a, b) => rank(a.address) - rank(b.address) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  result.exceptions.sort((a, b) => rank(a.address) - rank(b.address));
  result.buckets.sort((a, b) => rank(a.address) - rank(b.address));
  return result;
}

/**
 * The data document with the manifest's buckets added to `groundtruth.buckets`: by name, with the job type and
 * the roles the manifest gives them. `keepBuckets` keeps the user's own entries (plan mode, where they mark other
 * buckets of the plans); live mode judges only the manifest's buckets.
 */
export function withManifestBuckets(
  settings: Record<string, unknown>,
  buckets: readonly BucketUse[],
  jobType: JobType,
  keepBuckets: boolean,
): Record<string, unknown> {
  const groundtruth = (settings.groundtruth ?? {}) as Record<string, unknown>;
  const own = keepBuckets && Array.isArray(groundtruth.buckets) ? groundtruth.buckets : [];
  return { ...settings, groundtruth: { ...groundtruth, buckets: [...own, ...dataEntries(buckets, jobType)] } };
}

/** `groundtruth.buckets` entries for the manifest's buckets, as `--emit-data` writes them. */
export function dataEntries(buckets: readonly BucketUse[], jobType: JobType): Array<{ bucket: string; job_types: string[]; roles: string[] }> {
  return buckets.map((use) => ({ bucket: use.bucket, job_types: [jobType], roles: [...use.roles] }));
}
