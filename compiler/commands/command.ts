/**
 * What every `regoc` command shares: its option table (parsed with node's `util.parseArgs`, and the source of
 * its usage line), the IO it writes to, usage errors, and printing compile diagnostics with their source lines.
 * Each command lives in its own file and exports a `Command`; `compiler/cli.ts` dispatches on the name.
 */
import { parseOptions, UsageError } from "../../cli/options";
import { renderDiagnostic } from "../diagnostics";
import type { CompileResult, SourceFile } from "../index";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in the usage line, e.g. `<regex>`. */
  value?: string;
  description: string;
}

export interface Command {
  name: string;
  summary: string;
  /** Positional arguments as the usage line shows them, e.g. `<path>…`. */
  positionals: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Exit code for a usage error (`opa test` exits 1; `build`/`eval` keep 2). */
  usageExit: number;
  /** What each exit code means, for `--help`. */
  exitCodes: Readonly<Record<number, string>>;
  run(args: ParsedArgs, io: CliIO): Promise<number> | number;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export { UsageError };

export function parseCommandArgs(command: Command, args: readonly string[]): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  return parseOptions(args, options) as ParsedArgs;
}

/** `regoc <command> --help`: the usage line, what the command does, each option, and the exit codes. */
export function commandHelp(command: Command): string {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.type === "string" ? ` ${spec.value ?? "<value>"}` : ""}`;
    return [flag, spec.description + (spec.multiple ? " (repeatable)" : "")];
  });
  rows.push(["-h, --help", "show this help"]);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const exits = Object.entries(command.exitCodes).map(([code, meaning]) => `  ${code}  ${meaning}`);
  return [
    `usage: ${usageLine(command)}`,
    "",
    `${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`,
    "",
    "Options:",
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}${description}`),
    "",
    "Exit codes:",
    ...exits,
  ].join("\n");
}

/** `regoc test [-v] [--run <regex>] … <path>…`, from the command's option table. */
export function usageLine(command: Command): string {
  const flags = Object.entries(command.options).map(([name, spec]) => {
    const flag = spec.short ? `-${spec.short}|--${name}` : `--${name}`;
    const text = spec.type === "string" ? `${flag} ${spec.value ?? "<value>"}` : flag;
    return spec.multiple ? `[${text}]…` : `[${text}]`;
  });
  return `regoc ${command.name} ${flags.join(" ")} ${command.positionals}`.trim();
}

/** Prints diagnostics with their source lines; returns whether compilation produced a module. */
export function reportDiagnostics(result: CompileResult, modules: readonly SourceFile[], io: CliIO): boolean {
  const sources = new Map(modules.map((m) => [m.file, m.source]));
  for (const d of result.diagnostics) io.stderr(renderDiagnostic(d, sources) + "\n");
  return result.wasm !== undefined;
}

export function stringValue(args: ParsedArgs, name: string): string | undefined {
  return args.values[name] as string | undefined;
}

export function stringList(args: ParsedArgs, name: string): string[] {
  return (args.values[name] as string[] | undefined) ?? [];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** The message of anything thrown: the SDK throws strings as well as errors. */
export function errorMessage(e: unknown): string {
  return typeof e === "string" ? e : e instanceof Error ? e.message : String(e);
}
