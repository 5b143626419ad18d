/**
 * Takes the one definition of what S3's PutBucketCors accepts (constructs/s3-cors-limits.json, which the constructs'
 * synth-time validation imports) and produces the policy module that carries the same limits
 * (policies/gtcors/limits.rego). `npm run build:policy` writes it; a test fails when the two differ.
 */
import * as path from "path";
import limits from "../constructs/s3-cors-limits.json";
import { PROJECT_ROOT } from "./terraform-env";

export const S3_LIMITS_MODULE = path.join(PROJECT_ROOT, "policies", "gtcors", "limits.rego");

export function s3LimitsRego(): string {
  return [
    "# METADATA",
    "# title: What S3 accepts in a CORS configuration",
    "# description: |",
    "#   Generated from constructs/s3-cors-limits.json by scripts/s3-limits-rego.ts (`npm run build:policy`); the",
    "#   constructs validate rules against the same file. Do not edit by hand.",
    "package gtcors.limits",
    "",
    "import rego.v1",
    "",
    `limits := ${JSON.stringify(limits, null, "\t")}`,
    "",
  ].join("\n");
}
