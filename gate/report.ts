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
  /** The input file the finding came from. */
  file: string;
}

export interface ExceptedFinding extends Finding {
  reason: string;
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

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
