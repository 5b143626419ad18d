/**
 * `groundtruth-cors/gate`: the plan-time gate as a library. `check` evaluates plans, Terraform JSON or cdktf.out
 * directories with the shipped policy and returns every finding; `render` formats them as `gt-cors check` does;
 * `run` is the command line itself. Needs neither cdktf nor the AWS provider bindings.
 */
export { check, CheckOptions, render, run, GateIO } from "./cli";
export { GatePolicy, EvaluationError, StackExhaustedError, UnparseableInputError, defaultPolicyPath, InputReport, ShapeError, Unlocated } from "./policy";
export { InputError, GateInput } from "./inputs";
export { readSettings, validateSettings, SettingsError } from "./settings";
export { Finding, ExceptedFinding, BucketStatus, RelatedResource, RuleInfo, GateResult, Severity, Summary, summarize } from "./report";
export { CorsWrite } from "./cross-input";
export { addGroundTruthCorsValidation, GroundTruthCorsValidation, GroundTruthCorsValidationOptions } from "./cdktf-validation";
