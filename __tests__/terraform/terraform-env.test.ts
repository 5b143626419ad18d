/**
 * The project-local Terraform CLI configuration: it points at the machine's AWS provider mirror, overrides the
 * machine's TF_CLI_CONFIG_FILE, and a missing binary or mirror is reported plainly instead of Terraform going
 * to the network.
 */
import { promises as fs, readFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { BINARY_ENV, MIRROR_ENV, TerraformSetupError, terraformEnvironment } from "../../scripts/terraform-env";

describe("terraformEnvironment", () => {
  it("finds terraform and the mirror and writes a CLI config that installs hashicorp/aws from it", () => {
    const found = terraformEnvironment({ ...process.env, TF_CLI_CONFIG_FILE: "/root/.terraformrc", TF_PLUGIN_CACHE_DIR: "/tmp/x" });
    expect(found.version).toMatch(/^1\.\d+\.\d+/);
    expect(found.env.TF_CLI_CONFIG_FILE).toBe(found.cliConfigFile);
    expect(found.env.TF_PLUGIN_CACHE_DIR).toBeUndefined();
    expect(found.env.CHECKPOINT_DISABLE).toBe("1");
    const config = readFileSync(found.cliConfigFile, "utf8");
    expect(config).toContain(`path    = ${JSON.stringify(found.mirror)}`);
    expect(config).toContain('include = ["registry.terraform.io/hashicorp/aws"]');
  });

  it("says plainly when the mirror named by the override does not hold the provider", async () => {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), "empty-mirror-"));
    try {
      expect(() => terraformEnvironment({ ...process.env, [MIRROR_ENV]: empty })).toThrow(TerraformSetupError);
      expect(() => terraformEnvironment({ ...process.env, [MIRROR_ENV]: empty })).toThrow(
        `The Terraform provider mirror ${empty} (from ${MIRROR_ENV}) does not hold registry.terraform.io/hashicorp/aws 5.100.0`,
      );
    } finally {
      await fs.rm(empty, { recursive: true, force: true });
    }
  });

  it("says plainly when the terraform binary cannot be run", () => {
    expect(() => terraformEnvironment({ ...process.env, [BINARY_ENV]: "/nonexistent/terraform" })).toThrow(
      /The Terraform binary "\/nonexistent\/terraform" could not be run .*Install Terraform 1\.11 or set TERRAFORM_BINARY_NAME/,
    );
  });
});
