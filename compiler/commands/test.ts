/**
 * `regoc test <path>…`: runs Rego unit tests as `opa test` does. Loads every module and data file under the
 * paths (OPA's loader rules, `--ignore`, `-b` bundle directories and `.tar.gz` archives), compiles them once
 * with an entrypoint per test definition, evaluates each: `true` passes; undefined or any other value fails; a parameterised test `test_x[name]` passes
 * case by case; an evaluation error is an error. Exit 0 all passed, 2 any test not passed, 1 the run could not
 * start (unreadable input, parse or compile errors, usage).
 */
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile, SourceFile } from "../index";
import { parseModule } from "../syntax/parser";
import * as path from "path";
import { addArchive, loadSources } from "../sources";
import { isBundleArchive, readBundleArchive } from "../bundle-archive";
import { createHostBuiltins } from "../builtins/host";
import { Command, errorMessage, flag, reportDiagnostics, stringList, stringValue, UsageError } from "./command";
import { compileSettings, IGNORE_OPTION, SHARED_OPTIONS, sharedSettings } from "./shared-options";
import { discoverTests, DiscoveredTest } from "./test-discovery";
import { jsonReport, prettyReport, SubResult, TestResult } from "./test-report";
import { TraceRecorder, type TraceEvent } from "../trace/recorder";
import { explainTrace, type ExplainMode } from "../trace/lineage";

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
    timeout: { type: "string", value: "<duration>", description: "a test that runs longer is an error (Go duration, default 5s)" },
    bundle: { type: "boolean", short: "b", description: "load the paths as bundles" },
    "fail-on-empty": { type: "boolean", description: "exit 1 when no test ran" },
    "exit-zero-on-skipped": { type: "boolean", short: "z", description: "skipped tests (todo_test_*) do not make the exit status 2" },
    ...IGNORE_OPTION,
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

    const capture: Capture = { notes: [], trace: [], ...(traced ? { explain: explain as ExplainMode } : {}) };
    const recorder = result.traceSites ? new TraceRecorder(result.traceSites, (e) => capture.trace.push(e)) : undefined;
    const onTrace = (note: string): void => {
      capture.notes.push(note);
      recorder?.note(note);
    };
    const host = createHostBuiltins({ strict: settings.strict, onTrace });
    const policy = loadPolicySync(result.wasm!, undefined, { ...host, ...settings.custom.implementations, ...recorder?.builtins });
    recorder?.attach(policy.mem);
    capture.recorder = recorder;
    policy.setData(loaded.data);
    const results = tests.map((t) => runTest(policy, t, timeoutNs, capture));
    const showNotes = explain === "notes";
    if (format === "json") for (const part of jsonReport(results)) io.stdout(part);
    else io.stdout(prettyReport(results, verbose, showNotes));
    const skipOk = flag(args, "exit-zero-on-skipped");
    return results.every((r) => !r.fail && r.error === undefined && (!r.skip || skipOk)) ? 0 : 2;
  },
};

type LoadedPolicy = ReturnType<typeof loadPolicySync>;

/**
 * What the test under way records: `trace` notes (through the host library's listener) and, in a traced build,
 * its evaluation events (through the trace recorder), kept as `explain` filters them.
 */
interface Capture {
  notes: string[];
  trace: TraceEvent[];
  explain?: ExplainMode;
  recorder?: TraceRecorder;
}

function runTest(policy: LoadedPolicy, t: DiscoveredTest, timeoutNs: number, capture: Capture): TestResult {
  const result: TestResult = { file: t.file, row: t.row, col: t.col, pkg: t.pkg, name: t.name, durationNs: 0, fail: false, skip: t.skip, subResults: [], notes: [], output: [] };
  if (t.skip) return result;
  capture.notes = result.notes;
  capture.trace = [];
  // The SDK writes `print` output with console.log; OPA keeps it with the test that printed it.
  const log = console.log;
  console.log = (...args: unknown[]) => void result.output.push(args.map(String).join(" "));
  const started = process.hrtime.bigint();
  try {
    const rs = policy.evaluate(undefined, t.entrypoint) as Array<{ result: unknown }>;
    result.durationNs = Number(process.hrtime.bigint() - started);
    keepTrace(result, capture);
    if (rs.length === 0) result.fail = true;
    else if (t.parameterised && isObject(rs[0].result)) {
      result.subResults = subResults(rs[0].result);
      for (const name of startedCases(policy, t)) {
        if (!result.subResults.some((s) => s.name === name)) result.subResults.push({ name, fail: true, subResults: [] });
      }
      result.fail = anyFailed(result.subResults);
    } else result.fail = rs[0].result !== true;
  } catch (e) {
    result.durationNs = Number(process.hrtime.bigint() - started);
    result.error = errorMessage(e);
    keepTrace(result, capture);
  } finally {
    console.log = log;
  }
  // The module runs synchronously and cannot be interrupted: an overrun is reported once the test returns.
  if (result.durationNs > timeoutNs && result.error === undefined) {
    result.error = `eval_cancel_error: test timed out after ${(timeoutNs / 1e9).toString()}s`;
    result.fail = false;
  }
  return result;
}

/** The test's own evaluation's trace, as --explain keeps it (later evaluations, of its cases, are not traced). */
function keepTrace(result: TestResult, capture: Capture): void {
  capture.recorder?.drain();
  if (capture.explain) result.trace = explainTrace(capture.explain, capture.trace);
  capture.trace = [];
}

/** The cases the test's body started (its companion rule), named as OPA names them: strings as they are, else JSON. */
function startedCases(policy: LoadedPolicy, t: DiscoveredTest): string[] {
  if (!t.casesEntrypoint) return [];
  const rs = policy.evaluate(undefined, t.casesEntrypoint) as Array<{ result: unknown }>;
  const cases = rs.length > 0 && Array.isArray(rs[0].result) ? rs[0].result : [];
  return cases.map((c) => (typeof c === "string" ? c : JSON.stringify(c)));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A case is passed when its value is `true`; nested objects are nested cases (`test_x[a][b]`). */
function subResults(value: Record<string, unknown>): SubResult[] {
  return Object.entries(value).map(([name, v]) => {
    if (isObject(v)) {
      const nested = subResults(v);
      return { name, fail: anyFailed(nested), subResults: nested };
    }
    return { name, fail: v !== true, subResults: [] };
  });
}

function anyFailed(subs: readonly SubResult[]): boolean {
  return subs.some((s) => s.fail);
}

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
