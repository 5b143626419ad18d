/**
 * Test support: runs GitHub Actions steps the way a runner would, as far as a test can: each `run:` step in bash with
 * its `env:` (expressions `inputs.*`, `github.*`, `runner.temp` and `steps.<id>.outputs.*` substituted), a
 * GITHUB_OUTPUT file, and a GITHUB_ENV file whose variables the later steps get; a `uses:` step of this repository's action runs action.yml's composite steps with its `with:`;
 * other `uses:` steps (checkout, setup-node, setup-terraform, upload-sarif) are recorded, not run.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT } from "../../scripts/terraform-env";

export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

export interface StepRun {
  step: string;
  status: number;
  stdout: string;
  stderr: string;
  /** For a `uses:` step that was recorded, not run: its evaluated `with:`. */
  with?: Record<string, string>;
  skipped?: boolean;
}

interface Context {
  inputs: Record<string, string>;
  steps: Record<string, Record<string, string>>;
  actionPath: string;
  workspace: string;
  temp: string;
}

function lookup(expression: string, context: Context): string {
  const e = expression.trim();
  let m: RegExpExecArray | null;
  if ((m = /^inputs\.([\w-]+)$/.exec(e))) return context.inputs[m[1]] ?? "";
  if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e))) return context.steps[m[1]]?.[m[2]] ?? "";
  if (e === "github.action_path") return context.actionPath;
  if (e === "github.workspace") return context.workspace;
  if (e === "runner.temp") return context.temp;
  throw new Error(`expression not supported by the test runner: ${e}`);
}

/** Substitutes `${{ … }}`; a whole-string `a != ''` condition evaluates to "true" or "false". */
function evaluate(text: string, context: Context): string {
  return text.replace(/\$\{\{(.+?)\}\}/g, (_, inner: string) => {
    const comparison = /^(.+?)\s*!=\s*''\s*$/.exec(inner);
    return comparison ? String(lookup(comparison[1], context) !== "") : lookup(inner, context);
  });
}

function readOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

function runSteps(steps: Step[], context: Context, env: NodeJS.ProcessEnv, cwd: string, results: StepRun[], overrides: Record<string, string>): void {
  for (const step of steps) {
    const label = step.name ?? step.uses ?? step.id ?? "step";
    if (step.if !== undefined && evaluate(step.if.includes("${{") ? step.if : `\${{ ${step.if} }}`, context) === "false") {
      results.push({ step: label, status: 0, stdout: "", stderr: "", skipped: true });
      continue;
    }
    if (step.uses !== undefined) {
      const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, evaluate(String(v), context)]));
      if (/(^|\/)groundtruth-cors@/.test(step.uses) || step.uses === "./") {
        results.push(...runAction({ ...given, ...overrides }, env, cwd));
      } else {
        results.push({ step: label, status: 0, stdout: "", stderr: "", with: given, skipped: true });
      }
      if (results.some((r) => r.status !== 0)) return;
      continue;
    }
    const outputFile = path.join(context.temp, `output-${results.length}`);
    const envFile = path.join(context.temp, `env-${results.length}`);
    writeFileSync(outputFile, "");
    writeFileSync(envFile, "");
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v), context)]));
    const run = spawnSync("bash", ["-e", "-c", step.run ?? ""], {
      cwd,
      encoding: "utf8",
      env: { ...env, ...stepEnv, GITHUB_OUTPUT: outputFile, GITHUB_ENV: envFile, RUNNER_TEMP: context.temp, GITHUB_WORKSPACE: context.workspace },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (step.id !== undefined) context.steps[step.id] = readOutputs(outputFile);
    Object.assign(env, readOutputs(envFile));
    results.push({ step: label, status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr });
    if (run.status !== 0) return;
  }
}

/** Runs this repository's action.yml with the given inputs (defaults from action.yml). */
export function runAction(given: Record<string, string>, callerEnv: NodeJS.ProcessEnv, cwd: string): StepRun[] {
  const env = { ...callerEnv };
  const action = parseYaml(readFileSync(path.join(PROJECT_ROOT, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string; required?: boolean }>;
    runs: { using: string; steps: Step[] };
  };
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    if (given[name] === undefined && spec.required) throw new Error(`action input ${name} is required`);
    inputs[name] = given[name] ?? spec.default ?? "";
  }
  const unknown = Object.keys(given).filter((k) => !(k in action.inputs));
  if (unknown.length > 0) throw new Error(`action has no input ${unknown.join(", ")}`);
  const temp = mkdtempSync(path.join(os.tmpdir(), "gt-runner-"));
  const results: StepRun[] = [];
  runSteps(action.runs.steps, { inputs, steps: {}, actionPath: PROJECT_ROOT, workspace: cwd, temp }, env, cwd, results, {});
  return results;
}

/** Runs a workflow job's steps in `cwd`; `actionInputs` are added to the `with:` of this repository's action. */
export function runJob(steps: Step[], jobEnv: NodeJS.ProcessEnv, cwd: string, actionInputs: Record<string, string> = {}): StepRun[] {
  const env = { ...jobEnv };
  const temp = mkdtempSync(path.join(os.tmpdir(), "gt-runner-"));
  const results: StepRun[] = [];
  runSteps(steps, { inputs: {}, steps: {}, actionPath: PROJECT_ROOT, workspace: cwd, temp }, env, cwd, results, actionInputs);
  return results;
}
