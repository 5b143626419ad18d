/**
 * The documented Ground Truth CORS rules per job type and bucket role, pinned literally from the SageMaker
 * Developer Guide so a change to them is a deliberate, visible edit.
 */
import { BucketRole, HttpMethods, LabelingJobType, corsRulesFor } from "../../constructs";

const BASIC = {
  allowedHeaders: [],
  allowedMethods: ["GET"],
  allowedOrigins: ["*"],
  exposedHeaders: [],
};

const FRAME_AND_POINT_CLOUD = {
  allowedHeaders: ["*"],
  allowedMethods: ["GET", "HEAD", "PUT"],
  allowedOrigins: ["*"],
  exposedHeaders: ["Access-Control-Allow-Origin"],
  maxAge: 3000,
};

describe("corsRulesFor", () => {
  it.each([LabelingJobType.IMAGE, LabelingJobType.TEXT])("%s input buckets get GET from any origin", (jobType) => {
    expect(corsRulesFor(jobType)).toEqual([BASIC]);
    expect(corsRulesFor(jobType, BucketRole.INPUT)).toEqual([BASIC]);
  });

  it.each([LabelingJobType.IMAGE, LabelingJobType.TEXT])("%s output buckets need no CORS", (jobType) => {
    expect(corsRulesFor(jobType, BucketRole.OUTPUT)).toEqual([]);
  });

  it.each([
    [LabelingJobType.VIDEO_FRAME, BucketRole.INPUT],
    [LabelingJobType.VIDEO_FRAME, BucketRole.OUTPUT],
    [LabelingJobType.POINT_CLOUD, BucketRole.INPUT],
    [LabelingJobType.POINT_CLOUD, BucketRole.OUTPUT],
  ])("%s %s buckets get GET/HEAD/PUT, headers *, Access-Control-Allow-Origin exposed, max age 3000", (jobType, role) => {
    expect(corsRulesFor(jobType, role)).toEqual([FRAME_AND_POINT_CLOUD]);
  });

  it("hands out copies, so a caller's change does not alter the documented rule", () => {
    corsRulesFor(LabelingJobType.IMAGE)[0].allowedMethods.push(HttpMethods.DELETE);
    expect(corsRulesFor(LabelingJobType.IMAGE)).toEqual([BASIC]);
  });
});
