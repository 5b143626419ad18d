/**
 * `gt-cors`: the plan-time gate, a library first (`run(argv, io)` returns the exit code).
 *   gt-cors check <plan.json | cdk.tf.json | cdktf.out dir>… [--data file] [--format text|json|sarif|junit|github]
 * Exit 0: every input read and evaluated, no error findings; 1: error findings (or warnings with
 * --fail-on-warning); 2: usage error, or an input that could not be read or evaluated. Results go to stdout,
 * errors to stderr. Each command's help text sits beside the code that runs it.
 */
import * as path from "path";
import { describeUnreadable, expandPaths, InputError, readInput } from "./inputs";
import { EvaluationError, GatePolicy, InputReport, StackExhaustedError, UnparseableInputError } from "./policy";
import { readSettings, SettingsError } from "./settings";
import { Finding, GateResult } from "./report";
import { formatText } from "./format/text";
import { formatJson } from "./format/json";
import { formatSarif } from "./format/sarif";
import { formatJunit } from "./format/junit";
import { formatGithub } from "./format/github";
import { didYouMean, parseOptions, UsageError } from "../cli/options";
import { packageVersion } from "../cli/package-version";

export interface GateIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const FORMATS = ["text", "json", "sarif", "junit", "github"] as const;
export type Format = (typeof FORMATS)[number];

const USAGE = `usage: gt-cors <command> [options]

Commands:
  check      check Terraform plans, Terraform JSON or cdktf.out against the Ground Truth CORS policy

Options:
  -h, --help     show this help; \`gt-cors <command> --help\` shows a command's options and exit codes
  --version      print the version of groundtruth-cors`;

const COMMANDS = ["check"];

export async function run(argv: readonly string[], io: GateIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h") {
    io.stdout(USAGE + "\n");
    return 0;
  }
  if (command === "--version") {
    io.stdout(packageVersion() + "\n");
    return 0;
  }
  if (command !== "check") {
    const problem = command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}${didYouMean(command, [...COMMANDS, "--help", "--version"])}`;
    io.stderr(`gt-cors: ${problem}\n${USAGE}\n`);
    return 2;
  }
  return runCheck(rest, io);
}

const CHECK_HELP = `usage: gt-cors check <input>… [options]

Checks every input against the Ground Truth CORS policy and reports all of them in one run. An input is
\`terraform show -json\` output (raw, or wrapped as {"plan": …} or {"terraform": …}), a synthesized cdk.tf.json,
or a cdktf.out directory (every stack in it).

Options:
  -d, --data <file>      data file (JSON or YAML): origins, extra Ground Truth buckets, exceptions
  -f, --format <format>  ${FORMATS.join(", ")} (default: text)
      --fail-on-warning  exit 1 on warnings too
      --policy <file>    a compiled policy module instead of the shipped policies/gtcors.wasm
  -h, --help             show this help

Exit codes:
  0  every input was read and evaluated and no error was found (warnings are printed)
  1  error findings (or warnings, with --fail-on-warning)
  2  usage error, or an input that could not be read or trusted (nothing is reported then)`;

const CHECK_USAGE = `usage: gt-cors check <plan.json | cdk.tf.json | cdktf.out>… [--data <file>] [--format ${FORMATS.join("|")}] [--fail-on-warning] [--policy <policy.wasm>]
(\`gt-cors check --help\` for details)`;

async function runCheck(args: readonly string[], io: GateIO): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(args, {
      data: { type: "string", short: "d" },
      format: { type: "string", short: "f", default: "text" },
      policy: { type: "string" },
      "fail-on-warning": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`gt-cors check: ${e.message}\n${CHECK_USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(CHECK_HELP + "\n");
    return 0;
  }
  const { values, positionals } = parsed;
  const format = values.format as string;
  if (!(FORMATS as readonly string[]).includes(format)) {
    io.stderr(`gt-cors check: unknown format ${JSON.stringify(format)} (expected ${FORMATS.join(", ")})${didYouMean(format, FORMATS)}\n`);
    return 2;
  }
  if (positionals.length === 0) {
    io.stderr(`gt-cors check: no inputs given\n${CHECK_USAGE}\n`);
    return 2;
  }
  try {
    const result = check(positionals, { data: values.data as string | undefined, policy: values.policy as string | undefined, cwd: io.cwd });
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

/**
 * Evaluates every input; any input the policy cannot read, or whose shape it cannot trust, throws InputError, so a
 * run reports either every input or none.
 */
export function check(paths: readonly string[], options: CheckOptions): GateResult {
  const files = expandPaths(paths, options.cwd);
  const settings = options.data !== undefined ? readSettings(options.data, options.cwd) : {};
  const policy = GatePolicy.load(options.policy === undefined ? undefined : path.resolve(options.cwd, options.policy));
  policy.setData(settings);
  const result: GateResult = { files: [], findings: [], exceptions: [], buckets: [], rules: policy.rules() };
  for (const file of files) {
    const input = readInput(file, options.cwd);
    let report: InputReport;
    try {
      report = policy.evaluate(input);
    } catch (e) {
      if (e instanceof StackExhaustedError) throw new InputError(input.file, `$: nested too deeply for the policy to evaluate (${e.message})`);
      if (e instanceof UnparseableInputError) throw describeUnreadable(input);
      throw e;
    }
    if (report.input.kind === null) throw describeUnreadable(input);
    if (report.errors.length > 0) {
      const [first, ...more] = report.errors;
      const others = more.length > 0 ? ` (and ${more.length} more: ${more.slice(0, 3).map((e) => e.path).join(", ")}${more.length > 3 ? ", …" : ""})` : "";
      throw new InputError(input.file, `${first.path}: ${first.message}${others}`);
    }
    result.files.push(input.file);
    result.findings.push(...report.findings.map((f) => finding(f, input.file)));
    result.exceptions.push(...report.exceptions.map((f) => ({ ...finding(f, input.file), reason: f.reason })));
    result.buckets.push(
      ...report.buckets.map((b) => ({ address: b.address, bucket: b.bucket, job_types: b.job_types, roles: b.roles, compliant: b.compliant, file: input.file })),
    );
  }
  // Code-unit order, not localeCompare: the same on every machine and locale, and fast on 10,000 buckets.
  const compare = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  const order = (a: { file: string; address: string | null; rule?: string }, b: typeof a): number =>
    compare(a.file, b.file) || compare(a.address ?? "", b.address ?? "") || compare(a.rule ?? "", b.rule ?? "");
  result.findings.sort(order);
  result.exceptions.sort(order);
  result.buckets.sort(order);
  return result;
}

/** The policy's finding with its file, keys in the order the JSON output documents. */
function finding(f: Omit<Finding, "file">, file: string): Finding {
  return {
    rule: f.rule,
    severity: f.severity,
    address: f.address,
    bucket: f.bucket,
    message: f.message,
    job_types: f.job_types,
    roles: f.roles,
    missing: f.missing,
    fix: f.fix,
    file,
  };
}

export function render(result: GateResult, format: Format): string {
  switch (format) {
    case "text":
      return formatText(result);
    case "json":
      return formatJson(result);
    case "sarif":
      return formatSarif(result, packageVersion());
    case "junit":
      return formatJunit(result);
    case "github":
      return formatGithub(result);
  }
}
