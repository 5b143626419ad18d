/**
 * Regal's three custom builtins (pkg/builtins/regal/regal.go), for `regoc --builtins` (test support for
 * `npm run realworld`, not part of the product): `regal.last(array)`, `regal.parse_module(filename, rego)` (the
 * project's parser, its AST turned into Regal's RoAST JSON) and `regal.is_formatted(rego, options)`.
 */
import { isFormatted, UnsupportedFormatError } from "./rego-format";
import { parseRegalModule } from "./regal-roast";

export const builtins = {
  "regal.last": {
    decl: { args: [{ type: "array" }], result: { type: "any" } },
    impl: (arr: unknown) => (Array.isArray(arr) && arr.length > 0 ? arr[arr.length - 1] : undefined),
  },
  "regal.parse_module": {
    decl: { args: [{ type: "string" }, { type: "string" }], result: { type: "object" } },
    impl: (filename: unknown, source: unknown) => {
      if (typeof filename !== "string" || typeof source !== "string") throw new Error("operands must be strings");
      return parseRegalModule(filename, source);
    },
  },
  "regal.is_formatted": {
    decl: { args: [{ type: "string" }, { type: "object" }], result: { type: "boolean" } },
    // Whether `opa fmt` for the given Rego version leaves the source unchanged (`rego-format.ts`). A parse error
    // throws, as OPA's does (the call is then undefined); so does a construct the formatter does not implement.
    impl: (source: unknown, options: unknown) => {
      if (typeof source !== "string" || options === null || typeof options !== "object") throw new Error("operands must be a string and an object");
      const version = (options as Record<string, unknown>).rego_version === "v0" ? 0 : 1;
      try {
        return isFormatted(source, version);
      } catch (e) {
        // The runtime turns a builtin error into an undefined call, as OPA does; say why where a user sees it.
        if (e instanceof UnsupportedFormatError) process.stderr.write(`regal.is_formatted: not implemented: ${e.message}\n`);
        throw e;
      }
    },
  },
};
