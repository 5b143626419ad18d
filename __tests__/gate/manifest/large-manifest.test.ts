/**
 * A manifest of 1,000,000 lines is streamed: `gt-cors manifest` runs as a user runs it (the bin shim, its own
 * process, here with a 32 MiB old generation) on 1,000 lines and on 1,000,000 lines naming the same buckets, and
 * its peak resident memory grows by far less than the manifest's size, with the same verdict. Peak RSS comes from the child itself
 * (`process.resourceUsage().maxRSS`, reported by a preloaded script on exit).
 */
import { CreateBucketCommand, PutBucketCorsCommand } from "@aws-sdk/client-s3";
import { spawn } from "child_process";
import { createWriteStream, promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { LocalS3, localS3Client, startLocalS3 } from "../../../local-s3";
import { PROJECT_ROOT } from "../../../scripts/terraform-env";

jest.setTimeout(300_000);

const BASIC = "gt-big-basic";
const NO_CORS = "gt-big-no-cors";
const LINES = 1_000_000;

let s3: LocalS3;
let work: string;
let reporter: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  maxRssBytes: number;
}

/** Writes `count` manifest lines, mostly the basic-rule bucket, every 1000th the bucket without CORS. */
async function writeManifest(file: string, count: number): Promise<number> {
  const out = createWriteStream(file);
  let chunk = "";
  for (let i = 1; i <= count; i++) {
    const bucket = i % 1000 === 0 ? NO_CORS : BASIC;
    chunk += `{"source-ref":"s3://${bucket}/frames/camera-${i % 7}/image-${String(i).padStart(8, "0")}.jpg","capture":{"id":${i}}}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      chunk = "";
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve) => out.once("finish", () => resolve()));
  return (await fs.stat(file)).size;
}

function gtCors(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    // A 32 MiB old generation: a manifest held whole (over 80 MiB) would end the process out of memory.
    const child = spawn(process.execPath, ["--max-old-space-size=32", "--require", reporter, path.join(PROJECT_ROOT, "bin", "gt-cors.js"), ...args], {
      cwd: work,
      env: { ...process.env, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => {
      const rss = /^gt-cors-test max-rss-kb=(\d+)$/m.exec(stderr);
      if (!rss) return reject(new Error(`the child reported no peak RSS: ${stderr}`));
      resolve({ status, stdout, stderr: stderr.replace(rss[0] + "\n", ""), maxRssBytes: Number(rss[1]) * 1024 });
    });
  });
}

beforeAll(async () => {
  s3 = await startLocalS3();
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gt-manifest-large-"));
  reporter = path.join(work, "report-rss.js");
  await fs.writeFile(reporter, `process.on("exit", () => process.stderr.write("gt-cors-test max-rss-kb=" + process.resourceUsage().maxRSS + "\\n"));\n`);
  const client = localS3Client(s3);
  try {
    for (const Bucket of [BASIC, NO_CORS]) await client.send(new CreateBucketCommand({ Bucket }));
    await client.send(new PutBucketCorsCommand({ Bucket: BASIC, CORSConfiguration: { CORSRules: [{ AllowedMethods: ["GET"], AllowedOrigins: ["*"] }] } }));
  } finally {
    client.destroy();
  }
});

afterAll(async () => {
  await s3?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

it("checks a 1,000,000-line manifest in about the memory of a 1,000-line one", async () => {
  const small = path.join(work, "small.manifest");
  const big = path.join(work, "big.manifest");
  await writeManifest(small, 1000);
  const bigBytes = await writeManifest(big, LINES);
  expect(bigBytes).toBeGreaterThan(80 * 1024 * 1024);

  const args = (file: string): string[] => ["manifest", file, "--job-type", "image", "--endpoint", s3.endpoint];
  const smallRun = await gtCors(args(small));
  const bigRun = await gtCors(args(big));

  for (const r of [smallRun, bigRun]) {
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: "" });
    expect(r.stdout).toContain(`pass    s3://${BASIC} (input): first named at line 1\n`);
    expect(r.stdout).toContain(`fail    s3://${NO_CORS} (input): first named at line 1000\n`);
    expect(r.stdout).toContain(`s3://${NO_CORS} GTCORS-001: bucket "${NO_CORS}" (image; input) has no CORS configuration`);
  }
  // Reading the manifest whole would add its size (over 80 MiB, twice that as a JS string) to the peak.
  expect(bigRun.maxRssBytes - smallRun.maxRssBytes).toBeLessThan(48 * 1024 * 1024);
});
