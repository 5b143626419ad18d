/**
 * The labeling job types `gt-cors manifest` knows, with how each one's manifest lines lead to objects, and the
 * bucket roles the policy judges. The names are the policy's (`requirements.rego`).
 */
export const JOB_TYPES = ["image", "text", "video-frame", "point-cloud"] as const;
export type JobType = (typeof JOB_TYPES)[number];

export type BucketRole = "input" | "output";

/** Job types whose output bucket the worker's browser also writes to, so it needs CORS too. */
export function needsOutputCors(jobType: JobType): boolean {
  return jobType === "video-frame" || jobType === "point-cloud";
}
