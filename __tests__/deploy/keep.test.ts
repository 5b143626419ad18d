/**
 * `npm start -- --keep` as a user runs it (the compiled script npm start runs, started directly so the exit status is
 * its own and not npm's re-raised signal): deploy progress is printed while cdktf runs, then the endpoint's address
 * and credentials, which work against the running endpoint; SIGTERM (as a service manager or `kill` sends it) stops
 * the command with the endpoint closed, not orphaned.
 */
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { execFileSync, spawn } from "child_process";
import { PROJECT_ROOT } from "../../scripts/terraform-env";

jest.setTimeout(420_000);

function waitFor(read: () => string, pattern: RegExp, exited: () => boolean, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const m = pattern.exec(read());
      if (m) {
        clearInterval(poll);
        resolve(m);
      } else if (exited() || Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`no ${pattern} in:\n${read().slice(-4000)}`));
      }
    }, 250);
  });
}

it("prints progress, then the endpoint and credentials, and stops cleanly on SIGTERM", async () => {
  // Its own process group, so a failing test can stop it and everything under it.
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.app.json"], { cwd: PROJECT_ROOT, stdio: "pipe" });
  const child = spawn(process.execPath, ["dist/scripts/deploy-example.js", "--keep"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  let exitCode: number | null | undefined;
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve((exitCode = code))));
  try {
    const [, endpoint] = await waitFor(() => out, /endpoint {5}(http:\/\/127\.0\.0\.1:\d+) /, () => exitCode !== undefined, 360_000);
    const [, key, secret] = await waitFor(() => out, /credentials {2}AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)/, () => exitCode !== undefined, 5_000);
    // Terraform's resource lines while cdktf deploys, before it reports the deploy done.
    expect(out).toMatch(/cdktf deploy \.\.\.\n(.*\n)*? {2}aws_s3_bucket\.[^:\n]+: Creation complete(.*\n)*deployed in \d+ s/);

    const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: key, secretAccessKey: secret } });
    const listed = await client.send(new ListBucketsCommand({}));
    expect((listed.Buckets ?? []).length).toBeGreaterThanOrEqual(4);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain(`stopped: endpoint ${endpoint} closed`);
    await expect(client.send(new ListBucketsCommand({}))).rejects.toThrow(/ECONNREFUSED|connect/);
    client.destroy();
  } finally {
    if (exitCode === undefined) process.kill(-child.pid!, "SIGKILL");
  }
});
