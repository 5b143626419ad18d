/**
 * `gt-cors manifest`'s verdict against what a worker's browser does: the buckets of a real `terraform apply` on
 * the local S3 endpoint hold an EXIF-rotated JPEG at every location the manifests (and their sequence files)
 * name; a task page on another origin, in headless Chromium, loads each one the way the job type's tool does, with
 * CSS `image-orientation: none`. For every bucket, the gate passes it exactly when its images render unrotated.
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { promises as fs } from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { Browser, Page } from "playwright-core";
import { run } from "../../gate/cli";
import { LocalS3, localS3Client, startLocalS3 } from "../../local-s3";
import { BUCKETS, deployLabelingFixture, LabelingFixture, MANIFESTS, ManifestName, objectUrl } from "../gate/manifest/labeling-fixture";
import { ROTATE_90_CLOCKWISE, jpegWithOrientation } from "./exif-jpeg";
import { launchHeadlessChromium, requireChromium } from "./headless-chromium";

jest.setTimeout(240_000);

const STORED = { width: 120, height: 40 };

/**
 * The task page. An image or text tool draws the object with crossorigin="anonymous". A video-frame or
 * point-cloud tool first does what those tools do with a frame: a HEAD with its own request header, reads the
 * response's Access-Control-Allow-Origin, and PUTs its work next to it; then it draws the frame. It reports
 * whether the image was drawn as stored (not rotated by its EXIF tag).
 */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; }
  img { image-orientation: none; position: absolute; top: 0; left: 0; }
</style></head><body><script>
  const params = new URLSearchParams(location.search);
  const src = params.get("src");
  const done = (result) => { window.taskResult = result; };
  async function frameTool() {
    const head = await fetch(src, { method: "HEAD", headers: { "x-labeling-tool": "frames" } });
    if (!head.ok) throw new Error("HEAD " + head.status);
    if (head.headers.get("Access-Control-Allow-Origin") === null) throw new Error("Access-Control-Allow-Origin not exposed");
    const put = await fetch(src.replace(/[^/]+$/, "annotations-" + Date.now() + ".json"), {
      method: "PUT", headers: { "Content-Type": "application/json" }, body: "{}" });
    if (!put.ok) throw new Error("PUT " + put.status);
  }
  function draw() {
    const img = document.createElement("img");
    img.crossOrigin = "anonymous";
    img.addEventListener("load", () => {
      const box = img.getBoundingClientRect();
      done({ drawn: true, width: box.width, height: box.height });
    });
    img.addEventListener("error", () => done({ drawn: false, reason: "image error" }));
    img.src = src;
    document.body.appendChild(img);
  }
  (params.get("tool") === "frames" ? frameTool() : Promise.resolve()).then(draw, (e) => done({ drawn: false, reason: String(e) }));
</script></body></html>`;

interface TaskResult {
  drawn: boolean;
  width?: number;
  height?: number;
  reason?: string;
}

let s3: LocalS3;
let client: S3Client;
let work: string;
let fixture: LabelingFixture;
let pageServer: http.Server;
let pageOrigin: string;
let browser: Browser;
let page: Page;

/** The images a manifest names, following sequence files: frames for video, camera images for point clouds. */
async function imagesNamedBy(name: ManifestName): Promise<string[]> {
  const out: string[] = [];
  const join = (prefix: string, p: string): string => (p.startsWith("s3://") ? p : prefix + p);
  for (const line of MANIFESTS[name] as readonly Record<string, unknown>[]) {
    const ref = line["source-ref"] as string;
    const metadata = line["source-ref-metadata"] as { prefix: string; images: Array<{ "image-path": string }> } | undefined;
    if (name === "image") out.push(ref);
    else if (metadata) out.push(...metadata.images.map((i) => join(metadata.prefix, i["image-path"])));
    else {
      const [bucket, ...key] = ref.slice("s3://".length).split("/");
      const body = await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key.join("/") }))).Body!.transformToString();
      const seq = JSON.parse(body) as { prefix: string; frames: Array<{ frame: string; images?: Array<{ "image-path": string }> }> };
      for (const f of seq.frames) {
        if (name === "video-frame") out.push(join(seq.prefix, f.frame));
        else out.push(...(f.images ?? []).map((i) => join(seq.prefix, i["image-path"])));
      }
    }
  }
  return out;
}

async function renderedUnrotated(uri: string, tool: "image" | "frames"): Promise<boolean> {
  await page.goto(`${pageOrigin}/task?${new URLSearchParams({ src: objectUrl(s3, uri), tool })}`);
  await page.waitForFunction(() => (window as unknown as { taskResult?: unknown }).taskResult !== undefined);
  const result = await page.evaluate(() => (window as unknown as { taskResult: TaskResult }).taskResult);
  return result.drawn && result.width === STORED.width && result.height === STORED.height;
}

async function verdicts(manifest: string, args: string[]): Promise<Record<string, boolean>> {
  let stdout = "";
  const code = await run(["manifest", manifest, ...args, "--endpoint", s3.endpoint, "--format", "json"], {
    stdout: (s) => (stdout += s),
    stderr: () => undefined,
    cwd: work,
  });
  expect(code).not.toBe(2);
  const report = JSON.parse(stdout) as { buckets: Array<{ bucket: string; compliant: boolean }> };
  return Object.fromEntries(report.buckets.map((b) => [b.bucket, b.compliant]));
}

beforeAll(async () => {
  requireChromium();
  process.env.AWS_ACCESS_KEY_ID = "S3RVER";
  process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
  work = await fs.mkdtemp(path.join(os.tmpdir(), "groundtruth-manifest-browser-"));
  s3 = await startLocalS3();
  client = localS3Client(s3);
  fixture = await deployLabelingFixture(s3, work, jpegWithOrientation(STORED.width, STORED.height, ROTATE_90_CLOCKWISE));
  pageServer = http.createServer((_req, res) => res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(PAGE));
  await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  browser = await launchHeadlessChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
  client?.destroy();
  await s3?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

const CASES: Array<{ manifest: ManifestName; args: string[]; tool: "image" | "frames"; expected: Record<string, boolean> }> = [
  { manifest: "image", args: ["--job-type", "image"], tool: "image", expected: { [BUCKETS.basic]: true, [BUCKETS.noCors]: false } },
  { manifest: "video-frame", args: ["--job-type", "video-frame"], tool: "frames", expected: { [BUCKETS.getOnly]: false, [BUCKETS.video]: true } },
  { manifest: "point-cloud", args: ["--job-type", "point-cloud"], tool: "frames", expected: { [BUCKETS.video]: true, [BUCKETS.getOnly]: false } },
  { manifest: "point-cloud-frame", args: ["--job-type", "point-cloud"], tool: "frames", expected: { [BUCKETS.noCors]: false } },
];

describe.each(CASES)("$manifest manifest: a bucket passes exactly when the task page renders its images unrotated", ({ manifest, args, tool, expected }) => {
  it("for every bucket whose images the manifest names", async () => {
    const gate = await verdicts(fixture.manifests[manifest], args);
    const rendered: Record<string, boolean> = {};
    for (const uri of await imagesNamedBy(manifest)) {
      const bucket = uri.slice("s3://".length).split("/")[0];
      rendered[bucket] = (rendered[bucket] ?? true) && (await renderedUnrotated(uri, tool));
    }
    expect(rendered).toEqual(expected);
    for (const [bucket, shown] of Object.entries(rendered)) expect({ bucket, pass: gate[bucket] }).toEqual({ bucket, pass: shown });
  });
});

it("the GET-only bucket passes for an image job and its frame renders with the image tool, though it fails for video frames", async () => {
  const frame = `s3://${BUCKETS.getOnly}/video1/frame0001.jpg`;
  const asImages = path.join(work, "frames-as-images.manifest");
  await fs.writeFile(asImages, JSON.stringify({ "source-ref": frame }) + "\n");
  expect((await verdicts(asImages, ["--job-type", "image"]))[BUCKETS.getOnly]).toBe(true);
  expect(await renderedUnrotated(frame, "image")).toBe(true);
  expect((await verdicts(fixture.manifests["video-frame"], ["--job-type", "video-frame"]))[BUCKETS.getOnly]).toBe(false);
  expect(await renderedUnrotated(frame, "frames")).toBe(false);
});
