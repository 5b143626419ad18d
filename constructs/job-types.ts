/**
 * Takes a Ground Truth job type and a bucket's role and produces the CORS rules AWS documents for it
 * (SageMaker Developer Guide: "CORS Permission Requirement", "3D Point Cloud Labeling Job Permission Requirements",
 * "Video Frame Job Permission Requirements"); also checks job type and role lists given as props.
 * Every other module asks this one what Ground Truth needs.
 */
import { IConstruct } from "constructs";
import { CorsRule, HttpMethods } from "./cors-rule";
import { ValidationError } from "./validation-error";

/** The Ground Truth task types whose buckets need CORS. */
export enum LabelingJobType {
  IMAGE = "image",
  TEXT = "text",
  VIDEO_FRAME = "video-frame",
  POINT_CLOUD = "point-cloud",
}

/** What a bucket holds for a labeling job. */
export enum BucketRole {
  /** Input data (and the input manifest) that workers' browsers read. */
  INPUT = "input",
  /** Output data that the worker UI reads back and writes (video frame and 3D point cloud jobs). */
  OUTPUT = "output",
}

export const ALL_JOB_TYPES: readonly LabelingJobType[] = Object.values(LabelingJobType);
export const ALL_BUCKET_ROLES: readonly BucketRole[] = Object.values(BucketRole);

/** Image and text jobs: GET from any origin, on every bucket that holds input data. */
const BASIC_RULE: CorsRule = {
  allowedHeaders: [],
  allowedMethods: [HttpMethods.GET],
  allowedOrigins: ["*"],
  exposedHeaders: [],
};

/** Video frame and 3D point cloud jobs: the worker UI also reads headers and writes, on input and output buckets. */
const FRAME_AND_POINT_CLOUD_RULE: CorsRule = {
  allowedHeaders: ["*"],
  allowedMethods: [HttpMethods.GET, HttpMethods.HEAD, HttpMethods.PUT],
  allowedOrigins: ["*"],
  exposedHeaders: ["Access-Control-Allow-Origin"],
  maxAge: 3000,
};

/**
 * The CORS rules Ground Truth needs on a bucket with `role` for jobs of `jobType`. Empty when the job type needs
 * none for that role (an image or text job's output bucket).
 */
export function corsRulesFor(jobType: LabelingJobType, role: BucketRole = BucketRole.INPUT): CorsRule[] {
  switch (jobType) {
    case LabelingJobType.IMAGE:
    case LabelingJobType.TEXT:
      return role === BucketRole.INPUT ? [copyRule(BASIC_RULE)] : [];
    case LabelingJobType.VIDEO_FRAME:
    case LabelingJobType.POINT_CLOUD:
      return [copyRule(FRAME_AND_POINT_CLOUD_RULE)];
  }
}

/** Callers may keep and change what they get; the documented rules themselves stay fixed. */
function copyRule(rule: CorsRule): CorsRule {
  return {
    ...rule,
    allowedMethods: [...rule.allowedMethods],
    allowedOrigins: [...rule.allowedOrigins],
    allowedHeaders: [...(rule.allowedHeaders ?? [])],
    exposedHeaders: [...(rule.exposedHeaders ?? [])],
  };
}

export function isLabelingJobType(value: string): value is LabelingJobType {
  return (ALL_JOB_TYPES as readonly string[]).includes(value);
}

export function isBucketRole(value: string): value is BucketRole {
  return (ALL_BUCKET_ROLES as readonly string[]).includes(value);
}

/** The job types without repeats; throws a ValidationError on an empty list or an unknown job type. */
export function validateJobTypes(scope: IConstruct, jobTypes: readonly string[]): LabelingJobType[] {
  const allowed = ALL_JOB_TYPES.join(", ");
  if (jobTypes.length === 0) {
    throw new ValidationError(scope, "jobTypes", "at least one job type is required", allowed);
  }
  for (const jobType of jobTypes) {
    if (!isLabelingJobType(jobType)) {
      throw new ValidationError(scope, "jobTypes", `unknown job type "${jobType}"`, allowed);
    }
  }
  return [...new Set(jobTypes as LabelingJobType[])];
}

/** The roles without repeats; throws a ValidationError on an empty list or an unknown role. */
export function validateBucketRoles(scope: IConstruct, roles: readonly string[]): BucketRole[] {
  const allowed = ALL_BUCKET_ROLES.join(", ");
  if (roles.length === 0) {
    throw new ValidationError(scope, "roles", "at least one role is required", allowed);
  }
  for (const role of roles) {
    if (!isBucketRole(role)) {
      throw new ValidationError(scope, "roles", `unknown bucket role "${role}"`, allowed);
    }
  }
  return [...new Set(roles as BucketRole[])];
}
