/**
 * Options more than one command takes, with their meaning in one place: custom builtins (`--builtins`), Rego v0
 * parsing (`--v0-compatible`), builtin errors as evaluation errors (`--strict-builtin-errors`), and the loader's
 * `--ignore` patterns; and loading the Rego and data files as `build` and `eval` both do.
 */
import type { OptionSpec, ParsedArgs } from "./command";
import { flag, stringList } from "./command";
import type { CompileOptions } from "../index";
import { CustomBuiltins, loadCustomBuiltins } from "./custom-builtins";
import type { CliIO } from "./command";
import { LoadedSources, loadSources } from "../sources";

export const SHARED_OPTIONS = {
  ignore: { type: "string", multiple: true, value: "<glob>", description: "skip files and directories whose name matches (as opa --ignore)" },
  builtins: { type: "string", multiple: true, value: "<module.js>", description: "load custom builtins (declarations and implementations) from a JavaScript module" },
  "v0-compatible": { type: "boolean", description: "parse modules as Rego v0 (OPA < 1.0), as OPA 1.x's --v0-compatible" },
  "strict-builtin-errors": { type: "boolean", description: "builtin errors abort evaluation instead of making the call undefined" },
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

/**
 * The Rego and data files under the paths, less `--ignore`d ones; undefined when one cannot be read, after
 * printing why as `regoc <command>: …` (the command then exits 2).
 */
export function loadCommandSources(command: string, paths: readonly string[], args: ParsedArgs, io: CliIO): LoadedSources | undefined {
  const sources = loadSources(paths, io.cwd, { ignore: stringList(args, "ignore") });
  if (sources.errors.length === 0) return sources;
  for (const e of sources.errors) io.stderr(`regoc ${command}: ${e}\n`);
  return undefined;
}
