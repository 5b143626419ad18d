/**
 * Takes the Ground Truth rules for a bucket's job types and roles plus the user's own rules and produces the one
 * rule list the bucket's single CORS configuration carries: no rule twice, and no Ground Truth rule that another
 * Ground Truth rule already allows.
 */
import { CorsRule, corsRuleIdentity } from "./cors-rule";
import { BucketRole, LabelingJobType, corsRulesFor } from "./job-types";

/**
 * The Ground Truth rules for every pair of job type and role, reduced: a rule that another allows entirely (an
 * image job's GET beside a video frame job's GET/HEAD/PUT) adds nothing and is dropped.
 */
export function groundTruthCorsRules(jobTypes: readonly LabelingJobType[], roles: readonly BucketRole[]): CorsRule[] {
  const wanted = uniqueRules(jobTypes.flatMap((jobType) => roles.flatMap((role) => corsRulesFor(jobType, role))));
  return wanted.filter((rule, i) => !wanted.some((other, j) => j !== i && allowsAllOf(other, rule)));
}

/**
 * Ground Truth rules first, then the user's rules in the order given, each rule once. User rules are kept even
 * when a Ground Truth rule allows the same requests, because S3 answers with the first matching rule's headers
 * and a user rule for a named origin answers differently from one for `*`.
 */
export function mergeCorsRules(groundTruth: readonly CorsRule[], extra: readonly CorsRule[]): CorsRule[] {
  return uniqueRules([...groundTruth, ...extra]);
}

function uniqueRules(rules: readonly CorsRule[]): CorsRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const identity = corsRuleIdentity(rule);
    if (seen.has(identity)) {
      return false;
    }
    seen.add(identity);
    return true;
  });
}

/**
 * True when every request `narrower` lets through, `wider` lets through too, and `wider`'s response adds only
 * headers: same or more methods, origins, requestable and exposed headers, and the same max age if one is set.
 */
export function allowsAllOf(wider: CorsRule, narrower: CorsRule): boolean {
  if (narrower.id !== undefined) {
    return false;
  }
  const lower = (values: readonly string[] | undefined): string[] => (values ?? []).map((v) => v.toLowerCase());
  const coveredBy = (values: readonly string[], patterns: readonly string[]): boolean =>
    values.every((value) => patterns.includes("*") || patterns.includes(value));
  return (
    narrower.allowedMethods.every((method) => wider.allowedMethods.includes(method)) &&
    coveredBy(narrower.allowedOrigins, wider.allowedOrigins) &&
    coveredBy(lower(narrower.allowedHeaders), lower(wider.allowedHeaders)) &&
    lower(narrower.exposedHeaders).every((header) => lower(wider.exposedHeaders).includes(header)) &&
    (narrower.maxAge === undefined || narrower.maxAge === wider.maxAge)
  );
}
