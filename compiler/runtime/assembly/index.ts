// The runtime module's entry: what it exports. ABI and rt_* functions come from abi.ts, builtins from the
// builtin files (each exported as b_<name with dots as underscores>); the two ABI version globals live here.

export * from "./abi";
export { b_and, b_or, b_set_diff, b_intersection, b_union } from "./sets";
export * from "./bi-arithmetic";
export * from "./bi-comparison";
export * from "./bi-aggregates";
export * from "./bi-strings";
export * from "./bi-trim";
export * from "./bi-sprintf";
export * from "./bi-types";
export * from "./bi-casts";
export * from "./bi-arrays";
export { b_object_get, b_object_keys, b_object_remove, b_object_filter, b_object_union, b_object_union_n, b_object_subset } from "./bi-objects";
export * from "./bi-json";
export * from "./bi-walk";
export * from "./bi-numbers";
export * from "./bi-encoding";
export * from "./bi-bits";
export { b_regex_is_valid, b_regex_match, b_re_match, b_regex_find_n, b_regex_find_all_string_submatch_n, b_regex_split, b_regex_replace } from "./bi-regex";
export * from "./bi-glob";
export * from "./bi-net";
export * from "./bi-units";
export * from "./bi-crypto";
export * from "./bi-semver";
export * from "./bi-uuid";

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 3;
