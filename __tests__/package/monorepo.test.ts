/**
 * The README's monorepo recipes, run as written on a small monorepo (two Terraform roots sharing a module in a
 * top-level `modules/` folder, and a data file), offline through the provider mirror: the shell recipe with its
 * `npx gt-cors`, and the GitHub Actions job with this repository's action (action.yml), whose steps run in bash.
 */
import { spawnSync, SpawnSyncOptions } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT, terraformEnvironment } from "../../scripts/terraform-env";
import { runAction, runJob, Step } from "./workflow-steps";

jest.setTimeout(600_000);

const README = readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
const blocks = [...README.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
const SHELL_RECIPE = blocks.find((b) => b.lang === "sh" && b.text.startsWith("# gt-cors monorepo recipe (shell)"))!.text;
const ACTIONS_JOB = blocks.find((b) => b.lang === "yaml" && b.text.startsWith("gt-cors:"))!.text;

const work = mkdtempSync(path.join(os.tmpdir(), "gt-monorepo-"));
const terraform = terraformEnvironment();
let tarball = "";

function sh(command: string, args: string[], options: SpawnSyncOptions = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The environment of a CI runner that has terraform and a provider mirror, but no project configuration. */
function runnerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TF_PROVIDER_MIRROR: terraform.mirror, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  delete env.TF_CLI_CONFIG_FILE;
  delete env.TF_PLUGIN_CACHE_DIR;
  return env;
}

/** A git checkout of the fixture monorepo. */
function monorepo(name: string): string {
  const dir = path.join(work, name);
  cpSync(path.join(__dirname, "monorepo"), dir, { recursive: true });
  const git = (...args: string[]): void => {
    const r = sh("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", ...args], { cwd: dir });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "monorepo");
  return dir;
}

beforeAll(() => {
  const packed = sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: PROJECT_ROOT });
  if (packed.status !== 0) throw new Error(packed.stderr);
  tarball = path.join(work, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0].filename);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the shell recipe", () => {
  it("plans both roots but not the shared module, and reports the data file's bucket from one gt-cors run", () => {
    const repo = monorepo("shell");
    // `npm install --save-dev groundtruth-cors` puts gt-cors in node_modules/.bin; the checkout's own bin stands in.
    mkdirSync(path.join(repo, "node_modules", ".bin"), { recursive: true });
    symlinkSync(path.join(PROJECT_ROOT, "bin", "gt-cors.js"), path.join(repo, "node_modules", ".bin", "gt-cors"));
    const run = sh("bash", ["-c", SHELL_RECIPE], { cwd: repo, env: runnerEnv() });
    expect(run.stderr).not.toMatch(/registry\.terraform\.io.*(could not|failed)|Failed to query/i);
    expect(run.status).toBe(1);
    expect(existsSync(path.join(repo, "infra/labeling/gt-plan.json"))).toBe(true);
    expect(existsSync(path.join(repo, "infra/legacy/gt-plan.json"))).toBe(true);
    expect(existsSync(path.join(repo, "modules/labeling-bucket/gt-plan.json"))).toBe(false);
    const junit = readFileSync(path.join(repo, "gt-cors.xml"), "utf8");
    expect(junit).toMatch(/<testsuites[^>]* tests="3" failures="1"/);
    expect(junit).toMatch(/<testcase [^>]*name="aws_s3_bucket\.scratch"[^>]*>\s*<failure[^>]*GTCORS-001/);
  });
});

describe("the GitHub Actions job with action.yml", () => {
  const steps = (parseYaml(ACTIONS_JOB) as { "gt-cors": { steps: Step[] } })["gt-cors"].steps;

  it("plans every root, annotates the finding, writes SARIF for upload and fails the job", () => {
    const repo = monorepo("actions");
    const results = runJob(steps, runnerEnv(), repo, { package: tarball });
    const byName = Object.fromEntries(results.map((r) => [r.step, r]));
    expect(byName["actions/checkout@v4"].skipped).toBe(true);
    expect(byName["terraform plan every root"].status).toBe(0);
    const check = byName["gt-cors check"];
    // The annotation points at the bucket's resource block in the root's .tf file, and names the plan it came from.
    const block = readFileSync(path.join(__dirname, "monorepo", "infra", "legacy", "main.tf"), "utf8").split("\n").indexOf('resource "aws_s3_bucket" "scratch" {') + 1;
    expect(check.stdout).toMatch(new RegExp(`^::error file=infra/legacy/main\\.tf,line=${block},title=GTCORS-001 aws_s3_bucket\\.scratch::.*\\(plan infra/legacy/gt-plan\\.json\\)$`, "m"));
    const upload = byName["Upload SARIF"];
    expect(upload.skipped).toBe(true);
    const sarif = JSON.parse(readFileSync(upload.with!.sarif_file, "utf8")) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarif.runs[0].results.map((r) => r.ruleId)).toEqual(["GTCORS-001"]);
    expect(byName["Fail on findings"].status).toBe(1);
  });

  it("fails closed when no plan file matches the pattern", () => {
    const repo = monorepo("no-plans");
    const results = runAction({ plans: "**/gt-plan.json", package: tarball }, runnerEnv(), repo);
    expect(results.find((r) => r.step === "gt-cors check")!.stderr).toContain("gt-cors: no plan file matches **/gt-plan.json");
    expect(results.at(-1)).toMatchObject({ step: "Fail on findings", status: 2 });
  });
});
