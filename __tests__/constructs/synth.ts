/**
 * Test support for the construct suites: takes a function that builds constructs in a fresh stack and produces
 * the synthesized Terraform JSON (aspects applied, validations run), with look-ups by resource type.
 */
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

export type ResourceBody = Record<string, unknown>;

export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, ResourceBody>>;
}

/** A stack with an AWS provider, inside a testing app whose synth() writes to a temp dir. */
export function newStack(): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return { app, stack };
}

/** Synthesizes with aspects and validations, as `cdktf synth` does. */
export function synthesize(stack: TerraformStack): SynthesizedStack {
  return JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
}

export function resourcesOfType(json: SynthesizedStack, type: string): Record<string, ResourceBody> {
  return json.resource?.[type] ?? {};
}

/** The single resource of `type`; fails the test when there are none or several. */
export function onlyResourceOfType(json: SynthesizedStack, type: string): [string, ResourceBody] {
  const entries = Object.entries(resourcesOfType(json, type));
  if (entries.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${entries.length}: ${entries.map(([name]) => name).join(", ")}`);
  }
  return entries[0];
}

/** The `${aws_s3_bucket.<name>.id}` reference that points at the one aws_s3_bucket in the stack. */
export function onlyBucketReference(json: SynthesizedStack): string {
  const [name] = onlyResourceOfType(json, "aws_s3_bucket");
  return `\${aws_s3_bucket.${name}.id}`;
}
