/**
 * The gate inside CDKTF: a construct validation that evaluates the compiled policy on a stack's synthesized
 * Terraform JSON when the app synthesizes, so `cdktf synth`, `cdktf plan` and `cdktf deploy` stop before Terraform
 * runs when a marked bucket lacks the CORS its labeling jobs need. Each error finding becomes one validation error.
 */
import type { TerraformStack } from "cdktf";
import type { IValidation } from "constructs";
import { fixText } from "./format/text";
import { GatePolicy } from "./policy";
import { readSettings, validateSettings } from "./settings";

/** How the stack is checked. */
export interface GroundTruthCorsValidationOptions {
  /**
   * The data document (`{ "groundtruth": { "origins", "buckets", "exceptions" } }`), as `gt-cors check --data` takes it.
   * @default - none: buckets are recognised by their marking tags, and any origin is required
   */
  readonly data?: Record<string, unknown>;
  /**
   * A data file (JSON or YAML) to read instead of `data`.
   * @default - none
   */
  readonly dataFile?: string;
  /**
   * Fail on warnings (a shadowing rule, inline cors_rule, an unlinked CORS configuration) too.
   * @default false
   */
  readonly failOnWarning?: boolean;
  /**
   * The compiled policy.
   * @default - the shipped policies/gtcors.wasm
   */
  readonly policyFile?: string;
}

const loaded = new Map<string, GatePolicy>();

/** One policy instance per module file, reused by every stack of the process. */
function policyFor(file: string | undefined): GatePolicy {
  const key = file ?? "";
  let policy = loaded.get(key);
  if (!policy) {
    policy = GatePolicy.load(file);
    loaded.set(key, policy);
  }
  return policy;
}

export class GroundTruthCorsValidation implements IValidation {
  constructor(
    private readonly stack: TerraformStack,
    private readonly options: GroundTruthCorsValidationOptions = {},
  ) {}

  validate(): string[] {
    let data: Record<string, unknown> = {};
    if (this.options.dataFile !== undefined) data = readSettings(this.options.dataFile);
    else if (this.options.data !== undefined) {
      validateSettings("GroundTruthCorsValidation data", this.options.data);
      data = this.options.data;
    }
    const policy = policyFor(this.options.policyFile);
    policy.setData(data);
    const file = `${this.stack.node.path} (synthesized)`;
    const report = policy.evaluate({ file, bytes: Buffer.from(JSON.stringify(this.stack.toTerraform()), "utf8") });
    if (report.input.kind !== "config") return [`gt-cors: the policy did not read ${file} as Terraform JSON configuration`];
    if (report.errors.length > 0) return report.errors.map((e) => `gt-cors: ${e.path}: ${e.message}`);
    return report.findings
      .filter((f) => f.severity === "error" || this.options.failOnWarning === true)
      .map((f) => `${f.rule} ${f.address ?? "-"}: ${f.message}${f.fix ? `; fix: ${fixText(f.fix)}` : ""}`);
  }
}

/** Adds the Ground Truth CORS gate to a stack's validations; returns the validation for tests. */
export function addGroundTruthCorsValidation(stack: TerraformStack, options: GroundTruthCorsValidationOptions = {}): GroundTruthCorsValidation {
  const validation = new GroundTruthCorsValidation(stack, options);
  stack.node.addValidation(validation);
  return validation;
}
