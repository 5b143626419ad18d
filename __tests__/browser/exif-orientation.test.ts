/**
 * What a labeling tool sees in headless Chromium: a page on one loopback origin draws a JPEG tagged EXIF
 * orientation 6 from buckets deployed (by Terraform, from the constructs) on the local S3 endpoint, another
 * origin, with CSS `image-orientation: none`. Only the bucket with Ground Truth CORS, fetched with
 * crossorigin="anonymous", shows the image as stored; without CORS the tool either gets no image or a rotated one.
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { promises as fs } from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Browser, Page } from "playwright-core";
import { LabelingBucket, LabelingJobType } from "../../constructs";
import { LocalS3, localS3Client, localS3ProviderConfig, startLocalS3 } from "../../local-s3";
import { runTerraform } from "../../scripts/terraform-cli";
import { terraformEnvironment } from "../../scripts/terraform-env";
import { ROTATE_90_CLOCKWISE, jpegWithOrientation, readOrientation } from "./exif-jpeg";
import { launchHeadlessChromium, requireChromium } from "./headless-chromium";

jest.setTimeout(180_000);

const STORED = { width: 120, height: 40 };
const ROTATED = { width: STORED.height, height: STORED.width };
const WITH_CORS = "gt-browser-with-cors";
const WITHOUT_CORS = "gt-browser-without-cors";

/** The page a labeling tool would serve: it draws one image, unrotated by CSS, and reports what it got. */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; }
  img { image-orientation: none; position: absolute; top: 0; left: 0; }
</style></head><body><script>
  const params = new URLSearchParams(location.search);
  const img = document.createElement("img");
  if (params.has("crossorigin")) img.crossOrigin = "anonymous";
  const report = (event) => {
    const box = img.getBoundingClientRect();
    window.imageResult = { event, width: box.width, height: box.height, naturalWidth: img.naturalWidth };
  };
  img.addEventListener("load", () => report("load"));
  img.addEventListener("error", () => report("error"));
  img.src = params.get("src");
  document.body.appendChild(img);
</script></body></html>`;

interface ImageResult {
  readonly event: "load" | "error";
  readonly width: number;
  readonly height: number;
  readonly naturalWidth: number;
}

let s3: LocalS3;
let client: S3Client;
let work: string;
let pageServer: http.Server;
let pageOrigin: string;
let browser: Browser;
let page: Page;

async function deployBuckets(): Promise<void> {
  const terraform = terraformEnvironment();
  const app = new App({ outdir: path.join(work, "cdktf.out") });
  const stack = new TerraformStack(app, "groundtruth-browser");
  new LocalBackend(stack, { path: path.join(work, "terraform.tfstate") });
  new AwsProvider(stack, "aws", localS3ProviderConfig(s3.endpoint));
  new LabelingBucket(stack, "with-cors", { jobTypes: [LabelingJobType.IMAGE], bucketName: WITH_CORS, forceDestroy: true });
  new S3Bucket(stack, "without-cors", { bucket: WITHOUT_CORS, forceDestroy: true });
  app.synth();
  const dir = path.join(work, "cdktf.out", "stacks", "groundtruth-browser");
  await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  await runTerraform(terraform, dir, ["apply", "-auto-approve", "-input=false", "-no-color"]);
}

async function servePage(): Promise<void> {
  pageServer = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(PAGE);
  });
  await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
}

async function showImage(bucket: string, crossorigin: boolean): Promise<ImageResult> {
  const src = `${s3.endpoint}/${bucket}/photo.jpg`;
  await page.goto(`${pageOrigin}/label?${new URLSearchParams({ src })}${crossorigin ? "&crossorigin" : ""}`);
  await page.waitForFunction(() => (window as unknown as { imageResult?: unknown }).imageResult !== undefined);
  return page.evaluate(() => (window as unknown as { imageResult: ImageResult }).imageResult);
}

beforeAll(async () => {
  requireChromium();
  work = await fs.mkdtemp(path.join(os.tmpdir(), "groundtruth-browser-"));
  s3 = await startLocalS3();
  client = localS3Client(s3);
  await deployBuckets();
  const photo = jpegWithOrientation(STORED.width, STORED.height, ROTATE_90_CLOCKWISE);
  for (const Bucket of [WITH_CORS, WITHOUT_CORS]) {
    await client.send(new PutObjectCommand({ Bucket, Key: "photo.jpg", Body: photo, ContentType: "image/jpeg" }));
  }
  await servePage();
  browser = await launchHeadlessChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
  client?.destroy();
  await s3?.stop();
  if (work) {
    await fs.rm(work, { recursive: true, force: true });
  }
});

describe("a labeling page on another origin showing an EXIF-rotated JPEG with image-orientation: none", () => {
  it("uses an image that really carries EXIF orientation 6", () => {
    expect(readOrientation(jpegWithOrientation(STORED.width, STORED.height, ROTATE_90_CLOCKWISE))).toBe(6);
    expect(new URL(pageOrigin).origin).not.toBe(new URL(s3.endpoint).origin);
  });

  it("shows the image as stored, unrotated, from the bucket with Ground Truth CORS and crossorigin=anonymous", async () => {
    const result = await showImage(WITH_CORS, true);
    expect({ event: result.event, width: result.width, height: result.height }).toEqual({ event: "load", ...STORED });
    // Chromium reports natural size with EXIF applied whatever the CSS says: proof it did read the tag.
    expect(result.naturalWidth).toBe(ROTATED.width);
  });

  it("gets no image at all from the bucket without CORS when it asks with crossorigin=anonymous", async () => {
    // 16 x 16 is Chromium's broken-image icon: the tool has nothing to draw boxes on.
    expect(await showImage(WITHOUT_CORS, true)).toEqual({ event: "error", width: 16, height: 16, naturalWidth: 0 });
  });

  it("shows the image rotated despite image-orientation: none from the bucket without CORS when it asks without crossorigin", async () => {
    const result = await showImage(WITHOUT_CORS, false);
    expect(result.event).toBe("load");
    expect({ width: result.width, height: result.height }).toEqual(ROTATED);
  });

  it("needs the crossorigin attribute too: without it even the CORS bucket's image is rotated", async () => {
    const result = await showImage(WITH_CORS, false);
    expect({ event: result.event, width: result.width, height: result.height }).toEqual({ event: "load", ...ROTATED });
  });
});
