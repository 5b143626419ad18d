/**
 * `gt-cors manifest` against the local S3 endpoint: buckets created by a real `terraform apply` (basic rule, no
 * CORS, GET-only where video frames live, the video-frame rule), manifests for each job type uploaded there with
 * sequence files in their own bucket. Each finding and each pass is asserted by bucket; the same buckets judged in
 * the plan that created them (`--plan`) get the verdict S3 gives after apply; bad inputs exit 2 naming the line,
 * URI or bucket.
 */
import { promises as fs } from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { run } from "../../../gate/cli";
import { LocalS3, startLocalS3 } from "../../../local-s3";
import { BUCKETS, deployLabelingFixture, LabelingFixture, ManifestName } from "./labeling-fixture";

jest.setTimeout(240_000);

let s3: LocalS3;
let work: string;
let fixture: LabelingFixture;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

interface JsonReport {
  findings: Array<{ rule: string; address: string; bucket: string; message: string; job_types: string[]; roles: string[] }>;
  buckets: Array<{ address: string; bucket: string; compliant: boolean; job_types: string[]; roles: string[] }>;
}

async function gtCors(args: string[]): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: work });
  return { code, stdout, stderr };
}

async function manifest(args: string[], endpoint = s3.endpoint): Promise<Outcome & { report: JsonReport | null }> {
  const outcome = await gtCors(["manifest", ...args, "--endpoint", endpoint, "--format", "json"]);
  return { ...outcome, report: outcome.code === 2 ? null : (JSON.parse(outcome.stdout) as JsonReport) };
}

/** `RULE bucket` per finding. */
const findings = (r: JsonReport): string[] => r.findings.map((f) => `${f.rule} ${f.bucket}`).sort();
/** `bucket: pass|fail` per judged bucket. */
const verdicts = (r: JsonReport): Record<string, string> => Object.fromEntries(r.buckets.map((b) => [b.bucket, b.compliant ? "pass" : "fail"]));

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = "S3RVER";
  process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
  delete process.env.AWS_PROFILE;
  s3 = await startLocalS3();
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gt-manifest-"));
  fixture = await deployLabelingFixture(s3, work, Buffer.from("not really a JPEG, but S3 does not care"));
});

afterAll(async () => {
  await s3?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe("live: each bucket's CORS read from S3 and judged by the plan gate's rules", () => {
  it("image job: the bucket without CORS is GTCORS-001, the basic-rule bucket passes, the manifest's own bucket is not judged", async () => {
    const { code, report } = await manifest([fixture.manifests.image, "--job-type", "image"]);
    expect(code).toBe(1);
    expect(findings(report!)).toEqual([`GTCORS-001 ${BUCKETS.noCors}`]);
    expect(verdicts(report!)).toEqual({ [BUCKETS.basic]: "pass", [BUCKETS.noCors]: "fail" });
    expect(report!.findings[0]).toMatchObject({
      address: `s3://${BUCKETS.noCors}`,
      job_types: ["image"],
      roles: ["input"],
      message: `bucket "${BUCKETS.noCors}" (image; input) has no CORS configuration; Ground Truth cannot load its objects in the worker's browser`,
    });
  });

  it("reads the manifest from an s3:// URI the same way", async () => {
    const local = await manifest([fixture.manifests.image, "--job-type", "image"]);
    const remote = await manifest([fixture.s3Manifests.image, "--job-type", "image"]);
    expect(remote.code).toBe(1);
    expect(findings(remote.report!)).toEqual(findings(local.report!));
    expect(verdicts(remote.report!)).toEqual(verdicts(local.report!));
  });

  it("video-frame job: follows the sequence files into the frame buckets; GET-only frames are GTCORS-003, the video-frame rule passes as input and output", async () => {
    const { code, report } = await manifest([fixture.manifests["video-frame"], "--job-type", "video-frame", "--output", `s3://${BUCKETS.video}/output/`]);
    expect(code).toBe(1);
    expect(findings(report!)).toEqual([`GTCORS-003 ${BUCKETS.getOnly}`]);
    expect(verdicts(report!)).toEqual({ [BUCKETS.sequences]: "pass", [BUCKETS.getOnly]: "fail", [BUCKETS.video]: "pass" });
    expect(report!.buckets.find((b) => b.bucket === BUCKETS.video)!.roles).toEqual(["input", "output"]);
    expect(report!.findings[0].message).toBe(
      `bucket "${BUCKETS.getOnly}" (video-frame; input): no CORS rule allows GET, HEAD, PUT from any origin with AllowedHeaders * exposing ` +
        "Access-Control-Allow-Origin (missing: allowed header *; exposed header Access-Control-Allow-Origin; method HEAD; method PUT)",
    );
  });

  it("video-frame job: an output bucket with only the basic rule fails, since the worker's browser writes there", async () => {
    const { code, report } = await manifest([fixture.manifests["video-frame"], "--job-type", "video-frame", "--output", `s3://${BUCKETS.basic}/out`]);
    expect(code).toBe(1);
    expect(findings(report!)).toEqual([`GTCORS-003 ${BUCKETS.basic}`, `GTCORS-003 ${BUCKETS.getOnly}`]);
    expect(report!.buckets.find((b) => b.bucket === BUCKETS.basic)!.roles).toEqual(["output"]);
  });

  it("point-cloud sequence job: frames and camera images, relative to the prefix or absolute, lead to their buckets", async () => {
    const { code, report } = await manifest([fixture.manifests["point-cloud"], "--job-type", "point-cloud"]);
    expect(code).toBe(1);
    expect(findings(report!)).toEqual([`GTCORS-003 ${BUCKETS.getOnly}`]);
    expect(verdicts(report!)).toEqual({ [BUCKETS.sequences]: "pass", [BUCKETS.video]: "pass", [BUCKETS.getOnly]: "fail" });
  });

  it("point-cloud frame job: the frame's bucket and its camera images' bucket from source-ref-metadata", async () => {
    const { code, report } = await manifest([fixture.manifests["point-cloud-frame"], "--job-type", "point-cloud"]);
    expect(code).toBe(1);
    expect(findings(report!)).toEqual([`GTCORS-001 ${BUCKETS.noCors}`]);
    expect(verdicts(report!)).toEqual({ [BUCKETS.video]: "pass", [BUCKETS.noCors]: "fail" });
  });

  it("text job: source-ref lines name a bucket, inline source lines need none", async () => {
    const text = await manifest([fixture.manifests.text, "--job-type", "text"]);
    expect(text.code).toBe(1);
    expect(findings(text.report!)).toEqual([`GTCORS-001 ${BUCKETS.noCors}`]);
    expect(text.report!.findings[0].job_types).toEqual(["text"]);
    const inline = await manifest([fixture.manifests["text-inline"], "--job-type", "text"]);
    expect(inline.code).toBe(0);
    expect(inline.report!.buckets).toEqual([]);
  });

  it("text output lists every bucket judged; exit 0 when every bucket has what the job type needs", async () => {
    const { code, stdout } = await gtCors(["manifest", fixture.manifests.image, "--job-type", "image", "--endpoint", s3.endpoint]);
    expect(code).toBe(1);
    expect(stdout).toContain(`fail    s3://${BUCKETS.noCors} (input): first named at line 2`);
    const onlyBasic = path.join(work, "basic-only.manifest");
    await fs.writeFile(onlyBasic, `{"source-ref":"s3://${BUCKETS.basic}/images/photo1.jpg"}\n{"source-ref":"s3://${BUCKETS.basic}/images/photo3.jpg"}\n`);
    const clean = await gtCors(["manifest", onlyBasic, "--job-type", "image", "--endpoint", s3.endpoint]);
    expect(clean).toEqual({
      code: 0,
      stdout: `pass    s3://${BUCKETS.basic} (input): first named at line 1\n\n1 input, 1 Ground Truth bucket: 0 errors, 0 warnings, 0 exceptions\n`,
      stderr: "",
    });
  });

  it("the same bucket judged for video frames fails where it passed for images", async () => {
    const frames = path.join(work, "basic-as-frames.manifest");
    await fs.writeFile(frames, `{"source-ref":"s3://${BUCKETS.sequences}/video/seq2.json"}\n`);
    const image = await manifest([fixture.manifests.image, "--job-type", "image"]);
    expect(verdicts(image.report!)[BUCKETS.basic]).toBe("pass");
    const video = await manifest([frames, "--job-type", "video-frame", "--output", `s3://${BUCKETS.basic}/labels/`]);
    expect(verdicts(video.report!)[BUCKETS.basic]).toBe("fail");
  });

  it("queries each bucket's CORS once, however many lines name it", async () => {
    const proxy = await s3Proxy(new Set());
    try {
      const many = path.join(work, "many.manifest");
      const lines: string[] = [];
      for (let i = 0; i < 5000; i++) lines.push(JSON.stringify({ "source-ref": `s3://${i % 2 ? BUCKETS.basic : BUCKETS.noCors}/images/${i}.jpg` }));
      await fs.writeFile(many, lines.join("\n") + "\n");
      const { code, report } = await manifest([many, "--job-type", "image"], proxy.endpoint);
      expect(code).toBe(1);
      expect(findings(report!)).toEqual([`GTCORS-001 ${BUCKETS.noCors}`]);
      expect(proxy.corsReads.sort()).toEqual([BUCKETS.basic, BUCKETS.noCors]);
    } finally {
      await proxy.close();
    }
  });
});

describe("the data file applies live as in the plan gate", () => {
  it("an exception with a reason is reported as excepted, not dropped, and the run passes", async () => {
    const data = path.join(work, "exceptions.json");
    await fs.writeFile(
      data,
      JSON.stringify({ groundtruth: { exceptions: [{ bucket: BUCKETS.noCors, rule: "GTCORS-001", reason: "archived images, relabeled offline" }] } }),
    );
    const { code, stdout } = await gtCors(["manifest", fixture.manifests.image, "--job-type", "image", "--endpoint", s3.endpoint, "--data", data]);
    expect(code).toBe(0);
    expect(stdout).toContain(`excepted ${fixture.manifests.image}: s3://${BUCKETS.noCors} GTCORS-001: bucket "${BUCKETS.noCors}" (image; input) has no CORS configuration`);
    expect(stdout).toContain("reason: archived images, relabeled offline");
  });

  it("origins name what every need must serve, and the fix allows just those", async () => {
    const data = path.join(work, "origins.json");
    await fs.writeFile(data, JSON.stringify({ groundtruth: { origins: ["https://portal.labeling.example.com"] } }));
    const { report } = await manifest([fixture.manifests.image, "--job-type", "image", "--data", data]);
    expect(verdicts(report!)).toEqual({ [BUCKETS.basic]: "pass", [BUCKETS.noCors]: "fail" });
    expect((report!.findings[0] as unknown as { fix: { allowed_origins: string[] } }).fix.allowed_origins).toEqual(["https://portal.labeling.example.com"]);
  });
});

describe("plan mode: the same buckets judged in the plan that created them", () => {
  const cases: Array<[ManifestName, string[]]> = [
    ["image", ["--job-type", "image"]],
    ["video-frame", ["--job-type", "video-frame", "--output", `s3://${BUCKETS.video}/output/`]],
    ["point-cloud", ["--job-type", "point-cloud"]],
    ["point-cloud-frame", ["--job-type", "point-cloud"]],
    ["text", ["--job-type", "text"]],
  ];

  it.each(cases)("%s: the plan's verdict per bucket and its findings are S3's after apply", async (name, args) => {
    const resolved = [fixture.manifests[name], ...args];
    const live = await manifest(resolved);
    // Plan mode still reads the manifest's sequence files from S3; only the CORS comes from the plan.
    const planned = await gtCors(["manifest", ...resolved, "--endpoint", s3.endpoint, "--plan", fixture.plan, "--format", "json"]);
    expect(planned.code).toBe(live.code);
    const report = JSON.parse(planned.stdout) as JsonReport;
    expect(verdicts(report)).toEqual(verdicts(live.report!));
    expect(findings(report)).toEqual(findings(live.report!));
    expect(report.findings.map((f) => f.message).sort()).toEqual(live.report!.findings.map((f) => f.message).sort());
  });

  it("names the plan's resource for each bucket", async () => {
    const planned = await gtCors(["manifest", fixture.manifests.image, "--job-type", "image", "--plan", fixture.plan, "--format", "json"]);
    const report = JSON.parse(planned.stdout) as JsonReport;
    expect(report.findings.map((f) => f.address)).toEqual(["aws_s3_bucket.no_cors"]);
  });

  it("--emit-data writes the data-file entries that make the plan gate judge the same buckets", async () => {
    const data = path.join(work, "groundtruth.json");
    const emitted = await gtCors(["manifest", fixture.manifests["video-frame"], "--job-type", "video-frame", "--output", `s3://${BUCKETS.video}/out/`,
      "--endpoint", s3.endpoint, "--plan", fixture.plan, "--emit-data", data, "--format", "json"]);
    expect(JSON.parse(await fs.readFile(data, "utf8"))).toEqual({
      groundtruth: {
        buckets: [
          { bucket: BUCKETS.video, job_types: ["video-frame"], roles: ["input", "output"] },
          { bucket: BUCKETS.sequences, job_types: ["video-frame"], roles: ["input"] },
          { bucket: BUCKETS.getOnly, job_types: ["video-frame"], roles: ["input"] },
        ],
      },
    });
    const checked = await gtCors(["check", fixture.plan, "--data", data, "--format", "json"]);
    expect(checked.code).toBe(emitted.code);
    expect(findings(JSON.parse(checked.stdout))).toEqual(findings(JSON.parse(emitted.stdout)));
    expect(findings(JSON.parse(checked.stdout))).toEqual([`GTCORS-003 ${BUCKETS.getOnly}`]);
  });

  it("a bucket no plan names is exit 2, never a pass", async () => {
    const elsewhere = path.join(work, "elsewhere.manifest");
    await fs.writeFile(elsewhere, `{"source-ref":"s3://${BUCKETS.basic}/a.jpg"}\n{"source-ref":"s3://gt-mf-elsewhere/b.jpg"}\n`);
    const { code, stdout, stderr } = await gtCors(["manifest", elsewhere, "--job-type", "image", "--plan", fixture.plan]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain('1 bucket the manifest reads is in none of the plans');
    expect(stderr).toContain('"gt-mf-elsewhere" (first named at line 2)');
  });
});

describe("bad inputs: exit 2 with the line, URI or bucket", () => {
  async function failure(lines: string, args: string[], endpoint = s3.endpoint): Promise<string> {
    const file = path.join(work, `bad-${Math.random().toString(36).slice(2)}.manifest`);
    await fs.writeFile(file, lines);
    const { code, stdout, stderr } = await gtCors(["manifest", file, ...args, "--endpoint", endpoint]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    return stderr.replace(file, "<manifest>");
  }

  it("usage errors: no job type, an unknown one, two manifests", async () => {
    const base = ["manifest", fixture.manifests.image, "--endpoint", s3.endpoint];
    const none = await gtCors(base);
    expect({ code: none.code, stdout: none.stdout }).toEqual({ code: 2, stdout: "" });
    expect(none.stderr).toMatch(/^gt-cors manifest: --job-type is required: the CORS a bucket needs depends on it\nusage: gt-cors manifest /);
    expect((await gtCors([...base, "--job-type", "video"])).stderr).toContain('unknown job type "video" (expected image, text, video-frame, point-cloud)');
    expect((await gtCors([...base, fixture.manifests.text, "--job-type", "image"])).stderr).toContain(`one manifest at a time (also given: ${fixture.manifests.text})`);
  });

  it("a malformed JSON line, by line and column", async () => {
    const ok = `{"source-ref":"s3://${BUCKETS.basic}/a.jpg"}`;
    expect(await failure(`${ok}\n${ok}\n{"source-ref": "s3://${BUCKETS.basic}/b.jpg",}\n`, ["--job-type", "image"])).toBe(
      `gt-cors manifest: <manifest>: line 3, column 41: malformed JSON: unexpected "}" (each line must be one complete JSON object)\n`,
    );
    expect(await failure(`${ok}\n[1, 2]\n`, ["--job-type", "image"])).toBe("gt-cors manifest: <manifest>: line 2: expected a JSON object, found an array\n");
    expect(await failure(`{"labels": ["cat"]}\n`, ["--job-type", "image"])).toContain('line 1: $: expected "source-ref" (an s3:// URI)');
  });

  it("a camera image without its image-path, by JSON path", async () => {
    const line = { "source-ref": `s3://${BUCKETS.video}/lidar1/frame300.bin`, "source-ref-metadata": { prefix: `s3://${BUCKETS.basic}/cams/`, images: [{ image_path: "c0.jpg" }] } };
    expect(await failure(JSON.stringify(line) + "\n", ["--job-type", "point-cloud"])).toBe(
      `gt-cors manifest: <manifest>: line 1: $["source-ref-metadata"].images[0]["image-path"]: expected the image's path (a string), found nothing (the key is "image-path", with a hyphen)\n`,
    );
  });

  it("a sequence file that does not exist, with its line and URI", async () => {
    const stderr = await failure(`{"source-ref":"s3://${BUCKETS.sequences}/video/seq1.json"}\n{"source-ref":"s3://${BUCKETS.sequences}/video/seq9.json"}\n`, ["--job-type", "video-frame"]);
    expect(stderr).toBe(`gt-cors manifest: <manifest>: line 2: sequence file s3://${BUCKETS.sequences}/video/seq9.json: no such object\n`);
  });

  it("a sequence file without frames, by JSON path", async () => {
    const stderr = await failure(`{"source-ref":"s3://${BUCKETS.manifests}/jobs/image.manifest"}\n`, ["--job-type", "video-frame"]);
    expect(stderr).toContain(`line 1: sequence file s3://${BUCKETS.manifests}/jobs/image.manifest: malformed JSON at line 2, column 1`);
  });

  it("an s3:// URI without a key, in the manifest or as the manifest", async () => {
    expect(await failure(`{"source-ref":"s3://${BUCKETS.basic}/"}\n`, ["--job-type", "image"])).toBe(
      `gt-cors manifest: <manifest>: line 1: $["source-ref"]: "s3://${BUCKETS.basic}/" names a bucket but no object key (expected s3://bucket/key)\n`,
    );
    const asManifest = await gtCors(["manifest", `s3://${BUCKETS.manifests}`, "--job-type", "image", "--endpoint", s3.endpoint]);
    expect(asManifest).toEqual({
      code: 2,
      stdout: "",
      stderr: `gt-cors manifest: manifest: "s3://${BUCKETS.manifests}" names a bucket but no object key (expected s3://bucket/key)\n`,
    });
  });

  it("an unreachable endpoint, naming it", async () => {
    const closed = await closedPort();
    const stderr = await failure(`{"source-ref":"s3://${BUCKETS.basic}/a.jpg"}\n`, ["--job-type", "image"], closed);
    expect(stderr).toBe(`gt-cors manifest: bucket "${BUCKETS.basic}" (first named at line 1): cannot reach ${closed}: ECONNREFUSED\n`);
  });

  it("a bucket that does not exist", async () => {
    expect(await failure(`{"source-ref":"s3://gt-mf-missing/a.jpg"}\n`, ["--job-type", "image"])).toBe(
      `gt-cors manifest: bucket "gt-mf-missing" (first named at line 1): no such bucket at ${s3.endpoint}\n`,
    );
  });

  it("a bucket whose CORS the caller may not read names the permission", async () => {
    const proxy = await s3Proxy(new Set([BUCKETS.basic]));
    try {
      const stderr = await failure(`{"source-ref":"s3://${BUCKETS.noCors}/a.jpg"}\n{"source-ref":"s3://${BUCKETS.basic}/a.jpg"}\n`, ["--job-type", "image"], proxy.endpoint);
      expect(stderr).toBe(
        `gt-cors manifest: bucket "${BUCKETS.basic}" (first named at line 2): access denied reading its CORS configuration; the caller needs s3:GetBucketCORS on arn:aws:s3:::${BUCKETS.basic}\n`,
      );
    } finally {
      await proxy.close();
    }
  });
});

async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * A pass-through in front of the local endpoint that counts GetBucketCors requests by bucket and answers them
 * with S3's AccessDenied for the buckets in `denied`, as a bucket policy denying s3:GetBucketCORS would.
 */
async function s3Proxy(denied: Set<string>): Promise<{ endpoint: string; corsReads: string[]; close(): Promise<void> }> {
  const upstream = new URL(s3.endpoint);
  const corsReads: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const bucket = url.pathname.split("/")[1];
    if (req.method === "GET" && url.searchParams.has("cors")) {
      corsReads.push(bucket);
      if (denied.has(bucket)) {
        res.writeHead(403, { "Content-Type": "application/xml" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`);
        return;
      }
    }
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    corsReads,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
