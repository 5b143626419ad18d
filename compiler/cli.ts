/**
 * `regoc`: the compiler's command line, a library first (`run(argv, io)` returns the exit code).
 *   regoc build -e <entrypoint>… [-o policy.wasm | -o bundle.tar.gz] [--strict-builtin-errors] <paths>…
 *   regoc test [-v] [--run <regex>] <paths>…          (runs `test_*` rules, like `opa test`)
 *   regoc eval [-d <path>]… [-i input.json] <query>    (prints the result set as JSON)
 * `--strict-builtin-errors` makes builtin errors evaluation errors, in the module and in the host builtins.
 * Exit codes: 0 success, 1 compile errors / failed tests, 2 usage or unreadable input. Each command's help text
 * sits beside the function that runs it.
 */
import * as fs from "fs";
import * as path from "path";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile, CompileResult, SourceFile } from "./index";
import { renderDiagnostic } from "./diagnostics";
import { parseModule } from "./syntax/parser";
import { loadSources } from "./sources";
import { writeBundle } from "./bundle";
import { createHostBuiltins } from "./builtins/host";
import { didYouMean, parseOptions, UsageError } from "../cli/options";
import { packageVersion } from "../cli/package-version";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const USAGE = `usage:
  regoc build -e <entrypoint> [-e …] [-o <policy.wasm|bundle.tar.gz>] [--strict-builtin-errors] <path>…
  regoc test [-v] [--run <regex>] [--strict-builtin-errors] <path>…
  regoc eval [-d <path>]… [-i <input.json>] [--strict-builtin-errors] <query>

\`regoc <command> --help\` shows a command's options and exit codes; \`regoc --version\` the version.`;

const COMMANDS = ["build", "test", "eval"];

/** A subcommand's help, printed by `regoc <command> --help` and after its usage errors. */
const HELP: Record<string, string> = {};

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "build":
        return await build(rest, io);
      case "test":
        return test(rest, io);
      case "eval":
        return evaluate(rest, io);
      case undefined:
      case "-h":
      case "--help":
        (command === undefined ? io.stderr : io.stdout)(USAGE + "\n");
        return command === undefined ? 2 : 0;
      case "--version":
        io.stdout(packageVersion() + "\n");
        return 0;
      default:
        io.stderr(`regoc: unknown command ${JSON.stringify(command)}${didYouMean(command, [...COMMANDS, "--help", "--version"])}\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`regoc ${command}: ${e.message}\n(\`regoc ${command} --help\` for usage)\n`);
      return 2;
    }
    throw e;
  }
}

/** Parses a subcommand's options; true when --help was asked for and printed. */
function parse(command: string, args: readonly string[], options: Parameters<typeof parseOptions>[1], io: CliIO) {
  const parsed = parseOptions(args, { ...options, help: { type: "boolean", short: "h" } });
  const help = parsed.values.help === true;
  if (help) io.stdout(HELP[command] + "\n");
  return { ...parsed, help };
}

/** Prints diagnostics with their source lines; returns whether compilation produced a module. */
function reportDiagnostics(result: CompileResult, modules: readonly SourceFile[], io: CliIO): boolean {
  const sources = new Map(modules.map((m) => [m.file, m.source]));
  for (const d of result.diagnostics) io.stderr(renderDiagnostic(d, sources) + "\n");
  return result.wasm !== undefined;
}

HELP.build = `usage: regoc build -e <entrypoint> [-e …] [options] <path>…

Compiles Rego v1 modules (.rego files, and data .json/.yaml files, found under each path) into one Wasm module
following the OPA Wasm ABI, with one exported entrypoint per -e (e.g. gtcors/report).

Options:
  -e, --entrypoint <ref>     a rule or package to export, as a/b/c; repeatable; at least one
  -o, --output <file>        policy.wasm (default), or a .tar.gz / .tgz for opa build's bundle layout
  -t, --target wasm          the only target
      --strict-builtin-errors  builtin errors are evaluation errors (as opa eval --strict-builtin-errors)
  -h, --help                 show this help

Exit codes:
  0  module written
  1  compile errors (each with file, line and column and the source line)
  2  usage error, or a path that could not be read`;

async function build(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse("build", args, {
    entrypoint: { type: "string", short: "e", multiple: true },
    output: { type: "string", short: "o" },
    target: { type: "string", short: "t" },
    "strict-builtin-errors": { type: "boolean" },
  }, io);
  if (help) return 0;
  if (values.target !== undefined && values.target !== "wasm") throw new UsageError(`unsupported target ${values.target} (only wasm)`);
  const entrypoints = (values.entrypoint as string[] | undefined) ?? [];
  if (entrypoints.length === 0) throw new UsageError("at least one -e <entrypoint> is required");
  if (positionals.length === 0) throw new UsageError("no .rego files or directories given");
  const sources = loadSources(positionals, io.cwd);
  if (sources.errors.length > 0) {
    for (const e of sources.errors) io.stderr(`regoc build: ${e}\n`);
    return 2;
  }
  const result = compile({
    modules: sources.modules,
    entrypoints,
    strictBuiltinErrors: values["strict-builtin-errors"] === true,
  });
  if (!reportDiagnostics(result, sources.modules, io)) return 1;
  const output = path.resolve(io.cwd, (values.output as string | undefined) ?? "policy.wasm");
  if (/\.tar\.gz$|\.tgz$/.test(output)) {
    await writeBundle(output, { wasm: result.wasm!, entrypoints, data: sources.data, modules: sources.modules });
  } else {
    fs.writeFileSync(output, result.wasm!);
  }
  io.stdout(`wrote ${path.relative(io.cwd, output)} (${result.wasm!.length} bytes, ${entrypoints.length} entrypoint${entrypoints.length === 1 ? "" : "s"})\n`);
  return 0;
}

interface TestRule {
  entrypoint: string;
  name: string;
  file: string;
  row: number;
}

function discoverTests(modules: readonly SourceFile[]): TestRule[] {
  const tests = new Map<string, TestRule>();
  for (const m of modules) {
    const parsed = parseModule(m.source, m.file);
    if (!parsed.module) continue;
    for (const rule of parsed.module.rules) {
      const head = rule.head.ref[0];
      if (head.type !== "var" || !head.name.startsWith("test_") || rule.head.ref.length !== 1 || rule.head.args) continue;
      const entrypoint = [...parsed.module.package.path, head.name].join("/");
      if (!tests.has(entrypoint)) {
        tests.set(entrypoint, { entrypoint, name: `data.${entrypoint.replace(/\//g, ".")}`, file: m.file, row: rule.loc.row });
      }
    }
  }
  return [...tests.values()];
}

HELP.test = `usage: regoc test [options] <path>…

Runs the Rego unit tests under each path, like opa test: every rule named test_* is compiled as an entrypoint and
passes when it evaluates to a value other than false.

Options:
  -v, --verbose              list every test with its result and time, not only failures
  -r, --run <regex>          run only the tests whose name (data.pkg.test_x) matches
      --strict-builtin-errors  builtin errors are evaluation errors
  -h, --help                 show this help

Exit codes:
  0  every test passed
  1  a test failed or errored, or the modules do not compile
  2  usage error, an unreadable path, or no tests found`;

function test(args: readonly string[], io: CliIO): number {
  const { values, positionals, help } = parse("test", args, {
    verbose: { type: "boolean", short: "v" },
    run: { type: "string", short: "r" },
    "strict-builtin-errors": { type: "boolean" },
  }, io);
  if (help) return 0;
  const strict = values["strict-builtin-errors"] === true;
  if (positionals.length === 0) throw new UsageError("no .rego files or directories given");
  const sources = loadSources(positionals, io.cwd);
  if (sources.errors.length > 0) {
    for (const e of sources.errors) io.stderr(`regoc test: ${e}\n`);
    return 2;
  }
  let filter: RegExp | undefined;
  try {
    filter = values.run !== undefined ? new RegExp(values.run as string) : undefined;
  } catch (e) {
    throw new UsageError(`--run: ${(e as Error).message}`);
  }
  const tests = discoverTests(sources.modules).filter((t) => !filter || filter.test(t.name));
  if (tests.length === 0) {
    io.stderr("regoc test: no tests found\n");
    return 2;
  }
  const result = compile({ modules: sources.modules, entrypoints: tests.map((t) => t.entrypoint), strictBuiltinErrors: strict });
  if (!reportDiagnostics(result, sources.modules, io)) return 1;
  const policy = loadPolicySync(result.wasm!, undefined, createHostBuiltins({ strict }));
  policy.setData(sources.data);
  let failed = 0;
  for (const t of tests) {
    const started = process.hrtime.bigint();
    let status: "PASS" | "FAIL" | "ERROR";
    let detail = "";
    try {
      const rs = policy.evaluate(undefined, t.entrypoint) as Array<{ result: unknown }>;
      status = rs.length === 1 && rs[0].result !== false ? "PASS" : "FAIL";
      if (status === "FAIL") detail = rs.length === 0 ? " (undefined)" : " (false)";
    } catch (e) {
      status = "ERROR";
      detail = ` (${typeof e === "string" ? e : (e as Error).message})`;
    }
    if (status !== "PASS") failed++;
    const micros = Number((process.hrtime.bigint() - started) / 1000n);
    if (status !== "PASS" || values.verbose) {
      io.stdout(`${t.file}:${t.row}: ${t.name}: ${status}${detail} (${formatDuration(micros)})\n`);
    }
  }
  io.stdout(`${"-".repeat(80)}\n`);
  io.stdout(failed === 0 ? `PASS: ${tests.length}/${tests.length}\n` : `PASS: ${tests.length - failed}/${tests.length}\nFAIL: ${failed}/${tests.length}\n`);
  return failed === 0 ? 0 : 1;
}

function formatDuration(micros: number): string {
  return micros >= 1000 ? `${(micros / 1000).toFixed(2)}ms` : `${micros}µs`;
}

HELP.eval = `usage: regoc eval [options] <query>

Compiles the query (e.g. 'data.gtcors.report') with the modules and data under each -d path, evaluates it on the
input and prints the result set as JSON ([] when undefined), like opa eval's.

Options:
  -d, --data <path>          a .rego or data file, or a directory of them; repeatable
  -i, --input <file>         the input document (JSON)
      --strict-builtin-errors  builtin errors are evaluation errors
  -h, --help                 show this help

Exit codes:
  0  result set printed
  1  compile or evaluation error
  2  usage error, or an unreadable path or input`;

function evaluate(args: readonly string[], io: CliIO): number {
  const { values, positionals, help } = parse("eval", args, {
    data: { type: "string", short: "d", multiple: true },
    input: { type: "string", short: "i" },
    "strict-builtin-errors": { type: "boolean" },
  }, io);
  if (help) return 0;
  const strict = values["strict-builtin-errors"] === true;
  if (positionals.length !== 1) throw new UsageError("exactly one query is required");
  const sources = loadSources((values.data as string[] | undefined) ?? [], io.cwd);
  if (sources.errors.length > 0) {
    for (const e of sources.errors) io.stderr(`regoc eval: ${e}\n`);
    return 2;
  }
  let input: ArrayBuffer | undefined;
  if (values.input !== undefined) {
    const file = path.resolve(io.cwd, values.input as string);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      io.stderr(`regoc eval: ${values.input}: ${(e as Error).message}\n`);
      return 2;
    }
    try {
      JSON.parse(text);
    } catch (e) {
      io.stderr(`regoc eval: ${values.input}: not JSON: ${(e as Error).message}\n`);
      return 2;
    }
    const bytes = Buffer.from(text, "utf8");
    input = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  const result = compile({ modules: sources.modules, queries: [{ name: "eval", query: positionals[0] }], strictBuiltinErrors: strict });
  if (!reportDiagnostics(result, [...sources.modules, { file: "entrypoint:eval", source: positionals[0] }], io)) return 1;
  const policy = loadPolicySync(result.wasm!, undefined, createHostBuiltins({ strict }));
  policy.setData(sources.data);
  try {
    io.stdout(JSON.stringify(policy.evaluate(input, "eval"), null, 2) + "\n");
  } catch (e) {
    io.stderr(`regoc eval: ${typeof e === "string" ? e : (e as Error).message}\n`);
    return 1;
  }
  return 0;
}
