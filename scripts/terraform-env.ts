/**
 * Takes the process environment and produces the environment every Terraform and cdktf run of this project uses:
 * a project-local CLI configuration that installs the AWS provider from the machine's filesystem mirror (so init,
 * plan and apply work offline), with the Terraform binary and the mirror checked first so that a missing one is
 * reported plainly. Run directly, it prints shell `export` lines, or runs a command given after `--`.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";

/** The AWS provider the project pins (through @cdktf/provider-aws 20.1.0). */
export const AWS_PROVIDER = { source: "registry.terraform.io/hashicorp/aws", version: "5.100.0" } as const;

/** Environment variable that names the provider mirror directory, overriding the search. */
export const MIRROR_ENV = "GROUNDTRUTH_TF_PROVIDER_MIRROR";
/** Environment variable (cdktf's own) that names the Terraform binary. */
export const BINARY_ENV = "TERRAFORM_BINARY_NAME";

/** The nearest directory above this file with a package.json: the same from source and from dist/. */
export const PROJECT_ROOT = ((): string => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
  }
  return dir;
})();
/** Generated, not committed: its content depends on where this machine keeps the mirror. */
export const CLI_CONFIG_FILE = path.join(PROJECT_ROOT, "node_modules", ".cache", "groundtruth-cors", "terraform.tfrc");

/** Terraform cannot run here: the binary or the provider mirror is missing. */
export class TerraformSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TerraformSetupError";
  }
}

/** What was found, and the environment to run Terraform and cdktf with. */
export interface TerraformEnvironment {
  readonly binary: string;
  readonly version: string;
  readonly mirror: string;
  readonly cliConfigFile: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Platform directory name as Terraform spells it, e.g. linux_amd64. */
function terraformPlatform(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${process.platform}_${arch[process.arch] ?? process.arch}`;
}

/** The usual places a provider mirror lives, in the order Terraform itself documents them, /opt first. */
export function mirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = os.homedir();
  const dataHome = env.XDG_DATA_HOME || path.join(home, ".local", "share");
  return [
    "/opt/tf-plugins",
    path.join(home, ".terraform.d", "plugins"),
    path.join(dataHome, "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ];
}

/** True when `dir` holds the pinned AWS provider for this platform, unpacked or as a zip. */
export function mirrorHoldsProvider(dir: string): boolean {
  const providerDir = path.join(dir, ...AWS_PROVIDER.source.split("/"));
  const unpacked = path.join(providerDir, AWS_PROVIDER.version, terraformPlatform());
  const packed = path.join(providerDir, `terraform-provider-aws_${AWS_PROVIDER.version}_${terraformPlatform()}.zip`);
  return (existsSync(unpacked) && readdirSync(unpacked).some((f) => f.startsWith("terraform-provider-aws"))) || existsSync(packed);
}

export function findMirror(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = `${AWS_PROVIDER.source} ${AWS_PROVIDER.version} (${terraformPlatform()})`;
  const override = env[MIRROR_ENV];
  if (override) {
    if (!mirrorHoldsProvider(override)) {
      throw new TerraformSetupError(
        `The Terraform provider mirror ${override} (from ${MIRROR_ENV}) does not hold ${wanted}. ` +
          "Point it at a directory laid out as <hostname>/<namespace>/<type>/<version>/<os_arch>/.",
      );
    }
    return override;
  }
  const found = mirrorCandidates(env).find(mirrorHoldsProvider);
  if (!found) {
    throw new TerraformSetupError(
      `No Terraform provider mirror with ${wanted} was found; looked in ${mirrorCandidates(env).join(", ")}. ` +
        `Without it Terraform would try to download the provider. Set ${MIRROR_ENV} to the mirror's directory.`,
    );
  }
  return found;
}

export function findTerraform(env: NodeJS.ProcessEnv = process.env): { binary: string; version: string } {
  const binary = env[BINARY_ENV] || "terraform";
  const result = spawnSync(binary, ["version", "-json"], { encoding: "utf8", env: { ...env, CHECKPOINT_DISABLE: "1" } });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : result.stderr.trim();
    throw new TerraformSetupError(
      `The Terraform binary "${binary}" could not be run (${why}). Install Terraform 1.11 or set ${BINARY_ENV} to its path.`,
    );
  }
  const version = (JSON.parse(result.stdout) as { terraform_version: string }).terraform_version;
  return { binary, version };
}

/** The CLI configuration text: the AWS provider from the mirror, every other provider refused (no network here). */
export function cliConfiguration(mirror: string): string {
  return [
    "# Generated by scripts/terraform-env.ts; regenerated on every run.",
    "disable_checkpoint = true",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = [${JSON.stringify(AWS_PROVIDER.source)}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * Checks binary and mirror, writes the CLI configuration and returns the environment for Terraform and cdktf.
 * Throws TerraformSetupError, naming what is missing and where it looked.
 */
export function terraformEnvironment(base: NodeJS.ProcessEnv = process.env): TerraformEnvironment {
  const { binary, version } = findTerraform(base);
  const mirror = findMirror(base);
  writeCliConfiguration(cliConfiguration(mirror));
  const env: NodeJS.ProcessEnv = {
    ...base,
    // Explicit, so a TF_CLI_CONFIG_FILE from the machine (even one that does not exist) never wins.
    TF_CLI_CONFIG_FILE: CLI_CONFIG_FILE,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    // An unpacked mirror is linked, not copied, into each .terraform; cdktf's default plugin cache would copy it.
    CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
    DISABLE_VERSION_CHECK: "1",
  };
  delete env.TF_PLUGIN_CACHE_DIR;
  return { binary, version, mirror, cliConfigFile: CLI_CONFIG_FILE, env };
}

/** Written atomically: other test suites or a running deploy may be reading the same file at that moment. */
function writeCliConfiguration(text: string): void {
  if (existsSync(CLI_CONFIG_FILE) && readFileSync(CLI_CONFIG_FILE, "utf8") === text) {
    return;
  }
  mkdirSync(path.dirname(CLI_CONFIG_FILE), { recursive: true });
  const temporary = `${CLI_CONFIG_FILE}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, CLI_CONFIG_FILE);
}

function main(argv: string[]): number {
  let found: TerraformEnvironment;
  try {
    found = terraformEnvironment();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const separator = argv.indexOf("--");
  if (separator === -1) {
    for (const name of ["TF_CLI_CONFIG_FILE", "TF_IN_AUTOMATION", "CHECKPOINT_DISABLE", "CDKTF_DISABLE_PLUGIN_CACHE_ENV"]) {
      process.stdout.write(`export ${name}=${JSON.stringify(found.env[name])}\n`);
    }
    process.stdout.write("unset TF_PLUGIN_CACHE_DIR\n");
    return 0;
  }
  const [command, ...args] = argv.slice(separator + 1);
  if (!command) {
    process.stderr.write("usage: terraform-env [-- command args...]\n");
    return 2;
  }
  const result = spawnSync(command, args, { stdio: "inherit", env: found.env });
  return result.status ?? 1;
}

if (require.main === module) {
  process.exit(main(process.argv.slice(2)));
}
