/**
 * Takes every construct of the scope it is added to and, for each S3 bucket carrying the Ground Truth marking
 * tags but no GroundTruthCors, produces one (or, in strict mode, an error annotation that stops synth). This is
 * how buckets created without LabelingBucket still get the CORS their tags say they need.
 */
import { IConstruct } from "constructs";
import { Annotations, IAspect, TerraformStack, Token } from "cdktf";
import { corsOwnersInStack, managedBucketIdentity } from "./bucket-identity";
import { allowsAllOf, groundTruthCorsRules } from "./cors-merge";
import { CorsRule, HttpMethods } from "./cors-rule";
import { GroundTruthCors } from "./groundtruth-cors";
import { readMarkingTags } from "./marking-tags";
import { isS3Bucket } from "./resource-type";

/** Props of {@link GroundTruthCorsAspect}. */
export interface GroundTruthCorsAspectProps {
  /**
   * Report a marked bucket without Ground Truth CORS as an error instead of attaching the CORS.
   * @default false
   */
  readonly strict?: boolean;
}

/** Attaches (or, when strict, demands) Ground Truth CORS on every bucket tagged `groundtruth:job-types`. */
export class GroundTruthCorsAspect implements IAspect {
  private readonly strict: boolean;

  constructor(props: GroundTruthCorsAspectProps = {}) {
    this.strict = props.strict ?? false;
  }

  public visit(node: IConstruct): void {
    if (!isS3Bucket(node)) {
      return;
    }
    const tags = node.tagsInput;
    if (tags !== undefined && Token.isUnresolved(tags)) {
      Annotations.of(node).addWarning("Ground Truth CORS: tags are only known at apply time, so the marking tags could not be read");
      return;
    }
    const reading = readMarkingTags(tags);
    if (reading.kind === "unmarked") {
      return;
    }
    if (reading.kind === "invalid") {
      Annotations.of(node).addError(
        `Ground Truth CORS: tag ${reading.tag} has the value "${reading.value}"; allowed values: ${reading.allowed}`,
      );
      return;
    }
    const identity = managedBucketIdentity(node);
    const stack = TerraformStack.of(node);
    if (stack.node.findAll().some((c) => c instanceof GroundTruthCors && c.bucketIdentity === identity)) {
      return;
    }
    const required = groundTruthCorsRules(reading.jobTypes, reading.roles);
    if (required.length === 0) {
      return;
    }
    const where = `${reading.jobTypes.join(",")} jobs (${reading.roles.join(",")})`;
    const existing = corsOwnersInStack(node).filter((owner) => owner.bucketIdentity === identity);
    if (existing.length > 0) {
      if (!existing.every((owner) => coversAll(ruleListOf(owner.construct), required))) {
        Annotations.of(node).addError(
          `Ground Truth CORS: the bucket is tagged for ${where} but its CORS, set by ${existing
            .map((o) => o.construct.node.path)
            .join(", ")}, lacks the rules Ground Truth needs; replace it with a GroundTruthCors carrying its rules`,
        );
      }
      return;
    }
    if (this.strict) {
      Annotations.of(node).addError(
        `Ground Truth CORS: the bucket is tagged for ${where} but has no GroundTruthCors; add one (or use LabelingBucket)`,
      );
      return;
    }
    new GroundTruthCors(node.node.scope ?? stack, `${node.node.id}-groundtruth-cors`, {
      bucket: node,
      jobTypes: reading.jobTypes,
      roles: reading.roles,
    });
  }
}

/** Rules of a plain CORS resource or inline block, as far as they are known at synth time. */
function ruleListOf(construct: IConstruct): CorsRule[] | undefined {
  const raw = (construct as { corsRuleInput?: unknown }).corsRuleInput;
  if (!Array.isArray(raw) || Token.isUnresolved(raw)) {
    return undefined;
  }
  return raw.map((rule: Record<string, unknown>) => ({
    allowedMethods: (rule.allowedMethods as HttpMethods[] | undefined) ?? [],
    allowedOrigins: (rule.allowedOrigins as string[] | undefined) ?? [],
    allowedHeaders: rule.allowedHeaders as string[] | undefined,
    exposedHeaders: rule.exposeHeaders as string[] | undefined,
    maxAge: rule.maxAgeSeconds as number | undefined,
  }));
}

function coversAll(rules: CorsRule[] | undefined, required: CorsRule[]): boolean {
  return rules !== undefined && required.every((need) => rules.some((rule) => allowsAllOf(rule, need)));
}
