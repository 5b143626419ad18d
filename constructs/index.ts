/**
 * The constructs library's one entry point: Ground Truth CORS for CDKTF buckets (GroundTruthCors, LabelingBucket,
 * GroundTruthCorsAspect), the rule types and the documented rules per job type.
 */
export { CorsRule, HttpMethods, MAX_CORS_RULES } from "./cors-rule";
export { LabelingJobType, BucketRole, corsRulesFor, ALL_JOB_TYPES, ALL_BUCKET_ROLES } from "./job-types";
export { groundTruthCorsRules, mergeCorsRules, allowsAllOf } from "./cors-merge";
export { JOB_TYPES_TAG, BUCKET_ROLE_TAG, markingTags, readMarkingTags, MarkingTagsReading } from "./marking-tags";
export { GroundTruthCors, GroundTruthCorsProps } from "./groundtruth-cors";
export { LabelingBucket, LabelingBucketProps, BucketEncryption } from "./labeling-bucket";
export { GroundTruthCorsAspect, GroundTruthCorsAspectProps } from "./groundtruth-cors-aspect";
export { ValidationError } from "./validation-error";
