/**
 * Takes a bucket (managed in this stack or elsewhere), the Ground Truth job types and roles it serves and any
 * other CORS rules, and produces the bucket's one `aws_s3_bucket_cors_configuration`, rendered lazily so rules
 * added later with `addCorsRule` land in it too. Another CORS resource for the same bucket fails synth.
 */
import { Construct } from "constructs";
import { Lazy, TerraformStack } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketCorsConfiguration,
  s3BucketCorsConfigurationCorsRuleToTerraform,
} from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { bucketIdentityOf, corsOwnersInStack, managedBucketIdentity } from "./bucket-identity";
import { groundTruthCorsRules, mergeCorsRules } from "./cors-merge";
import { CorsRule, MAX_CORS_RULES, toProviderCorsRule, validateCorsRule } from "./cors-rule";
import { BucketRole, LabelingJobType, validateBucketRoles, validateJobTypes } from "./job-types";
import { ValidationError } from "./validation-error";

/** Props of {@link GroundTruthCors}. */
export interface GroundTruthCorsProps {
  /**
   * The bucket that gets the CORS configuration: an `S3Bucket` of this stack, or the name of (or a reference to)
   * a bucket managed elsewhere.
   */
  readonly bucket: S3Bucket | string;
  /** Ground Truth job types whose tasks read this bucket. At least one. */
  readonly jobTypes: LabelingJobType[];
  /**
   * What the bucket holds for those jobs. Image and text jobs need CORS on input buckets only; video frame and
   * 3D point cloud jobs on input and output buckets.
   * @default [BucketRole.INPUT]
   */
  readonly roles?: BucketRole[];
  /**
   * Other CORS rules the bucket needs, merged after the Ground Truth rules; a rule equal to one already present
   * is dropped.
   * @default - only the Ground Truth rules
   */
  readonly corsRules?: CorsRule[];
}

/**
 * The single CORS configuration of a bucket used by SageMaker Ground Truth: the documented rules for its job types
 * and roles, merged with the user's own rules. Emits no resource while the merged list is empty (an image job's
 * output bucket without other rules), because S3 rejects an empty CORS configuration.
 */
export class GroundTruthCors extends Construct {
  /** Ground Truth job types, without repeats, in the order given. */
  public readonly jobTypes: readonly LabelingJobType[];
  /** Bucket roles, without repeats, in the order given. */
  public readonly roles: readonly BucketRole[];
  private readonly bucket: S3Bucket | string;
  private readonly extraRules: CorsRule[] = [];
  private configuration?: S3BucketCorsConfiguration;

  constructor(scope: Construct, id: string, props: GroundTruthCorsProps) {
    super(scope, id);
    this.bucket = props.bucket;
    if (typeof props.bucket === "string" && props.bucket.length === 0) {
      throw new ValidationError(this, "bucket", "the bucket name is empty", "an S3Bucket, a bucket name or a reference to one");
    }
    this.jobTypes = validateJobTypes(this, props.jobTypes);
    this.roles = validateBucketRoles(this, props.roles ?? [BucketRole.INPUT]);
    (props.corsRules ?? []).forEach((rule, i) => validateCorsRule(this, `corsRules[${i}]`, rule));
    this.checkRuleCount("corsRules", props.corsRules ?? []);
    this.extraRules.push(...(props.corsRules ?? []));
    this.ensureConfiguration();
    this.node.addValidation({ validate: () => this.competingCorsOwners() });
  }

  /** Adds a rule after the Ground Truth rules and those given so far; ignored if an equal rule is already there. */
  public addCorsRule(rule: CorsRule): void {
    validateCorsRule(this, "addCorsRule(rule)", rule);
    this.checkRuleCount("addCorsRule(rule)", [...this.extraRules, rule]);
    this.extraRules.push(rule);
    this.ensureConfiguration();
  }

  /** The rules the bucket's CORS configuration carries, in order: Ground Truth rules first. */
  public get corsRules(): CorsRule[] {
    return mergeCorsRules(groundTruthCorsRules(this.jobTypes, this.roles), this.extraRules);
  }

  /** The emitted resource; undefined while there is no rule to emit. */
  public get corsConfiguration(): S3BucketCorsConfiguration | undefined {
    return this.configuration;
  }

  /** The bucket's Terraform address when managed in this stack, else its (resolved) name. */
  public get bucketIdentity(): string {
    return typeof this.bucket === "string" ? bucketIdentityOf(this, this.bucket) : managedBucketIdentity(this.bucket);
  }

  private ensureConfiguration(): void {
    if (this.configuration || this.corsRules.length === 0) {
      return;
    }
    this.configuration = new S3BucketCorsConfiguration(this, "configuration", {
      bucket: typeof this.bucket === "string" ? this.bucket : this.bucket.id,
      // Rendered at synth so that rules added after construction are included, already in provider JSON form
      // because the provider's own mapper is skipped for a token.
      corsRule: Lazy.anyValue({
        produce: () => this.corsRules.map((rule) => s3BucketCorsConfigurationCorsRuleToTerraform(toProviderCorsRule(rule))),
      }),
    });
  }

  /** Checked before the rules are kept, so a rejected rule leaves the construct as it was. */
  private checkRuleCount(prop: string, extraRules: readonly CorsRule[]): void {
    const count = mergeCorsRules(groundTruthCorsRules(this.jobTypes, this.roles), extraRules).length;
    if (count > MAX_CORS_RULES) {
      throw new ValidationError(
        this,
        prop,
        `the bucket would carry ${count} CORS rules after merging with the Ground Truth rules`,
        `at most ${MAX_CORS_RULES} rules per bucket`,
      );
    }
  }

  private competingCorsOwners(): string[] {
    const identity = this.bucketIdentity;
    const groundTruthCors = TerraformStack.of(this)
      .node.findAll()
      .filter((c): c is GroundTruthCors => c instanceof GroundTruthCors);
    // A GroundTruthCors is reported once, as itself, not again through the resource it emits.
    const others = [
      ...corsOwnersInStack(this).filter((owner) => !groundTruthCors.some((g) => owner.construct.node.scopes.includes(g))),
      ...groundTruthCors
        .filter((g) => g !== this)
        .map((g) => ({ construct: g, bucketIdentity: g.bucketIdentity, kind: "another GroundTruthCors" })),
    ].filter((owner) => owner.bucketIdentity === identity);
    return others.map(
      (owner) =>
        `bucket ${identity} also gets CORS from ${owner.construct.node.path} (${owner.kind}); S3 keeps one CORS ` +
        "configuration per bucket and the last apply would silently replace the other, so give this construct " +
        "all the bucket's rules (corsRules or addCorsRule) and remove the other",
    );
  }
}
