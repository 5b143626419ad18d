/**
 * `regoc`: the compiler's command line, a library first (`run(argv, io)` returns the exit code).
 *   regoc build -e <entrypoint>… [-o policy.wasm | -o bundle.tar.gz] [--strict-builtin-errors] <paths>…
 *   regoc test [-v] [--run <regex>] <paths>…          (runs `test_*` rules, like `opa test`)
 *   regoc eval [-d <path>]… [-i input.json] <query>    (prints the result set as JSON)
 * `--strict-builtin-errors` makes builtin errors evaluation errors, in the module and in the host builtins.
 * Exit codes: 0 success, 1 compile errors / failed tests, 2 usage or unreadable input.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs, ParseArgsConfig } from "util";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile, CompileResult, SourceFile } from "./index";
import { renderDiagnostic } from "./diagnostics";
import { parseModule } from "./syntax/parser";
import { loadSources } from "./sources";
import { writeBundle } from "./bundle";
import { createHostBuiltins } from "./builtins/host";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const USAGE = `usage:
  regoc build -e <entrypoint> [-e …] [-o <policy.wasm|bundle.tar.gz>] [--strict-builtin-errors] <path>…
  regoc test [-v] [--run <regex>] [--strict-builtin-errors] <path>…
  regoc eval [-d <path>]… [-i <input.json>] [--strict-builtin-errors] <query>`;

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
        io.stdout(USAGE + "\n");
        return command === undefined ? 2 : 0;
      default:
        io.stderr(`regoc: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`regoc ${command}: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

class UsageError extends Error {}

function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Prints diagnostics with their source lines; returns whether compilation produced a module. */
function reportDiagnostics(result: CompileResult, modules: readonly SourceFile[], io: CliIO): boolean {
  const sources = new Map(modules.map((m) => [m.file, m.source]));
  for (const d of result.diagnostics) io.stderr(renderDiagnostic(d, sources) + "\n");
  return result.wasm !== undefined;
}

async function build(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, {
    entrypoint: { type: "string", short: "e", multiple: true },
    output: { type: "string", short: "o" },
    target: { type: "string", short: "t" },
    "strict-builtin-errors": { type: "boolean" },
  });
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

function test(args: readonly string[], io: CliIO): number {
  const { values, positionals } = parse(args, {
    verbose: { type: "boolean", short: "v" },
    run: { type: "string", short: "r" },
    "strict-builtin-errors": { type: "boolean" },
  });
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

function evaluate(args: readonly string[], io: CliIO): number {
  const { values, positionals } = parse(args, {
    data: { type: "string", short: "d", multiple: true },
    input: { type: "string", short: "i" },
    "strict-builtin-errors": { type: "boolean" },
  });
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
