/**
 * `regoc build -e <entrypoint>… [-o policy.wasm | -o bundle.tar.gz] <path>…`: compiles Rego to an OPA-ABI Wasm
 * module, or to the bundle layout `opa build -t wasm` writes. Exit 0 written, 1 compile errors, 2 usage or
 * unreadable input.
 */
import * as fs from "fs";
import * as path from "path";
import { compile } from "../index";
import { writeBundle } from "../bundle";
import { Command, reportDiagnostics, stringList, stringValue, UsageError } from "./command";
import { compileSettings, loadCommandSources, SHARED_OPTIONS, sharedSettings } from "./shared-options";

export const buildCommand: Command = {
  name: "build",
  summary: "compile Rego to a Wasm module or an OPA Wasm bundle",
  positionals: "<path>…",
  usageExit: 2,
  exitCodes: { 0: "module (or bundle) written", 1: "compile errors, each with file, line and column and the source line", 2: "usage error, or a path that could not be read" },
  options: {
    entrypoint: { type: "string", short: "e", multiple: true, value: "<entrypoint>", description: "a rule to export, `pkg/rule` or `data.pkg.rule` (at least one)" },
    output: { type: "string", short: "o", value: "<policy.wasm|bundle.tar.gz>", description: "where to write (default policy.wasm)" },
    target: { type: "string", short: "t", value: "wasm", description: "only wasm" },
    ...SHARED_OPTIONS,
  },
  async run(args, io) {
    const target = stringValue(args, "target");
    if (target !== undefined && target !== "wasm") throw new UsageError(`unsupported target ${target} (only wasm)`);
    const entrypoints = stringList(args, "entrypoint");
    if (entrypoints.length === 0) throw new UsageError("at least one -e <entrypoint> is required");
    if (args.positionals.length === 0) throw new UsageError("no .rego files or directories given");
    const settings = await sharedSettings(args, io);
    const sources = loadCommandSources("build", args.positionals, args, io);
    if (!sources) return 2;
    const result = compile({ modules: sources.modules, entrypoints, ...compileSettings(settings) });
    if (!reportDiagnostics(result, sources.modules, io)) return 1;
    const output = path.resolve(io.cwd, stringValue(args, "output") ?? "policy.wasm");
    if (/\.tar\.gz$|\.tgz$/.test(output)) {
      await writeBundle(output, { wasm: result.wasm!, entrypoints, data: sources.data, modules: sources.modules });
    } else {
      fs.writeFileSync(output, result.wasm!);
    }
    io.stdout(`wrote ${path.relative(io.cwd, output)} (${result.wasm!.length} bytes, ${entrypoints.length} entrypoint${entrypoints.length === 1 ? "" : "s"})\n`);
    return 0;
  },
};
