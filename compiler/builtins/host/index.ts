/**
 * The host-builtins library: builtins the Wasm runtime leaves to its host, in the form the
 * `@open-policy-agent/opa-wasm` SDK takes as `customBuiltins` (JSON values in — sets arrive as arrays —, a JSON
 * value or `undefined` out). Each family lives in its own file and exports `builtins`; this file joins them and
 * applies the error discipline: a failing builtin is undefined, or with `strict` an evaluation error carrying
 * OPA's message, as `opa eval --strict-builtin-errors` does.
 */
import { BuiltinError, HostBuiltin, HostFamily } from "./errors";
import { builtins as jwt } from "./jwt";
import { builtins as time } from "./time";
import { builtins as aws } from "./aws";
import { builtins as identifiers } from "./identifiers";
import { builtins as cryptoX509 } from "./crypto-x509";
import { builtins as graphql } from "./graphql";
import { builtins as regex } from "./regex";
import { builtins as net } from "./net";
import { builtins as jsonPatch } from "./json-patch";
import { builtins as jsonSchema } from "./jsonschema";
import { builtins as text } from "./text";
import { builtins as regoModule } from "./rego-module";
import { builtins as yaml } from "./yaml";
import { traceBuiltins } from "./trace";

export { BuiltinError } from "./errors";
export type { HostBuiltin } from "./errors";

const FAMILIES: HostFamily[] = [jwt, time, aws, identifiers, cryptoX509, graphql, regex, net, jsonPatch, jsonSchema, text, regoModule, yaml];

export interface HostBuiltinOptions {
  /** Builtin errors abort evaluation with OPA's message instead of making the expression undefined. */
  strict?: boolean;
  /** Receives each `trace(note)` call's note, in evaluation order. */
  onTrace?: (note: string) => void;
}

/** Every host builtin, wrapped for the SDK. Pass the result as `loadPolicy(wasm, undefined, builtins)`. */
export function createHostBuiltins(options: HostBuiltinOptions = {}): Record<string, HostBuiltin> {
  const out: Record<string, HostBuiltin> = {};
  for (const family of [...FAMILIES, traceBuiltins(options.onTrace)]) {
    for (const [name, impl] of Object.entries(family)) {
      out[name] = (...args: unknown[]) => {
        try {
          return impl(...args);
        } catch (e) {
          if (!(e instanceof BuiltinError)) throw e;
          if (options.strict) throw new Error(`${e.code}: ${name}: ${e.message}`);
          return e.nonStrictResult;
        }
      };
    }
  }
  return out;
}

/** The library in non-strict mode: what the gate and `regoc` pass to the SDK. */
export const hostBuiltins: Readonly<Record<string, HostBuiltin>> = createHostBuiltins();

/** The names the library implements. */
export function hostBuiltinNames(): string[] {
  return [...FAMILIES, traceBuiltins()].flatMap((f) => Object.keys(f)).sort();
}
