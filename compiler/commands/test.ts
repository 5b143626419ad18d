/**
 * `regoc test <path>…`: runs Rego unit tests as `opa test` does. Loads every module and data file under the
 * paths (OPA's loader rules, `--ignore`, `-b` bundle directories and `.tar.gz` archives), compiles them once
 * with an entrypoint per test definition, evaluates each: `true` passes; undefined or any other value fails; a parameterised test `test_x[name]` passes
 * case by case; an evaluation error is an error. Exit 0 all passed, 2 any test not passed, 1 the run could not
 * start (unreadable input, parse or compile errors, usage).
 */
import { compile, SourceFile } from "../index";
import { parseModule } from "../syntax/parser";
import * as path from "path";
import { addArchive, loadSources } from "../sources";
import { isBundleArchive, readBundleArchive } from "../bundle-archive";
import { Command, errorMessage, flag, reportDiagnostics, stringList, stringValue, UsageError } from "./command";
import { compileSettings, SHARED_OPTIONS, sharedSettings } from "./shared-options";
import { discoverTests } from "./test-discovery";
import { jsonReport, prettyReport } from "./test-report";
import { runTests } from "./test-runner";
import type { ExplainMode } from "../trace/lineage";

const EXPLAIN_MODES = ["fails", "notes", "full", "debug"];

export const testCommand: Command = {
  name: "test",
  summary: "run Rego unit tests (test_* rules) as opa test does",
  positionals: "<path>…",
  usageExit: 1,
  exitCodes: { 0: "every test passed", 1: "the tests could not run: usage error, unreadable path, parse or compile errors", 2: "a test failed or errored" },
  options: {
    verbose: { type: "boolean", short: "v", description: "print every test, not only failures" },
    run: { type: "string", short: "r", value: "<regex>", description: "run only tests whose full name (data.pkg.test_x) matches" },
    format: { type: "string", value: "pretty|json", description: "output format (default pretty)" },
    explain: {
      type: "string",
      value: "fails|notes|full|debug",
      description:
        "as opa test, verbose output and: notes, trace() notes under each test; fails, full, debug, each failed test's evaluation trace (every test's with --format json) from a traced build, which has no Index events and shows expressions in the compiler's order (README)",
    },
    timeout: { type: "string", value: "<duration>", description: "a test still running after this long is stopped and is an error (Go duration; default and 0: 5s)" },
    bundle: { type: "boolean", short: "b", description: "load the paths as bundles" },
    "fail-on-empty": { type: "boolean", description: "exit 1 when no test ran" },
    "exit-zero-on-skipped": { type: "boolean", short: "z", description: "skipped tests (todo_test_*) do not make the exit status 2" },
    ...SHARED_OPTIONS,
  },
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("specify at least one file");
    const format = stringValue(args, "format") ?? "pretty";
    if (format !== "pretty" && format !== "json") throw new UsageError(`--format: unknown format ${JSON.stringify(format)} (pretty or json)`);
    const explain = stringValue(args, "explain");
    if (explain !== undefined && !EXPLAIN_MODES.includes(explain)) throw new UsageError(`--explain: unknown mode ${JSON.stringify(explain)} (${EXPLAIN_MODES.join(", ")})`);
    const verbose = flag(args, "verbose") || explain !== undefined;
    const timeoutText = stringValue(args, "timeout");
    // As in OPA, an unset or zero timeout means 5s.
    const timeoutNs = timeoutText === undefined ? 5e9 : parseGoDuration(timeoutText) || (parseGoDuration(timeoutText) === 0 ? 5e9 : undefined);
    if (timeoutNs === undefined) throw new UsageError(`--timeout: not a duration: ${JSON.stringify(timeoutText)} (e.g. 1s, 500ms)`);
    let filter: RegExp | undefined;
    try {
      const run = stringValue(args, "run");
      filter = run !== undefined ? new RegExp(run) : undefined;
    } catch (e) {
      throw new UsageError(`--run: ${(e as Error).message}`);
    }

    const settings = await sharedSettings(args, io);
    const bundleMode = flag(args, "bundle");
    const archives = bundleMode ? args.positionals.filter(isBundleArchive) : [];
    const loaded = loadSources(
      args.positionals.filter((p) => !archives.includes(p)),
      io.cwd,
      { ignore: stringList(args, "ignore"), bundle: bundleMode },
    );
    for (const archive of archives) {
      try {
        addArchive(loaded, archive, await readBundleArchive(path.resolve(io.cwd, archive)), io.cwd);
      } catch (e) {
        loaded.errors.push(`${archive}: not a readable bundle archive: ${errorMessage(e)}`);
      }
    }
    if (loaded.errors.length > 0) {
      for (const e of loaded.errors) io.stderr(`regoc test: ${e}\n`);
      return 1;
    }
    const regoVersion = settings.regoVersion === 0 ? 0 : (loaded.bundleRegoVersion ?? 1);
    const parsed = loaded.modules.map((source) => ({ source, module: parseModule(source.source, source.file, { regoVersion }).module }));
    const { tests: all, sources, sourcesWithCases } = discoverTests(parsed);
    const tests = all.filter((t) => !filter || filter.test(`${t.pkg}.${t.name}`));
    const runnable = tests.filter((t) => !t.skip);

    // --explain fails|full|debug evaluates a trace-instrumented build; --explain notes needs no trace.
    const traced = explain === "fails" || explain === "full" || explain === "debug";
    // With nothing to run the modules are still compiled, so their errors are reported as `opa test` does.
    const compileWith = (modules: SourceFile[], withCases: boolean) =>
      compile({
        modules,
        ...(runnable.length > 0
          ? { entrypoints: runnable.flatMap((t) => (withCases && t.casesEntrypoint ? [t.entrypoint, t.casesEntrypoint] : [t.entrypoint])) }
          : { queries: [{ name: "compile", query: "true" }] }),
        ...compileSettings(settings),
        regoVersion,
        ...(traced ? { trace: true } : {}),
      });
    const withCases = runnable.some((t) => t.casesEntrypoint) ? compileWith(sourcesWithCases, true) : undefined;
    // Should a companion rule not compile, the cases are judged by the test's own value alone.
    const result = withCases?.wasm ? withCases : compileWith(sources, false);
    if (result !== withCases) for (const t of tests) delete t.casesEntrypoint;
    if (!reportDiagnostics(result, sources, io)) return 1;
    if (tests.length === 0 && flag(args, "fail-on-empty")) {
      io.stderr("no tests were run\n");
      return 1;
    }

    const results = runTests(
      {
        module: new WebAssembly.Module(result.wasm!),
        data: loaded.data,
        custom: settings.custom.implementations,
        strict: settings.strict,
        timeoutNs,
        ...(result.traceSites && traced ? { trace: { sites: result.traceSites, explain: explain as ExplainMode } } : {}),
      },
      tests,
    );
    const showNotes = explain === "notes";
    if (format === "json") for (const part of jsonReport(results)) io.stdout(part);
    else io.stdout(prettyReport(results, verbose, showNotes));
    const skipOk = flag(args, "exit-zero-on-skipped");
    return results.every((r) => !r.fail && r.error === undefined && (!r.skip || skipOk)) ? 0 : 2;
  },
};

/** Go's `time.ParseDuration` for what a command line writes: `1s`, `500ms`, `1m30s`, `2.5s`. */
export function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(text)) !== null) {
    total += parseFloat(match[1]) * units[match[2]];
    consumed = re.lastIndex;
  }
  if (text === "0") return 0;
  return consumed === text.length && consumed > 0 ? total : undefined;
}
