/**
 * The package as a user gets it: `npm pack`, then a fresh CDKTF app outside this repository that installs the
 * tarball beside its own pinned cdktf, constructs and provider bindings, imports it by name, type-checks, synthesizes
 * with the aspect and the synth-time gate, and runs its own `npx gt-cors check`; and a plain Terraform root that
 * installs only the tarball, plans offline through the provider mirror and gate-checks the plan.
 */
import { spawnSync, SpawnSyncOptions } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT, terraformEnvironment } from "../../scripts/terraform-env";

jest.setTimeout(600_000);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sh(command: string, args: string[], options: SpawnSyncOptions = {}): Run {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Fails with the command's output, so a broken install or synth says why. */
function ok(run: Run, what: string): Run {
  if (run.status !== 0) throw new Error(`${what} exited ${run.status}:\n${run.stdout}\n${run.stderr}`.slice(-8000));
  return run;
}

const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
};
const work = mkdtempSync(path.join(os.tmpdir(), "gt-consumer-"));
let tarball = "";

/** A project directory whose package.json depends on the tarball (and whatever else the user's project has). */
function project(name: string, dependencies: Record<string, string>, devDependencies: Record<string, string> = {}): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name, version: "1.0.0", private: true, dependencies: { ...dependencies, [pkg.name]: `file:${tarball}` }, devDependencies }, null, 2),
  );
  // The npm cache filled by this checkout's `npm ci` holds every version pinned here; the registry is the fallback.
  ok(sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: dir }), `npm install in ${name}`);
  return dir;
}

beforeAll(() => {
  // lib/ and the runtime wasm are built by `npm test`'s pretest (and by prepack when publishing); refresh lib/ here
  // so the suite also runs on its own.
  ok(sh(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.cli.json"], { cwd: PROJECT_ROOT }), "tsc -p tsconfig.cli.json");
  expect(existsSync(path.join(PROJECT_ROOT, "compiler/runtime/build/runtime.wasm"))).toBe(true);
  const packed = ok(sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: PROJECT_ROOT }), "npm pack");
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  tarball = path.join(work, info.filename);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the packed tarball", () => {
  it("holds the compiled JS with its types, the shipped policy, the compiler's runtime and LICENSE, and no sources or tests", () => {
    const files = ok(sh("tar", ["-tzf", tarball]), "tar -tzf").stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""));
    for (const needed of ["package.json", "LICENSE", "README.md", "lib/index.js", "lib/index.d.ts", "lib/gate/index.d.ts", "lib/compiler/index.d.ts",
      "lib/gate/cli.js", "lib/compiler/cli.js", "bin/gt-cors.js", "bin/regoc.js", "policies/gtcors.wasm", "compiler/runtime/build/runtime.wasm"]) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => /^__tests__\/|\.ts$|^scripts\/|^local-s3\/|_test\.rego$|\.map$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
    expect(readFileSync(path.join(PROJECT_ROOT, "LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });
});

describe("a user's CDKTF app", () => {
  let app = "";

  beforeAll(() => {
    const own = ["cdktf", "constructs", "@cdktf/provider-aws"];
    app = project("cdktf-app", Object.fromEntries(own.map((n) => [n, pkg.devDependencies[n]])), {
      typescript: pkg.devDependencies.typescript,
      "@types/node": pkg.devDependencies["@types/node"],
    });
    cpSync(path.join(__dirname, "consumer-app"), app, { recursive: true });
  });

  it("gets one copy each of cdktf, constructs and the provider bindings: the app's own", () => {
    const nested = path.join(app, "node_modules", pkg.name, "node_modules");
    const duplicated = existsSync(nested) ? readdirSync(nested).filter((n) => ["cdktf", "constructs", "@cdktf"].includes(n)) : [];
    expect(duplicated).toEqual([]);
  });

  it("type-checks imports by package name (the entry point, groundtruth-cors/gate, groundtruth-cors/compiler)", () => {
    ok(sh(process.execPath, [path.join(app, "node_modules/typescript/bin/tsc"), "-p", "."], { cwd: app }), "tsc in the app");
  });

  it("synthesizes with the aspect attaching CORS to its own tagged S3Bucket, and the gate passes it", () => {
    ok(sh(process.execPath, ["dist/main.js"], { cwd: app }), "node dist/main.js");
    const stack = JSON.parse(readFileSync(path.join(app, "cdktf.out/stacks/labeling/cdk.tf.json"), "utf8")) as {
      resource: Record<string, Record<string, { bucket?: string }>>;
    };
    const cors = Object.entries(stack.resource.aws_s3_bucket_cors_configuration);
    expect(cors.map(([name]) => name).sort()).toEqual([
      expect.stringMatching(/^frames_cors_configuration_/),
      expect.stringMatching(/^legacy_configuration_/),
      expect.stringMatching(/^tagged-images-groundtruth-cors_configuration_/),
    ]);
    expect(cors.find(([name]) => name.startsWith("tagged-images"))![1].bucket).toBe("${aws_s3_bucket.tagged-images.id}");
    const gate = sh("npx", ["--no-install", "gt-cors", "check", "cdktf.out"], { cwd: app });
    expect(gate).toEqual({ status: 0, stdout: "1 input, 2 Ground Truth buckets: 0 errors, 0 warnings, 0 exceptions\n", stderr: "" });
  });

  it("stops synth through the synth-time validation when a tagged bucket has no CORS", () => {
    const run = sh(process.execPath, ["dist/main.js"], { cwd: app, env: { ...process.env, GT_CONSUMER_UNPROTECTED: "1" } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('[unprotected] GTCORS-001 aws_s3_bucket.raw: bucket "consumer-unprotected" (image; input) has no CORS configuration');
  });

  it("uses the gate and the compiler as libraries", () => {
    const out = JSON.parse(ok(sh(process.execPath, ["dist/gate-api.js"], { cwd: app }), "node dist/gate-api.js").stdout);
    expect(out).toEqual({ buckets: 2, findings: 0, json: { files: 1, buckets: 2, errors: 0, warnings: 0, exceptions: 0 }, hostBuiltins: true, wasmMagic: "0061736d" });
  });

  it("runs npx regoc with no build step of its own", () => {
    mkdirSync(path.join(app, "rego"), { recursive: true });
    writeFileSync(path.join(app, "rego/app.rego"), 'package app\n\nimport rego.v1\n\nallow if input.user == "admin"\n');
    writeFileSync(path.join(app, "rego/app_test.rego"), 'package app_test\n\nimport rego.v1\n\ntest_admin if data.app.allow with input as {"user": "admin"}\n');
    expect(sh("npx", ["--no-install", "regoc", "test", "rego"], { cwd: app })).toEqual({ status: 0, stdout: "PASS: 1/1\n", stderr: "" });
    expect(sh("npx", ["--no-install", "regoc", "--version"], { cwd: app }).stdout).toBe(`${pkg.version}\n`);
  });
});

describe("a plain Terraform root", () => {
  it("installs only the tarball (no cdktf), plans offline and gets the gate's findings from npx gt-cors check", async () => {
    const root = project("hcl-root", {});
    expect(existsSync(path.join(root, "node_modules", "cdktf"))).toBe(false);
    cpSync(path.join(__dirname, "hcl-root", "main.tf"), path.join(root, "main.tf"));
    const terraform = terraformEnvironment();
    const tf = (...args: string[]): Run => ok(sh(terraform.binary, args, { cwd: root, env: terraform.env }), `terraform ${args[0]}`);
    tf("init", "-input=false");
    tf("plan", "-input=false", "-refresh=false", "-out=gt.tfplan");
    writeFileSync(path.join(root, "plan.json"), tf("show", "-json", "gt.tfplan").stdout);
    expect(statSync(path.join(root, "plan.json")).size).toBeGreaterThan(0);

    const gate = sh("npx", ["--no-install", "gt-cors", "check", "plan.json", "--format", "json"], { cwd: root });
    expect(gate.status).toBe(1);
    const report = JSON.parse(gate.stdout) as { findings: Array<{ rule: string; address: string }>; summary: unknown };
    expect(report.findings.map((f) => [f.rule, f.address])).toEqual([["GTCORS-001", "aws_s3_bucket.frames"]]);
    expect(report.summary).toEqual({ files: 1, buckets: 2, errors: 1, warnings: 0, exceptions: 0 });

    const binary = sh("npx", ["--no-install", "gt-cors", "check", "gt.tfplan"], { cwd: root });
    expect(binary.status).toBe(2);
    expect(binary.stderr).toContain("terraform show -json gt.tfplan > plan.json");
  });
});
