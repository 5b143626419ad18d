/**
 * The package's commands as a user runs them after `npm ci` (whose prepare script compiles lib/): `npx gt-cors`
 * and `npx regoc` through the bin shims, with their exit codes and output streams.
 */
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../scripts/terraform-env";

jest.setTimeout(120_000);

const SCENARIO_INPUTS = path.join(__dirname, "scenarios", "inputs");

function npx(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("npx", ["--no-install", ...args], { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("package.json bin", () => {
  it("names gt-cors and regoc, each a shim over the compiled CLI", () => {
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin).toEqual({ "gt-cors": "bin/gt-cors.js", regoc: "bin/regoc.js" });
    expect(pkg.scripts.prepare).toContain("tsc -p tsconfig.cli.json");
    expect(pkg.scripts.prepare).toContain("build:runtime");
  });
});

describe("npx gt-cors --version and npx regoc --version", () => {
  it("print the version in package.json", () => {
    const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
    expect(npx(["gt-cors", "--version"])).toEqual({ status: 0, stdout: `${version}\n`, stderr: "" });
    expect(npx(["regoc", "--version"])).toEqual({ status: 0, stdout: `${version}\n`, stderr: "" });
  });
});

describe("npx gt-cors", () => {
  it("exits 1 with the findings on stdout for a plan with findings", () => {
    const { status, stdout, stderr } = npx(["gt-cors", "check", path.join(SCENARIO_INPUTS, "lifecycle.plan.json")]);
    expect({ status, stderr }).toEqual({ status: 1, stderr: "" });
    expect(stdout).toMatch(/aws_s3_bucket\.kept GTCORS-001: /);
    expect(stdout).toMatch(/1 input, 4 Ground Truth buckets: 2 errors, 0 warnings, 0 exceptions\n$/);
  });

  it("exits 0 on a compliant cdktf.out directory", () => {
    const { status, stdout } = npx(["gt-cors", "check", path.join(SCENARIO_INPUTS, "example.out"), "--format", "json"]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout).summary).toEqual({ files: 1, buckets: 4, errors: 0, warnings: 0, exceptions: 0 });
  });

  it("exits 2 with the reason on stderr for a missing file", () => {
    expect(npx(["gt-cors", "check", "no-such-plan.json"])).toEqual({ status: 2, stdout: "", stderr: "gt-cors: no-such-plan.json: no such file or directory\n" });
  });
});

describe("npx regoc", () => {
  it("runs the policy's Rego unit tests", () => {
    const { status, stdout } = npx(["regoc", "test", "policies/"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^PASS: (\d+)\/\1$/m);
  });
});
