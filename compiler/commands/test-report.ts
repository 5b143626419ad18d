/**
 * Formats test results as `opa test` does. Pretty: for each failed test (each test with `-v`) a `file:row:` line,
 * then `data.pkg.test_x: PASS (1.2ms)` with Go's duration spelling, sub-results of parameterised tests indented
 * beneath, errors indented; then a rule of dashes and `PASS: n/m`, `FAIL: n/m`, `SKIPPED: n/m`, `ERROR: n/m`
 * (a parameterised test counts once per case); `print` output under its test, `trace` notes with --explain notes;
 * with --explain fails|full|debug each failed test's evaluation trace under FAILURES (trace/pretty.ts).
 * JSON (`--format json`): OPA's array of result objects, with the trace as `trace`.
 */
import { prettyTrace, traceEventJson } from "../trace/pretty";
import type { TraceEvent } from "../trace/recorder";

export interface SubResult {
  name: string;
  fail: boolean;
  subResults: SubResult[];
}

export interface TestResult {
  file: string;
  row: number;
  col: number;
  pkg: string;
  name: string;
  /** Nanoseconds, as Go's time.Duration. */
  durationNs: number;
  fail: boolean;
  skip: boolean;
  error?: string;
  subResults: SubResult[];
  /** The notes `trace(note)` recorded (shown with `--explain notes|full`). */
  notes: string[];
  /** What `print` wrote while the test ran (shown with the test when verbose or not passed, as OPA does). */
  output: string[];
  /** The evaluation trace as `--explain` filters it (recorded with --explain fails|full|debug only). */
  trace?: TraceEvent[];
}

/** A test's record before it runs: where it is, what it is called, no outcome yet. Every record starts here. */
export function unrunResult(t: Pick<TestResult, "file" | "row" | "col" | "pkg" | "name" | "skip">): TestResult {
  return { file: t.file, row: t.row, col: t.col, pkg: t.pkg, name: t.name, durationNs: 0, fail: false, skip: t.skip, subResults: [], notes: [], output: [] };
}

export function passed(r: TestResult): boolean {
  return !r.fail && !r.skip && r.error === undefined;
}

function outcome(r: TestResult): string {
  if (passed(r)) return "PASS";
  if (r.fail) return "FAIL";
  if (r.skip) return "SKIPPED";
  return "ERROR";
}

/** Go's `time.Duration.String()`: `0s`, `850ns`, `12.5µs`, `1.234567ms`, `2.5s`. */
export function goDuration(ns: number): string {
  ns = Math.round(ns);
  if (ns === 0) return "0s";
  if (ns < 1000) return `${ns}ns`;
  const trim = (value: number, digits: number) => value.toFixed(digits).replace(/\.?0+$/, "");
  if (ns < 1e6) return `${trim(ns / 1e3, 3)}µs`;
  if (ns < 1e9) return `${trim(ns / 1e6, 6)}ms`;
  return `${trim(ns / 1e9, 9)}s`;
}

function* leaves(subs: readonly SubResult[]): Generator<SubResult> {
  for (const s of subs) {
    if (s.subResults.length === 0) yield s;
    else yield* leaves(s.subResults);
  }
}

function* walk(subs: readonly SubResult[], depth = 0): Generator<[SubResult, number]> {
  for (const s of [...subs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    yield [s, depth];
    yield* walk(s.subResults, depth + 1);
  }
}

export interface Tally {
  pass: number;
  fail: number;
  skip: number;
  error: number;
}

export function tally(results: readonly TestResult[]): Tally {
  const t: Tally = { pass: 0, fail: 0, skip: 0, error: 0 };
  for (const r of results) {
    if (r.skip) t.skip++;
    else if (r.error !== undefined) t.error++;
    else if (r.subResults.length > 0) for (const leaf of leaves(r.subResults)) leaf.fail ? t.fail++ : t.pass++;
    else r.fail ? t.fail++ : t.pass++;
  }
  return t;
}

export function prettyReport(results: readonly TestResult[], verbose: boolean, showNotes = false): string {
  let out = "";
  let lastFile = "";
  let dirty = false;
  for (const r of results) {
    if (verbose || !passed(r)) {
      if (lastFile !== "" && lastFile !== r.file) out += "\n";
      out += `${r.file}:${r.row}:\n`;
      lastFile = r.file;
      dirty = true;
      out += r.skip ? `${r.pkg}.${r.name}: ${outcome(r)}\n` : `${r.pkg}.${r.name}: ${outcome(r)} (${goDuration(r.durationNs)})\n`;
      for (const [s, depth] of walk(r.subResults)) {
        if (s.fail || verbose) out += `${"  ".repeat(depth + 1)}${s.name}: ${s.fail ? "FAIL" : "PASS"}\n`;
      }
      if (showNotes) for (const n of r.notes) out += `  Note ${JSON.stringify(n)}\n`;
      if (r.output.length > 0) out += "\n" + r.output.map((line) => `  ${line}\n`).join("") + "\n";
    }
    if (r.error !== undefined) out += `  ${r.error}\n`;
  }
  const t = tally(results);
  if (verbose && t.fail > 0) {
    out += `${"-".repeat(80)}\nFAILURES\n${"-".repeat(80)}\n`;
    for (const r of results.filter((x) => x.fail)) {
      out += `${r.pkg}.${r.name}: FAIL (${goDuration(r.durationNs)})\n\n`;
      if (r.trace?.length) out += prettyTrace(r.trace, "  ") + "\n";
    }
  }
  if (dirty) out += "-".repeat(80) + "\n";
  const total = t.pass + t.fail + t.skip + t.error;
  if (t.pass) out += `PASS: ${t.pass}/${total}\n`;
  if (t.fail) out += `FAIL: ${t.fail}/${total}\n`;
  if (t.skip) out += `SKIPPED: ${t.skip}/${total}\n`;
  if (t.error) out += `ERROR: ${t.error}/${total}\n`;
  return out;
}

function subResultJson(subs: readonly SubResult[]): Record<string, unknown> {
  return Object.fromEntries(
    subs.map((s) => [s.name, { ...(s.subResults.length ? { sub_results: subResultJson(s.subResults) } : {}), name: s.name, ...(s.fail ? { fail: true } : {}) }]),
  );
}

/**
 * An evaluation error as OPA's JSON has it, `{code, message, location}`, from the runtime's text:
 * `file:row[:col]: [code: ]message` for errors the module raises, `code: message` for host and timeout errors.
 */
function errorJson(text: string): Record<string, unknown> {
  const located = /^(.+?):(\d+)(?::(\d+))?: (.*)$/s.exec(text);
  const message = located ? located[4] : text;
  const coded = /^([a-z_]+_error): (.*)$/s.exec(message);
  const code = coded ? coded[1] : /conflict/.test(message) ? "eval_conflict_error" : "eval_internal_error";
  return {
    code,
    message: coded ? coded[2] : message,
    ...(located ? { location: { file: located[1], row: Number(located[2]), ...(located[3] ? { col: Number(located[3]) } : {}) } } : {}),
  };
}

/**
 * The JSON report in parts: a full trace of a real suite, or of one long test, can outgrow the longest string
 * JavaScript can hold (about 512 MiB), so each test is written on its own and its trace event by event, in parts
 * of about a megabyte. The parts joined are `JSON.stringify(report, null, 2)` and a newline.
 */
export function* jsonReport(results: readonly TestResult[]): Generator<string> {
  if (results.length === 0) {
    yield "[]\n";
    return;
  }
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    const open = i === 0 ? "[\n" : ",\n";
    const close = i === results.length - 1 ? "\n]\n" : "";
    const item = JSON.stringify(resultJson(r), null, 2).replace(/\n/g, "\n  ");
    if (!r.trace?.length) {
      yield `${open}  ${item}${close}`;
      continue;
    }
    // The trace stands where resultJson left its placeholder: between the test's name and its output.
    const [before, after] = item.split(JSON.stringify(TRACE_SLOT));
    let part = `${open}  ${before}[`;
    for (let k = 0; k < r.trace.length; k++) {
      part += `${k === 0 ? "" : ","}\n      ${JSON.stringify(traceEventJson(r.trace[k]), null, 2).replace(/\n/g, "\n      ")}`;
      if (part.length >= PART_CHARS) {
        yield part;
        part = "";
      }
    }
    yield `${part}\n    ]${after}${close}`;
  }
}

/** Where a test's trace goes in its JSON object, written apart by jsonReport. */
const TRACE_SLOT = "\u0000trace\u0000";
const PART_CHARS = 1 << 20;

function resultJson(r: TestResult): Record<string, unknown> {
  return {
    ...(r.error !== undefined ? { error: errorJson(r.error) } : {}),
    location: { file: r.file, row: r.row, col: r.col },
    ...(r.subResults.length ? { sub_results: subResultJson(r.subResults) } : {}),
    package: r.pkg,
    name: r.name,
    ...(r.trace?.length ? { trace: TRACE_SLOT } : {}),
    ...(r.output.length ? { output: Buffer.from(r.output.join("\n") + "\n").toString("base64") } : {}),
    duration: Math.round(r.durationNs),
    ...(r.fail ? { fail: true } : {}),
    ...(r.skip ? { skip: true } : {}),
  };
}
