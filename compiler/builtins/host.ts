/**
 * Host builtins: implementations of builtins the Wasm runtime leaves to its host, in the form the
 * `@open-policy-agent/opa-wasm` SDK takes as `customBuiltins` (JSON values in, a JSON value or undefined out).
 */
export type HostBuiltin = (...args: unknown[]) => unknown;

export const hostBuiltins: Readonly<Record<string, HostBuiltin>> = {};
