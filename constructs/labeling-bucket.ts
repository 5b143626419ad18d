/**
 * Takes the job types and roles of a Ground Truth data bucket and produces the bucket with everything such a
 * bucket needs: its Ground Truth CORS (via GroundTruthCors), the marking tags the policy gate reads, public access
 * blocked and default encryption, the last two unless turned off.
 */
import { Construct } from "constructs";
import { Token } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { CorsRule } from "./cors-rule";
import { GroundTruthCors } from "./groundtruth-cors";
import { BucketRole, LabelingJobType, validateBucketRoles, validateJobTypes } from "./job-types";
import { BUCKET_ROLE_TAG, JOB_TYPES_TAG, markingTags } from "./marking-tags";
import { ValidationError } from "./validation-error";

/** How the bucket's objects are encrypted at rest. */
export enum BucketEncryption {
  /** SSE-S3 (`AES256`), keys managed by S3. */
  S3_MANAGED = "S3_MANAGED",
  /** SSE-KMS with the AWS managed key `aws/s3`. */
  KMS_MANAGED = "KMS_MANAGED",
  /** SSE-KMS with the customer managed key given as `encryptionKeyArn`. */
  KMS = "KMS",
  /** No encryption configuration is emitted; S3 still applies its own default (SSE-S3) to new objects. */
  NONE = "NONE",
}

/** Props of {@link LabelingBucket}. */
export interface LabelingBucketProps {
  /** Ground Truth job types whose tasks use this bucket. At least one. */
  readonly jobTypes: LabelingJobType[];
  /**
   * What the bucket holds for those jobs.
   * @default [BucketRole.INPUT]
   */
  readonly roles?: BucketRole[];
  /**
   * Exact bucket name; S3 bucket names are global, so prefer `bucketPrefix` for stacks deployed more than once.
   * @default - a name Terraform generates from `bucketPrefix`
   */
  readonly bucketName?: string;
  /**
   * Prefix of the name Terraform generates when `bucketName` is not given; at most 37 characters.
   * @default - Terraform's own prefix, `terraform-`
   */
  readonly bucketPrefix?: string;
  /**
   * Other CORS rules the bucket needs, merged after the Ground Truth rules.
   * @default - only the Ground Truth rules
   */
  readonly corsRules?: CorsRule[];
  /**
   * Block every form of public access (ACLs and bucket policies).
   * @default true
   */
  readonly blockPublicAccess?: boolean;
  /**
   * Default encryption of new objects.
   * @default BucketEncryption.S3_MANAGED
   */
  readonly encryption?: BucketEncryption;
  /**
   * ARN of the customer managed KMS key; only with `BucketEncryption.KMS`, and required there.
   * @default - none
   */
  readonly encryptionKeyArn?: string;
  /**
   * Let `terraform destroy` delete the bucket while it still holds objects.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Further tags; the two marking tags are set by the construct and cannot be given here.
   * @default - only the marking tags
   */
  readonly tags?: Record<string, string>;
}

/** An S3 bucket for Ground Truth labeling data with the CORS, tags and protections its job types need. */
export class LabelingBucket extends Construct {
  /** The bucket resource. */
  public readonly bucket: S3Bucket;
  /** The bucket's Ground Truth CORS. */
  public readonly cors: GroundTruthCors;
  /** Undefined when `blockPublicAccess` is false. */
  public readonly publicAccessBlock?: S3BucketPublicAccessBlock;
  /** Undefined when `encryption` is `BucketEncryption.NONE`. */
  public readonly encryptionConfiguration?: S3BucketServerSideEncryptionConfigurationA;

  constructor(scope: Construct, id: string, props: LabelingBucketProps) {
    super(scope, id);
    const jobTypes = validateJobTypes(this, props.jobTypes);
    const roles = validateBucketRoles(this, props.roles ?? [BucketRole.INPUT]);
    const encryption = props.encryption ?? BucketEncryption.S3_MANAGED;
    checkEncryption(this, encryption, props.encryptionKeyArn);
    checkName(this, props);
    for (const tag of [JOB_TYPES_TAG, BUCKET_ROLE_TAG]) {
      if (props.tags && tag in props.tags) {
        throw new ValidationError(this, "tags", `"${tag}" is set from jobTypes and roles`, "any tag but the two marking tags");
      }
    }

    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      bucketPrefix: props.bucketName === undefined ? props.bucketPrefix : undefined,
      forceDestroy: props.forceDestroy,
      tags: { ...props.tags, ...markingTags(jobTypes, roles) },
    });
    this.cors = new GroundTruthCors(this, "cors", { bucket: this.bucket, jobTypes, roles, corsRules: props.corsRules });

    if (props.blockPublicAccess ?? true) {
      this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    }
    if (encryption !== BucketEncryption.NONE) {
      this.encryptionConfiguration = new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
        bucket: this.bucket.id,
        rule: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: encryption === BucketEncryption.S3_MANAGED ? "AES256" : "aws:kms",
              kmsMasterKeyId: encryption === BucketEncryption.KMS ? props.encryptionKeyArn : undefined,
            },
            // S3 Bucket Keys cut KMS request costs; they mean nothing for SSE-S3.
            bucketKeyEnabled: encryption === BucketEncryption.S3_MANAGED ? undefined : true,
          },
        ],
      });
    }
  }

  /** The bucket's name, known after apply. */
  public get bucketName(): string {
    return this.bucket.bucket;
  }

  /** The bucket's ARN, known after apply. */
  public get bucketArn(): string {
    return this.bucket.arn;
  }

  /** Adds a CORS rule after the Ground Truth rules; see {@link GroundTruthCors.addCorsRule}. */
  public addCorsRule(rule: CorsRule): void {
    this.cors.addCorsRule(rule);
  }
}

function checkEncryption(scope: Construct, encryption: BucketEncryption, keyArn: string | undefined): void {
  if (!Object.values(BucketEncryption).includes(encryption)) {
    throw new ValidationError(scope, "encryption", `unknown encryption "${encryption}"`, Object.values(BucketEncryption).join(", "));
  }
  if (encryption === BucketEncryption.KMS && !keyArn) {
    throw new ValidationError(scope, "encryptionKeyArn", "BucketEncryption.KMS needs a key", "the ARN of a KMS key");
  }
  if (encryption !== BucketEncryption.KMS && keyArn) {
    throw new ValidationError(scope, "encryptionKeyArn", `a key is only used with BucketEncryption.KMS, not ${encryption}`, "undefined");
  }
}

function checkName(scope: Construct, props: LabelingBucketProps): void {
  if (props.bucketName !== undefined && props.bucketPrefix !== undefined) {
    throw new ValidationError(scope, "bucketPrefix", "bucketName and bucketPrefix exclude each other", "one of the two");
  }
  if (props.bucketPrefix !== undefined && !Token.isUnresolved(props.bucketPrefix) && props.bucketPrefix.length > 37) {
    throw new ValidationError(
      scope,
      "bucketPrefix",
      `"${props.bucketPrefix}" is ${props.bucketPrefix.length} characters`,
      "at most 37 characters (Terraform appends 26 to make a name of at most 63)",
    );
  }
}
