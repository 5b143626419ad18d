/**
 * The gate's result model: what the policy's `gtcors/report` entrypoint returns for one input, and the
 * combined result of a run over several inputs that the formatters print.
 */

export type Severity = "error" | "warning";

export interface Finding {
  rule: string;
  severity: Severity;
  address: string | null;
  bucket: string | null;
  job_types: string[];
  roles: string[];
  message: string;
  missing: string[];
  /** The CORS rule that fixes the finding, in Terraform's `cors_rule` attribute names. */
  fix: Record<string, unknown> | null;
  /** The input file the finding came from (the data file, for findings about the data file). */
  file: string;
  /** The Terraform root directory (a plan's) or stack folder (a cdk.tf.json's); null for data-file findings. */
  root: string | null;
  /** The resource's `resource "type" "name"` block in the root's (or its module's) `.tf` files, when found. */
  declaration: { file: string; line: number } | null;
  /** The CDKTF construct path (`app/labeling/cors`), for findings in a cdk.tf.json. */
  construct: string | null;
  /** For a finding about one bucket across inputs: the resources of every input that writes its CORS. */
  related?: RelatedResource[];
}

/** A resource in an input of the run, with where to open it. */
export interface RelatedResource {
  file: string;
  address: string;
  root: string | null;
  declaration: { file: string; line: number } | null;
  construct: string | null;
}

export interface ExceptedFinding extends Finding {
  reason: string;
  /** The exception's index in the data file's `groundtruth.exceptions`. */
  exception: number;
}

export interface BucketStatus {
  address: string;
  bucket: string | null;
  job_types: string[];
  roles: string[];
  compliant: boolean;
  file: string;
}

export interface RuleInfo {
  name: string;
  severity: Severity;
  summary: string;
  explanation: string;
}

export interface GateResult {
  files: string[];
  findings: Finding[];
  exceptions: ExceptedFinding[];
  buckets: BucketStatus[];
  rules: Record<string, RuleInfo>;
}

export interface Summary {
  files: number;
  buckets: number;
  errors: number;
  warnings: number;
  exceptions: number;
}

export function summarize(result: GateResult): Summary {
  return {
    files: result.files.length,
    buckets: result.buckets.length,
    errors: result.findings.filter((f) => f.severity === "error").length,
    warnings: result.findings.filter((f) => f.severity === "warning").length,
    exceptions: result.exceptions.length,
  };
}

/** Where to open a finding, for people: `infra/a/main.tf:12`, `construct app/labeling/cors in cdktf.out/stacks/app`,
 * or `root infra/a` when the block was not found; null for findings about the data file. */
export function placeText(f: Finding): string | null {
  if (f.declaration !== null) return `${f.declaration.file}:${f.declaration.line}`;
  if (f.construct !== null) return `construct ${f.construct} in ${f.root}`;
  return f.root === null ? null : `root ${f.root}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
