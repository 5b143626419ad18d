/**
 * `gt-cors`: the plan-time gate, a library first (`run(argv, io)` returns the exit code).
 *   gt-cors check <plan.json | cdk.tf.json | cdktf.out dir>… [--data file] [--format text|json|sarif|junit|github]
 * Exit 0: every input read and evaluated, no error findings; 1: error findings (or warnings with
 * --fail-on-warning); 2: usage error, or an input that could not be read or evaluated. Results go to stdout,
 * errors to stderr.
 */
import { parseArgs } from "util";
import { expandPaths, GateInput, InputError, readInput } from "./inputs";
import { EvaluationError, GatePolicy } from "./policy";
import { readSettings, SettingsError } from "./settings";
import { GateResult } from "./report";
import { formatText } from "./format/text";
import { formatJson } from "./format/json";
import { formatSarif } from "./format/sarif";
import { formatJunit } from "./format/junit";
import { formatGithub } from "./format/github";

export interface GateIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const FORMATS = ["text", "json", "sarif", "junit", "github"] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: gt-cors check <plan.json | cdk.tf.json | cdktf.out>… [--data <file>] [--format ${FORMATS.join("|")}] [--fail-on-warning] [--policy <policy.wasm>]`;

const VERSION = "0.1.0";

export async function run(argv: readonly string[], io: GateIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h") {
    io.stdout(USAGE + "\n");
    return 0;
  }
  if (command === "--version") {
    io.stdout(VERSION + "\n");
    return 0;
  }
  if (command !== "check") {
    io.stderr(`gt-cors: ${command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}`}\n${USAGE}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        data: { type: "string", short: "d" },
        format: { type: "string", short: "f", default: "text" },
        policy: { type: "string" },
        "fail-on-warning": { type: "boolean" },
      },
    });
  } catch (e) {
    io.stderr(`gt-cors check: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const format = values.format as string;
  if (!(FORMATS as readonly string[]).includes(format)) {
    io.stderr(`gt-cors check: unknown format ${JSON.stringify(format)} (expected ${FORMATS.join(", ")})\n`);
    return 2;
  }
  if (positionals.length === 0) {
    io.stderr(`gt-cors check: no inputs given\n${USAGE}\n`);
    return 2;
  }
  try {
    const result = check(positionals, { data: values.data, policy: values.policy, cwd: io.cwd });
    io.stdout(render(result, format as Format));
    const errors = result.findings.some((f) => f.severity === "error");
    const warnings = result.findings.some((f) => f.severity === "warning");
    return errors || (values["fail-on-warning"] && warnings) ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof SettingsError || e instanceof EvaluationError) {
      io.stderr(`gt-cors: ${e.message}\n`);
      return 2;
    }
    io.stderr(`gt-cors: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}

export interface CheckOptions {
  data?: string;
  policy?: string;
  cwd: string;
}

/** Reads every input first (so a bad one fails the run before anything is reported), then evaluates each. */
export function check(paths: readonly string[], options: CheckOptions): GateResult {
  const inputs: GateInput[] = expandPaths(paths, options.cwd).map((file) => readInput(file, options.cwd));
  const settings = options.data !== undefined ? readSettings(options.data) : {};
  const policy = GatePolicy.load(options.policy);
  policy.setData(settings);
  const result: GateResult = { files: [], findings: [], exceptions: [], buckets: [], rules: policy.rules() };
  for (const input of inputs) {
    const report = policy.evaluate(input);
    result.files.push(input.file);
    result.findings.push(...report.findings.map((f) => ({ ...f, file: input.file })));
    result.exceptions.push(...report.exceptions.map((f) => ({ ...f, file: input.file })));
    result.buckets.push(...report.buckets.map((b) => ({ ...b, file: input.file })));
  }
  const order = (a: { file: string; address: string | null; rule?: string }, b: typeof a): number =>
    a.file.localeCompare(b.file) || (a.address ?? "").localeCompare(b.address ?? "") || (a.rule ?? "").localeCompare(b.rule ?? "");
  result.findings.sort(order);
  result.exceptions.sort(order);
  result.buckets.sort(order);
  return result;
}

export function render(result: GateResult, format: Format): string {
  switch (format) {
    case "text":
      return formatText(result);
    case "json":
      return formatJson(result);
    case "sarif":
      return formatSarif(result, VERSION);
    case "junit":
      return formatJunit(result);
    case "github":
      return formatGithub(result);
  }
}
