/**
 * `regoc`: the compiler's command line, a library first (`run(argv, io)` returns the exit code). Each command is
 * a module of `compiler/commands/` with its own option table, from which the usage text is made:
 *   regoc build -e <entrypoint>… [-o policy.wasm | -o bundle.tar.gz] <path>…
 *   regoc test [-v] [--run <regex>] [--format json] [-b] [--v0-compatible] <path>…   (as `opa test`)
 *   regoc eval [-d <path>]… [-i input.json] <query>                                   (as `opa eval`)
 * `--builtins <module.js>` (all three) adds custom builtins; `--strict-builtin-errors` makes builtin errors
 * evaluation errors. Exit codes: build/eval 0 success, 1 compile errors, 2 usage or unreadable input; test as
 * `opa test`: 0 all passed, 2 a test failed, 1 the tests could not run.
 */
import { CliIO, Command, commandHelp, parseCommandArgs, usageLine, UsageError } from "./commands/command";
import { CustomBuiltinsError } from "./commands/custom-builtins";
import { buildCommand } from "./commands/build";
import { testCommand } from "./commands/test";
import { evalCommand } from "./commands/eval";
import { didYouMean } from "../cli/options";
import { packageVersion } from "../cli/package-version";

export type { CliIO } from "./commands/command";

const COMMANDS: readonly Command[] = [buildCommand, testCommand, evalCommand];

const USAGE =
  "usage:\n" +
  COMMANDS.map((c) => `  ${usageLine(c)}`).join("\n") +
  "\n\n`regoc <command> --help` shows a command's options and exit codes; `regoc --version` the version.";

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help") {
    (name === undefined ? io.stderr : io.stdout)(USAGE + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    io.stdout(packageVersion() + "\n");
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const names = [...COMMANDS.map((c) => c.name), "--help", "--version"];
    io.stderr(`regoc: unknown command ${JSON.stringify(name)}${didYouMean(name, names)}\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(commandHelp(command) + "\n");
    return 0;
  }
  try {
    return await command.run(parseCommandArgs(command, rest), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`regoc ${name}: ${e.message}\nusage: ${usageLine(command)}\n`);
      return command.usageExit;
    }
    if (e instanceof CustomBuiltinsError) {
      io.stderr(`regoc ${name}: ${e.message}\n`);
      return command.usageExit;
    }
    throw e;
  }
}
