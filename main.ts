/**
 * The example app: a few Ground Truth labeling buckets wired into one stack. With GROUNDTRUTH_S3_ENDPOINT set,
 * the AWS provider points at that S3 endpoint (the local one `npm start` runs); the resources are the same either way.
 * The Ground Truth CORS gate evaluates the compiled policy on the stack at synth time, so a finding stops a deploy.
 */
import { App, Aspects, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  BUCKET_ROLE_TAG,
  BucketRole,
  GroundTruthCorsAspect,
  HttpMethods,
  JOB_TYPES_TAG,
  LabelingBucket,
  LabelingJobType,
} from "./constructs";
import { localS3ProviderConfig } from "./local-s3/provider-config";
import { addGroundTruthCorsValidation } from "./gate/cdktf-validation";

export const EXAMPLE_STACK_NAME = "groundtruth-example";

/** Where the example stack deploys to. */
export interface ExampleAppOptions {
  /**
   * URL of an S3 endpoint to deploy to instead of AWS, e.g. the local endpoint.
   * @default - AWS, in the region from AWS_REGION or AWS_DEFAULT_REGION, else us-east-1
   */
  readonly s3Endpoint?: string;
  /**
   * Directory for the synthesized stacks.
   * @default - CDKTF_OUTDIR as set by the cdktf CLI, else cdktf.out
   */
  readonly outdir?: string;
  /**
   * Evaluate the Ground Truth CORS policy on the stack at synth time, so `cdktf deploy` stops on a finding.
   * @default true (the synth benchmark turns it off to measure what it costs)
   */
  readonly gate?: boolean;
}

/** Output names of the example stack, each holding one bucket's generated name. */
export const EXAMPLE_BUCKET_OUTPUTS = {
  imageInput: "image_input_bucket",
  videoFrames: "video_frames_bucket",
  reviewedImages: "reviewed_images_bucket",
  legacyPointCloud: "legacy_point_cloud_bucket",
} as const;

class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string, options: ExampleAppOptions) {
    super(scope, id);
    // Beside the synthesized stack, so each output directory (one per test run) has its own state.
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    new AwsProvider(
      this,
      "aws",
      options.s3Endpoint
        ? localS3ProviderConfig(options.s3Endpoint)
        : { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1" },
    );

    const imageInput = new LabelingBucket(this, "image-input", {
      jobTypes: [LabelingJobType.IMAGE],
      bucketPrefix: "gt-example-image-input-",
    });

    // One bucket for a video frame job's input and its output: the worker UI reads and writes both.
    const videoFrames = new LabelingBucket(this, "video-frames", {
      jobTypes: [LabelingJobType.VIDEO_FRAME],
      roles: [BucketRole.INPUT, BucketRole.OUTPUT],
      bucketPrefix: "gt-example-video-frames-",
    });

    // Images that an in-house review tool also uploads corrections to: its own rule is merged after Ground Truth's.
    const reviewedImages = new LabelingBucket(this, "reviewed-images", {
      jobTypes: [LabelingJobType.IMAGE, LabelingJobType.TEXT],
      bucketPrefix: "gt-example-reviewed-images-",
      corsRules: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.POST],
          allowedOrigins: ["https://review.example.com"],
          allowedHeaders: ["Content-Type", "x-amz-*"],
          exposedHeaders: ["ETag"],
          maxAge: 600,
        },
      ],
    });

    // A bucket made without LabelingBucket, marked by its tags only: the aspect below gives it its CORS.
    const legacyPointCloud = new S3Bucket(this, "legacy-point-cloud", {
      bucketPrefix: "gt-example-legacy-point-cloud-",
      tags: { [JOB_TYPES_TAG]: LabelingJobType.POINT_CLOUD, [BUCKET_ROLE_TAG]: "input,output" },
    });
    Aspects.of(this).add(new GroundTruthCorsAspect());
    if (options.gate !== false) {
      addGroundTruthCorsValidation(this);
    }

    new TerraformOutput(this, EXAMPLE_BUCKET_OUTPUTS.imageInput, { value: imageInput.bucketName });
    new TerraformOutput(this, EXAMPLE_BUCKET_OUTPUTS.videoFrames, { value: videoFrames.bucketName });
    new TerraformOutput(this, EXAMPLE_BUCKET_OUTPUTS.reviewedImages, { value: reviewedImages.bucketName });
    new TerraformOutput(this, EXAMPLE_BUCKET_OUTPUTS.legacyPointCloud, { value: legacyPointCloud.bucket });
  }
}

/** The example app, ready to synth. */
export function buildExampleApp(options: ExampleAppOptions = {}): App {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  new ExampleStack(app, EXAMPLE_STACK_NAME, options);
  return app;
}

if (require.main === module) {
  buildExampleApp({ s3Endpoint: process.env.GROUNDTRUTH_S3_ENDPOINT || undefined }).synth();
}
