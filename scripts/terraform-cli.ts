/**
 * Takes a Terraform working directory, arguments and the environment from terraform-env, and produces the finished
 * run's exit code and output. Used by the test suites for init, validate, plan, show and apply on synthesized stacks.
 */
import { spawn } from "child_process";
import { TerraformEnvironment } from "./terraform-env";

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A Terraform run that ended with an exit code the caller did not expect. */
export class TerraformError extends Error {
  constructor(
    message: string,
    public readonly result: TerraformResult,
  ) {
    super(message);
    this.name = "TerraformError";
  }
}

/**
 * Runs `terraform <args>` in `cwd` without input or colour. Rejects unless the exit code is in `okCodes`
 * (`plan -detailed-exitcode` uses 2 for "changes present").
 */
export function runTerraform(
  terraform: TerraformEnvironment,
  cwd: string,
  args: readonly string[],
  okCodes: readonly number[] = [0],
): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(terraform.binary, [...args], { cwd, env: terraform.env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (data: Buffer) => stdout.push(data));
    child.stderr.on("data", (data: Buffer) => stderr.push(data));
    child.once("error", reject);
    child.once("close", (code) => {
      const result = {
        code: code ?? -1,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      };
      if (okCodes.includes(result.code)) {
        resolve(result);
      } else {
        const tail = `${result.stdout}\n${result.stderr}`.slice(-6000);
        reject(new TerraformError(`terraform ${args.join(" ")} in ${cwd} exited with ${result.code}:\n${tail}`, result));
      }
    });
  });
}
