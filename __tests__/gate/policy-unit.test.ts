/**
 * The policy's unit tests, written in Rego (`policies/gtcors/*_test.rego`), run by `regoc test` as `opa test` would
 * run them: every `test_*` rule compiled as an entrypoint of one module and evaluated with the real SDK. A failing
 * Rego test fails this suite with its file and line.
 */
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../compiler/cli";
import { PROJECT_ROOT } from "../../scripts/terraform-env";

jest.setTimeout(120_000);

async function regoc(args: string[], cwd = PROJECT_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd });
  return { code, stdout, stderr };
}

describe("regoc test policies/", () => {
  let result: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    result = await regoc(["test", "-v", "policies/"]);
  });

  it("runs every Rego unit test of the policy and each passes", () => {
    const lines = result.stdout.split("\n").filter((l) => /: (PASS|FAIL|ERROR)/.test(l));
    const notPassing = lines.filter((l) => !/: PASS /.test(l));
    expect({ notPassing, stderr: result.stderr, code: result.code }).toEqual({ notPassing: [], stderr: "", code: 0 });
    expect(lines.length).toBeGreaterThanOrEqual(54);
    expect(result.stdout).toContain(`PASS: ${lines.length}/${lines.length}`);
  });

  it("covers every policy module with a test file", async () => {
    const files = await fs.readdir(path.join(PROJECT_ROOT, "policies", "gtcors"));
    const tested = new Set(result.stdout.match(/policies\/gtcors\/[a-z]+_test\.rego/g));
    for (const module of files.filter((f) => f.endsWith(".rego") && !f.endsWith("_test.rego"))) {
      expect(tested).toContain(`policies/gtcors/${module.replace(/\.rego$/, "_test.rego")}`);
    }
  });
});

describe("a failing Rego test", () => {
  it("is reported with its file, line and rule, and makes regoc test exit 2 as opa test does", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "regoc-test-"));
    try {
      await fs.cp(path.join(PROJECT_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
      const broken = path.join(dir, "policies", "gtcors", "requirements_broken_test.rego");
      await fs.writeFile(
        broken,
        ["package gtcors.requirements_broken_test", "", "import rego.v1", "", "import data.gtcors.requirements", "", 'test_image_needs_put if "PUT" in requirements.basic.methods', ""].join("\n"),
      );
      const { code, stdout } = await regoc(["test", "policies/"], dir);
      expect(code).toBe(2);
      expect(stdout).toMatch(/^policies\/gtcors\/requirements_broken_test\.rego:7:\ndata\.gtcors\.requirements_broken_test\.test_image_needs_put: FAIL \(\S+\)$/m);
      expect(stdout).toMatch(/FAIL: 1\/\d+/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
