/**
 * Options more than one command takes, with their meaning in one place: custom builtins (`--builtins`), Rego v0
 * parsing (`--v0-compatible`), builtin errors as evaluation errors (`--strict-builtin-errors`), and the loader's
 * `--ignore` patterns.
 */
import type { OptionSpec, ParsedArgs } from "./command";
import { flag, stringList } from "./command";
import type { CompileOptions } from "../index";
import { CustomBuiltins, loadCustomBuiltins } from "./custom-builtins";
import type { CliIO } from "./command";

export const SHARED_OPTIONS = {
  builtins: { type: "string", multiple: true, value: "<module.js>", description: "load custom builtins (declarations and implementations) from a JavaScript module" },
  "v0-compatible": { type: "boolean", description: "parse modules as Rego v0 (OPA < 1.0), as OPA 1.x's --v0-compatible" },
  "strict-builtin-errors": { type: "boolean", description: "builtin errors abort evaluation instead of making the call undefined" },
} satisfies Record<string, OptionSpec>;

export const IGNORE_OPTION = {
  ignore: { type: "string", multiple: true, value: "<glob>", description: "skip files and directories whose name matches (as opa --ignore)" },
} satisfies Record<string, OptionSpec>;

export interface SharedSettings {
  strict: boolean;
  regoVersion: 0 | 1;
  custom: CustomBuiltins;
}

export async function sharedSettings(args: ParsedArgs, io: CliIO): Promise<SharedSettings> {
  const strict = flag(args, "strict-builtin-errors");
  return {
    strict,
    regoVersion: flag(args, "v0-compatible") ? 0 : 1,
    custom: await loadCustomBuiltins(stringList(args, "builtins"), io.cwd, strict),
  };
}

/** The compile options every command passes on from the shared settings. */
export function compileSettings(s: SharedSettings): Pick<CompileOptions, "customBuiltins" | "strictBuiltinErrors" | "regoVersion"> {
  return { customBuiltins: s.custom.declarations, strictBuiltinErrors: s.strict, regoVersion: s.regoVersion };
}
