/**
 * Takes a bucket's job types and roles and produces the marking tags the policy gate uses to recognise Ground
 * Truth buckets in a Terraform plan; reads them back from a bucket's tags for the aspect. Terraform has no labeling
 * job resource in provider 5.x, so these tags are the only way a plan says which buckets Ground Truth reads.
 */
import { ALL_BUCKET_ROLES, ALL_JOB_TYPES, BucketRole, LabelingJobType, isBucketRole, isLabelingJobType } from "./job-types";

/** Comma-separated job types, e.g. `image,video-frame`. */
export const JOB_TYPES_TAG = "groundtruth:job-types";
/** `input`, `output` or `input,output`; a marked bucket without it is an input bucket. */
export const BUCKET_ROLE_TAG = "groundtruth:bucket-role";

/** The two marking tags, values in a fixed order so the same bucket always gets the same tags. */
export function markingTags(jobTypes: readonly LabelingJobType[], roles: readonly BucketRole[]): Record<string, string> {
  return {
    [JOB_TYPES_TAG]: ALL_JOB_TYPES.filter((t) => jobTypes.includes(t)).join(","),
    [BUCKET_ROLE_TAG]: ALL_BUCKET_ROLES.filter((r) => roles.includes(r)).join(","),
  };
}

/** What a bucket's tags say about it, or why they cannot be read. */
export type MarkingTagsReading =
  | { readonly kind: "unmarked" }
  | { readonly kind: "marked"; readonly jobTypes: LabelingJobType[]; readonly roles: BucketRole[] }
  | { readonly kind: "invalid"; readonly tag: string; readonly value: string; readonly allowed: string };

/** Reads the marking tags; values are split on commas and trimmed. */
export function readMarkingTags(tags: Readonly<Record<string, string>> | undefined): MarkingTagsReading {
  const jobTypesValue = tags?.[JOB_TYPES_TAG];
  if (jobTypesValue === undefined) {
    return { kind: "unmarked" };
  }
  const jobTypes = splitTag(jobTypesValue);
  if (jobTypes.length === 0 || !jobTypes.every(isLabelingJobType)) {
    return { kind: "invalid", tag: JOB_TYPES_TAG, value: jobTypesValue, allowed: ALL_JOB_TYPES.join(", ") };
  }
  const rolesValue = tags?.[BUCKET_ROLE_TAG] ?? BucketRole.INPUT;
  const roles = splitTag(rolesValue);
  if (roles.length === 0 || !roles.every(isBucketRole)) {
    return { kind: "invalid", tag: BUCKET_ROLE_TAG, value: rolesValue, allowed: "input, output, input,output" };
  }
  return { kind: "marked", jobTypes: [...new Set(jobTypes)], roles: [...new Set(roles)] };
}

function splitTag(value: string): string[] {
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}
