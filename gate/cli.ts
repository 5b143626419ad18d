/**
 * `gt-cors`: the plan-time gate, a library first (`run(argv, io)` returns the exit code).
 *   gt-cors check <plan.json | cdk.tf.json | cdktf.out dir | ->… [--data file] [--root dir] [--format text|json|sarif|junit|github]
 * Exit 0: every input read and evaluated, no error findings; 1: error findings (or warnings with
 * --fail-on-warning); 2: usage error, or an input that could not be read or evaluated. Results go to stdout,
 * errors to stderr. Each command's help text sits beside the code that runs it.
 */
import * as path from "path";
import * as fs from "fs";
import { describeUnreadable, expandPaths, GateInput, InputError, readInput, STDIN } from "./inputs";
import { resolveCrossStackReferences } from "./cross-stack";
import { joinInputs } from "./cross-input";
import { checkIntegrity } from "./integrity";
import { exceptionFor, exceptionsOf, InputPlace, overreachingExceptions, settingsForInput } from "./exceptions";
import { Locator, FindingLocation, relativePlace } from "./locations";
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
import { runManifest } from "./manifest/command";

export interface GateIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Standard input's bytes, for the input `-` (default: this process's stdin). */
  stdin?: () => Buffer;
}

const FORMATS = ["text", "json", "sarif", "junit", "github"] as const;
export type Format = (typeof FORMATS)[number];

const USAGE = `usage: gt-cors <command> [options]

Commands:
  check      check Terraform plans, Terraform JSON or cdktf.out against the Ground Truth CORS policy
  manifest   check every bucket a labeling job's input manifest reads, live in S3 or in Terraform plans

Options:
  -h, --help     show this help; \`gt-cors <command> --help\` shows a command's options and exit codes
  --version      print the version of groundtruth-cors`;

const COMMANDS = ["check", "manifest"];

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
  if (command === "manifest") return runManifest(rest, io);
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
a cdktf.out directory (every stack in it), or - for standard input.

Options:
  -d, --data <file>      data file (JSON or YAML): origins, extra Ground Truth buckets, exceptions
  -f, --format <format>  ${FORMATS.join(", ")} (default: text)
      --root <dir>       the Terraform root (or stack folder) findings point at (default: each input's directory)
      --fail-on-warning  exit 1 on warnings too
      --policy <file>    a compiled policy module instead of the shipped policies/gtcors.wasm
  -h, --help             show this help

Exit codes:
  0  every input was read and evaluated and no error was found (warnings are printed)
  1  error findings (or warnings, with --fail-on-warning)
  2  usage error, or an input that could not be read or trusted (nothing is reported then)`;

const CHECK_USAGE = `usage: gt-cors check <plan.json | cdk.tf.json | cdktf.out | ->… [--data <file>] [--root <dir>] [--format ${FORMATS.join("|")}] [--fail-on-warning] [--policy <policy.wasm>]
(\`gt-cors check --help\` for details)`;

async function runCheck(args: readonly string[], io: GateIO): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(args, {
      data: { type: "string", short: "d" },
      format: { type: "string", short: "f", default: "text" },
      policy: { type: "string" },
      root: { type: "string" },
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
    const result = check(positionals, {
      data: values.data as string | undefined,
      policy: values.policy as string | undefined,
      root: values.root as string | undefined,
      cwd: io.cwd,
      stdin: io.stdin,
    });
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
  /** The data document itself, instead of a `data` file. */
  settings?: Record<string, unknown>;
  policy?: string;
  /** The Terraform root directory of the plans given (default: each plan file's directory). */
  root?: string;
  cwd: string;
  stdin?: () => Buffer;
}

/**
 * Evaluates every input; any input the policy cannot read, or whose shape it cannot trust, throws InputError, so a
 * run reports either every input or none.
 */
export function check(paths: readonly string[], options: CheckOptions): GateResult {
  const files = expandPaths(paths, options.cwd);
  if (options.root !== undefined && !isDirectory(path.resolve(options.cwd, options.root))) throw new InputError(options.root, "--root: no such directory");
  const settings = options.settings ?? (options.data !== undefined ? readSettings(options.data, options.cwd) : {});
  const dataFile = options.data ?? "--data";
  const policy = GatePolicy.load(options.policy === undefined ? undefined : path.resolve(options.cwd, options.policy));
  const locator = new Locator(options.cwd);
  const result: GateResult = { files: [], findings: [], exceptions: [], buckets: [], rules: policy.rules() };
  // Findings about the data file come from every input alike; each is reported once, against the data file.
  const dataFindings = new Map<string, Finding>();
  const evaluated: Array<{ input: GateInput; place: InputPlace; report: InputReport }> = [];
  for (const given of files) {
    const input = readInput(given, options.cwd, options.stdin);
    const fromStdin = given === STDIN;
    // Where the input sits decides which scoped exceptions apply to it.
    const place = { file: fromStdin ? input.file : relativePlace(options.cwd, input.file), root: locator.rootOf(input.file, options.root, fromStdin) };
    const report = evaluateInput(policy, input, settingsForInput(settings, place), dataFile);
    evaluated.push({ input, place, report });
  }
  // A CDKTF cross-stack reference names its bucket: its stack judges the configuration by the bucket's name.
  const references = resolveCrossStackReferences(
    evaluated.map((e) => e.input),
    evaluated.map((e) => e.report),
  );
  for (const [i, bytes] of references.rewritten) {
    const { input, place } = evaluated[i];
    evaluated[i].input = { file: input.file, bytes };
    evaluated[i].report = evaluateInput(policy, evaluated[i].input, settingsForInput(settings, place), dataFile);
  }
  const locateIn = (i: number, address: string | null): FindingLocation => {
    const { place, report } = evaluated[i];
    return locator.locate(place.root, report.input.kind === "config" ? "config" : "plan", address, report.constructs ?? {});
  };
  // One bucket's CORS across inputs: judged where another input configures it, and a finding where two write it.
  const reports = evaluated.map((e) => e.report);
  const crossInput = joinInputs(reports, {
    listed: new Set(settingBuckets(settings).map((b) => String(b.bucket))),
    reevaluate: (i, buckets) => {
      const { input, place } = evaluated[i];
      return evaluateInput(policy, input, withBuckets(settingsForInput(settings, place), buckets), dataFile);
    },
    unnamed: references.unnamed,
    where: (i, address) => `${address} in ${evaluated[i].input.file}${placeSuffix(locateIn(i, address))}`,
    file: (i) => evaluated[i].input.file,
  });
  reports.forEach((report, i) => (evaluated[i].report = report));
  evaluated.forEach(({ input, report }, i) => {
    const locate = (address: string | null): FindingLocation => locateIn(i, address);
    result.files.push(input.file);
    for (const f of report.findings) {
      if (f.rule === EXCEPTION_WITHOUT_REASON) dataFindings.set(f.message, finding(f, dataFile, { root: null, declaration: null, construct: null }));
      else result.findings.push(finding(f, input.file, locate(f.address)));
    }
    result.exceptions.push(...report.exceptions.map((f) => ({ ...finding(f, input.file, locate(f.address)), reason: f.reason, exception: f.exception })));
    result.buckets.push(
      ...report.buckets.map((b) => ({ address: b.address, bucket: b.bucket, job_types: b.job_types, roles: b.roles, compliant: b.compliant, file: input.file })),
    );
  });
  for (const { input: i, finding: f, related } of crossInput) {
    const file = evaluated[i].input.file;
    const located = { ...finding(f, file, locateIn(i, f.address)), related: related.map((r) => ({ file: evaluated[r.input].input.file, address: r.address, ...locateIn(r.input, r.address) })) };
    const exception = exceptionFor(settings, evaluated[i].place, f);
    if (exception === null) result.findings.push(located);
    else result.exceptions.push({ ...located, reason: String(exceptionsOf(settings)[exception].reason), exception });
  }
  result.findings.push(...dataFindings.values(), ...overreachingExceptions(settings, result.exceptions, dataFile));
  // Code-unit order, not localeCompare: the same on every machine and locale, and fast on 10,000 buckets.
  const compare = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  const order = (a: { file: string; address: string | null; rule?: string }, b: typeof a): number =>
    compare(a.file, b.file) || compare(a.address ?? "", b.address ?? "") || compare(a.rule ?? "", b.rule ?? "");
  result.findings.sort(order);
  result.exceptions.sort(order);
  result.buckets.sort(order);
  return result;
}

/** The policy's report on one input with these settings; an input it cannot read or trust throws. */
function evaluateInput(policy: GatePolicy, input: GateInput, settings: Record<string, unknown>, dataFile: string): InputReport {
  let report: InputReport;
  try {
    policy.setData(settings);
    report = policy.evaluate(input);
  } catch (e) {
    if (e instanceof StackExhaustedError) throw new InputError(input.file, `$: nested too deeply for the policy to evaluate (${e.message})`);
    if (e instanceof UnparseableInputError) throw describeUnreadable(input);
    throw e;
  }
  if (report.input.kind === null) throw describeUnreadable(input);
  const problem = checkIntegrity(input.bytes);
  if (problem !== null) throw new InputError(input.file, `${problem.path}: ${problem.message}`);
  if (report.errors.length > 0) {
    const [first, ...more] = report.errors;
    const others = more.length > 0 ? ` (and ${more.length} more: ${more.slice(0, 3).map((e) => e.path).join(", ")}${more.length > 3 ? ", …" : ""})` : "";
    throw new InputError(input.file, `${first.path}: ${first.message}${others}`);
  }
  const dataError = report.data_errors?.[0];
  if (dataError !== undefined) throw new SettingsError(`${dataFile}: ${dataError.path}: ${dataError.message} (in ${input.file})`);
  return report;
}

function settingBuckets(settings: Record<string, unknown>): Array<Record<string, unknown>> {
  const buckets = (settings.groundtruth as Record<string, unknown> | undefined)?.buckets;
  return Array.isArray(buckets) ? (buckets as Array<Record<string, unknown>>) : [];
}

function withBuckets(settings: Record<string, unknown>, buckets: readonly object[]): Record<string, unknown> {
  return { ...settings, groundtruth: { ...(settings.groundtruth as object), buckets: [...settingBuckets(settings), ...buckets] } };
}

/** ` (main.tf:12)` or ` (construct app/cors)`: where to open a resource of another input, when known. */
function placeSuffix(location: FindingLocation): string {
  if (location.declaration !== null) return ` (${location.declaration.file}:${location.declaration.line})`;
  return location.construct !== null ? ` (construct ${location.construct})` : "";
}

/** The rule whose findings are about the data file's exceptions, not about an input. */
const EXCEPTION_WITHOUT_REASON = "GTCORS-007";

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The policy's finding with its file and location, keys in the order the JSON output documents. */
function finding(f: Omit<Finding, "file" | keyof FindingLocation>, file: string, location: FindingLocation): Finding {
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
    root: location.root,
    declaration: location.declaration,
    construct: location.construct,
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
