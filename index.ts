/**
 * The package's entry point (`import … from "groundtruth-cors"`): the CDKTF constructs that give Ground Truth
 * buckets their CORS, and the synth-time gate that checks a stack with the compiled policy. The gate's own API is
 * `groundtruth-cors/gate`, the Rego→Wasm compiler `groundtruth-cors/compiler`.
 */
export * from "./constructs";
export { addGroundTruthCorsValidation, GroundTruthCorsValidation, GroundTruthCorsValidationOptions } from "./gate/cdktf-validation";
