// A user's CDKTF app, outside this repository: imports everything by package name, with its own cdktf, constructs
// and provider bindings. GT_CONSUMER_UNPROTECTED=1 adds a tagged bucket the aspect does not reach, which the
// synth-time validation must stop.
import { App, Aspects, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  addGroundTruthCorsValidation,
  BucketRole,
  GroundTruthCors,
  GroundTruthCorsAspect,
  LabelingBucket,
  LabelingJobType,
} from "groundtruth-cors";

class LabelingStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "us-east-1" });
    new LabelingBucket(this, "frames", {
      jobTypes: [LabelingJobType.VIDEO_FRAME],
      roles: [BucketRole.INPUT, BucketRole.OUTPUT],
      bucketPrefix: "consumer-frames-",
    });
    new S3Bucket(this, "tagged-images", { bucket: "consumer-tagged-images", tags: { "groundtruth:job-types": "image" } });
    new GroundTruthCors(this, "legacy", { bucket: "consumer-legacy-bucket", jobTypes: [LabelingJobType.TEXT] });
    Aspects.of(this).add(new GroundTruthCorsAspect());
    addGroundTruthCorsValidation(this);
  }
}

const app = new App();
const stack = new LabelingStack(app, "labeling");
if (process.env.GT_CONSUMER_UNPROTECTED === "1") {
  // Added to another stack, outside the aspect's reach: only the gate sees it.
  const other = new TerraformStack(app, "unprotected");
  new AwsProvider(other, "aws", { region: "us-east-1" });
  new S3Bucket(other, "raw", { bucket: "consumer-unprotected", tags: { "groundtruth:job-types": "image" } });
  addGroundTruthCorsValidation(other);
}
void stack;
app.synth();
