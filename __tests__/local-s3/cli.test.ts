/**
 * The standalone local S3 command, run as a user would after a build: it prints its endpoint, serves S3 requests
 * there, and on SIGTERM stops and removes its temporary data; bad arguments exit 2 with a message.
 */
import { ListBucketsCommand, CreateBucketCommand } from "@aws-sdk/client-s3";
import { ChildProcessWithoutNullStreams, execFileSync, spawn } from "child_process";
import { existsSync } from "fs";
import * as path from "path";
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, localS3Client } from "../../local-s3";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist", "local-s3", "cli.js");

jest.setTimeout(120_000);

beforeAll(() => {
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.app.json"], { cwd: ROOT, stdio: "pipe" });
});

function waitForLine(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in: ${seen}`)), 30_000);
    child.stdout.on("data", (data: Buffer) => {
      seen += data.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before printing ${pattern}: ${seen}`)));
  });
}

describe("local-s3 command", () => {
  it("serves S3 on the port it prints and cleans up on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "--port", "0"], { cwd: ROOT });
    const [, endpoint, directory] = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+) \(data in (\S+)\)/);
    const client = localS3Client({ endpoint, region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS });
    await client.send(new CreateBucketCommand({ Bucket: "from-the-cli" }));
    const { Buckets } = await client.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toEqual(["from-the-cli"]);
    client.destroy();
    expect(existsSync(directory)).toBe(true);

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(existsSync(directory)).toBe(false);
  });

  it("refuses a port that is not a number, with exit code 2", () => {
    let status: number | null = null;
    let stderr = "";
    try {
      execFileSync(process.execPath, [CLI, "--port", "eighty"], { cwd: ROOT, stdio: "pipe" });
    } catch (err) {
      const failed = err as { status: number | null; stderr: Buffer };
      status = failed.status;
      stderr = failed.stderr.toString();
    }
    expect(status).toBe(2);
    expect(stderr).toContain('--port must be an integer from 0 to 65535, got "eighty"');
  });
});
