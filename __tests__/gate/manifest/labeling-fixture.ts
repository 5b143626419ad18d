/**
 * Test support: the buckets of ./buckets/main.tf planned (`terraform plan`, `show -json`) and that very plan
 * applied to a running local S3 endpoint, then the job's data uploaded: images, video frames, point-cloud frames
 * and camera images, sequence files in their own bucket, and one manifest per job type, both as local files and
 * in the manifests bucket. Every object is the same JPEG, so a browser can draw whichever one a manifest names.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { promises as fs } from "fs";
import * as path from "path";
import { LocalS3, localS3Client } from "../../../local-s3";
import { runTerraform } from "../../../scripts/terraform-cli";
import { terraformEnvironment } from "../../../scripts/terraform-env";
import { providerFile } from "../fixture-plans";

export const BUCKETS = {
  basic: "gt-mf-basic",
  noCors: "gt-mf-no-cors",
  getOnly: "gt-mf-get-only",
  video: "gt-mf-video",
  sequences: "gt-mf-sequences",
  manifests: "gt-mf-manifests",
} as const;

/** Sequence files, by key in the sequences bucket. */
const SEQUENCES: Record<string, unknown> = {
  "video/seq1.json": {
    "seq-no": 1,
    prefix: `s3://${BUCKETS.getOnly}/video1/`,
    "number-of-frames": 2,
    frames: [
      { "frame-no": 1, "unix-timestamp": 1566861644, frame: "frame0001.jpg" },
      { "frame-no": 2, "unix-timestamp": 1566861645, frame: "frame0002.jpg" },
    ],
  },
  "video/seq2.json": {
    "seq-no": 2,
    prefix: `s3://${BUCKETS.video}/video2/`,
    "number-of-frames": 1,
    frames: [{ "frame-no": 1, "unix-timestamp": 1566861650, frame: "frame0001.jpg" }],
  },
  "lidar/seq1.json": {
    "seq-no": 1,
    prefix: `s3://${BUCKETS.video}/lidar1/`,
    "number-of-frames": 1,
    frames: [
      {
        "frame-no": 300,
        "unix-timestamp": 1566861644.759115,
        frame: "frame300.bin",
        format: "binary/xyzi",
        images: [
          { "image-path": "images/frame300_camera0.jpg", "unix-timestamp": 1566861644.759115, fx: 847.7, fy: 850.1, cx: 576.2, cy: 317.2 },
          { "image-path": `s3://${BUCKETS.getOnly}/cameras/frame300_camera1.jpg`, "unix-timestamp": 1566861644.759115, fx: 847.7, fy: 850.1, cx: 576.2, cy: 317.2 },
        ],
      },
    ],
  },
};

/** Manifests by job type (and variant): the JSON Lines each one holds. */
export const MANIFESTS = {
  image: [
    { "source-ref": `s3://${BUCKETS.basic}/images/photo1.jpg` },
    { "source-ref": `s3://${BUCKETS.noCors}/images/photo2.jpg` },
    { "source-ref": `s3://${BUCKETS.basic}/images/photo3.jpg`, "class-name": "cat" },
  ],
  "video-frame": [{ "source-ref": `s3://${BUCKETS.sequences}/video/seq1.json` }, { "source-ref": `s3://${BUCKETS.sequences}/video/seq2.json` }],
  "point-cloud": [{ "source-ref": `s3://${BUCKETS.sequences}/lidar/seq1.json` }],
  "point-cloud-frame": [
    {
      "source-ref": `s3://${BUCKETS.video}/lidar1/frame300.bin`,
      "source-ref-metadata": {
        format: "binary/xyzi",
        "unix-timestamp": 1566861644.759115,
        prefix: `s3://${BUCKETS.noCors}/cameras/`,
        images: [{ "image-path": "frame300_camera0.jpg", "unix-timestamp": 1566861644.759115, fx: 847.7, fy: 850.1, cx: 576.2, cy: 317.2 }],
      },
    },
  ],
  text: [{ source: "The labeling tool shows this sentence as it is." }, { "source-ref": `s3://${BUCKETS.noCors}/texts/review1.txt` }, { source: "A second sentence." }],
  "text-inline": [{ source: "Only inline text: no bucket is read." }],
} as const;

export type ManifestName = keyof typeof MANIFESTS;

/** Every object the manifests and sequence files name, as bucket and key. */
const OBJECTS: Array<[string, string]> = [
  [BUCKETS.basic, "images/photo1.jpg"],
  [BUCKETS.noCors, "images/photo2.jpg"],
  [BUCKETS.basic, "images/photo3.jpg"],
  [BUCKETS.getOnly, "video1/frame0001.jpg"],
  [BUCKETS.getOnly, "video1/frame0002.jpg"],
  [BUCKETS.video, "video2/frame0001.jpg"],
  [BUCKETS.video, "lidar1/frame300.bin"],
  [BUCKETS.video, "lidar1/images/frame300_camera0.jpg"],
  [BUCKETS.getOnly, "cameras/frame300_camera1.jpg"],
  [BUCKETS.noCors, "cameras/frame300_camera0.jpg"],
  [BUCKETS.noCors, "texts/review1.txt"],
];

export interface LabelingFixture {
  /** `terraform show -json` of the plan that created the buckets (planned before they existed). */
  plan: string;
  /** Local manifest files, by name. */
  manifests: Record<ManifestName, string>;
  /** The same manifests in the manifests bucket. */
  s3Manifests: Record<ManifestName, string>;
}

export async function deployLabelingFixture(s3: LocalS3, work: string, photo: Buffer): Promise<LabelingFixture> {
  const terraform = terraformEnvironment();
  const dir = path.join(work, "buckets");
  await fs.mkdir(dir, { recursive: true });
  await fs.copyFile(path.join(__dirname, "buckets", "main.tf"), path.join(dir, "main.tf"));
  await fs.writeFile(path.join(dir, "provider.tf"), providerFile(s3.endpoint));
  await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  await runTerraform(terraform, dir, ["plan", "-input=false", "-no-color", "-lock=false", "-out=buckets.tfplan"]);
  const plan = path.join(dir, "plan.json");
  await fs.writeFile(plan, (await runTerraform(terraform, dir, ["show", "-json", "buckets.tfplan"])).stdout);
  await runTerraform(terraform, dir, ["apply", "-input=false", "-no-color", "-lock=false", "buckets.tfplan"]);

  const client = localS3Client(s3);
  try {
    for (const [Bucket, Key] of OBJECTS) {
      const text = Key.endsWith(".txt");
      await client.send(new PutObjectCommand({ Bucket, Key, Body: text ? "A review to classify." : photo, ContentType: text ? "text/plain" : "image/jpeg" }));
    }
    for (const [Key, doc] of Object.entries(SEQUENCES)) {
      await client.send(new PutObjectCommand({ Bucket: BUCKETS.sequences, Key, Body: JSON.stringify(doc), ContentType: "application/json" }));
    }
    const manifests = {} as Record<ManifestName, string>;
    const s3Manifests = {} as Record<ManifestName, string>;
    for (const [name, lines] of Object.entries(MANIFESTS) as Array<[ManifestName, readonly object[]]>) {
      const body = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
      manifests[name] = path.join(work, `${name}.manifest`);
      await fs.writeFile(manifests[name], body);
      await client.send(new PutObjectCommand({ Bucket: BUCKETS.manifests, Key: `jobs/${name}.manifest`, Body: body }));
      s3Manifests[name] = `s3://${BUCKETS.manifests}/jobs/${name}.manifest`;
    }
    return { plan, manifests, s3Manifests };
  } finally {
    client.destroy();
  }
}

/** The URL a worker's browser would load an object from on the local endpoint (path-style). */
export function objectUrl(s3: LocalS3, uri: string): string {
  return `${s3.endpoint}/${uri.slice("s3://".length)}`;
}
