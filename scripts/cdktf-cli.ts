/**
 * Takes cdktf CLI arguments and an environment (from terraform-env) and produces the finished run's output, or an
 * error carrying the output's tail. Runs the project's own cdktf-cli non-interactively and offline, as CI and
 * `npm start` need.
 */
import { spawn } from "child_process";
import { PROJECT_ROOT } from "./terraform-env";

/** Output of a finished cdktf run. */
export interface CdktfResult {
  readonly output: string;
  readonly seconds: number;
}

/** A cdktf run that ended with a non-zero exit code or timed out. */
export class CdktfError extends Error {
  constructor(
    message: string,
    public readonly output: string,
  ) {
    super(message);
    this.name = "CdktfError";
  }
}

export interface CdktfOptions {
  /** From terraformEnvironment(), plus anything the app reads (GROUNDTRUTH_S3_ENDPOINT). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Working directory of the cdktf run.
   * @default - the project root, where cdktf.json is
   */
  readonly cwd?: string;
  /**
   * Milliseconds before the run is stopped with SIGTERM.
   * @default 300000
   */
  readonly timeoutMs?: number;
  /**
   * Called with each line cdktf prints (Terraform's "Creating...", "Creation complete" and so on), as it prints
   * it, so a long deploy shows its progress.
   * @default - lines are only collected
   */
  readonly onLine?: (line: string) => void;
  /**
   * Stops the run (SIGTERM to cdktf, which stops Terraform) when aborted, e.g. on the user's Ctrl-C.
   * @default - runs until it ends or times out
   */
  readonly signal?: AbortSignal;
}

/** Runs `cdktf <args>`; stdin is closed, so any prompt fails instead of waiting. */
export function runCdktf(args: readonly string[], options: CdktfOptions): Promise<CdktfResult> {
  const cli = require.resolve("cdktf-cli/bundle/bin/cdktf.js");
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...options.env, CI: "1", FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      signal: options.signal,
      killSignal: "SIGTERM",
    });
    const chunks: string[] = [];
    let partial = "";
    const collect = (data: Buffer): void => {
      const text = data.toString("utf8");
      chunks.push(text);
      if (!options.onLine) return;
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") options.onLine(line);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const output = chunks.join("");
      const seconds = (Date.now() - started) / 1000;
      if (code === 0) {
        resolve({ output, seconds });
        return;
      }
      const why = signal ? `was stopped by ${signal} after ${seconds.toFixed(0)} s` : `exited with code ${code}`;
      reject(new CdktfError(`cdktf ${args.join(" ")} ${why}:\n${output.slice(-6000)}`, output));
    });
  });
}

/**
 * `cdktf deploy` or `cdktf destroy` of one stack, approved, without colour, and without `terraform providers lock`,
 * which cdktf otherwise runs after init and which needs the registry even when the provider comes from a mirror.
 */
export function runCdktfOnStack(
  command: "deploy" | "destroy",
  stack: string,
  outdir: string,
  options: CdktfOptions & { readonly extraArgs?: readonly string[] },
): Promise<CdktfResult> {
  return runCdktf(
    [command, stack, "--auto-approve", "--skip-provider-lock", "--no-color", "--output", outdir, ...(options.extraArgs ?? [])],
    options,
  );
}
