/**
 * The local S3 endpoint as the AWS SDK sees it: tagging, public access block and default encryption stored and
 * returned as put, with S3's error codes when absent, gone with their bucket; everything else still answered by
 * s3rver, CORS enforcement included.
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeletePublicAccessBlockCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { LocalS3, localS3Client, startLocalS3 } from "../../local-s3";

let s3: LocalS3;
let client: S3Client;

beforeAll(async () => {
  s3 = await startLocalS3();
  client = localS3Client(s3);
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof S3ServiceException) {
      return { name: err.name, status: err.$metadata.httpStatusCode };
    }
    throw err;
  }
  throw new Error("expected the request to fail");
}

async function freshBucket(name: string): Promise<string> {
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

describe("local S3 endpoint", () => {
  it("listens on an ephemeral loopback port", () => {
    expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s3.port).toBeGreaterThan(0);
  });

  it("stores and returns bucket tagging, and answers NoSuchTagSet before any is put", async () => {
    const Bucket = await freshBucket("tagging-bucket");
    expect(await failure(client.send(new GetBucketTaggingCommand({ Bucket })))).toEqual({ name: "NoSuchTagSet", status: 404 });
    const TagSet = [
      { Key: "groundtruth:job-types", Value: "image,video-frame" },
      { Key: "groundtruth:bucket-role", Value: "input,output" },
    ];
    await client.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet } }));
    expect((await client.send(new GetBucketTaggingCommand({ Bucket }))).TagSet).toEqual(TagSet);
  });

  it("stores, returns and deletes the public access block", async () => {
    const Bucket = await freshBucket("pab-bucket");
    expect(await failure(client.send(new GetPublicAccessBlockCommand({ Bucket })))).toEqual({
      name: "NoSuchPublicAccessBlockConfiguration",
      status: 404,
    });
    const PublicAccessBlockConfiguration = {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: false,
      RestrictPublicBuckets: true,
    };
    await client.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration }));
    const got = await client.send(new GetPublicAccessBlockCommand({ Bucket }));
    expect(got.PublicAccessBlockConfiguration).toEqual(PublicAccessBlockConfiguration);
    await client.send(new DeletePublicAccessBlockCommand({ Bucket }));
    expect((await failure(client.send(new GetPublicAccessBlockCommand({ Bucket })))).status).toBe(404);
  });

  it("stores, returns and deletes default encryption", async () => {
    const Bucket = await freshBucket("sse-bucket");
    expect(await failure(client.send(new GetBucketEncryptionCommand({ Bucket })))).toEqual({
      name: "ServerSideEncryptionConfigurationNotFoundError",
      status: 404,
    });
    const rule = {
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" as const, KMSMasterKeyID: "alias/labeling" },
      BucketKeyEnabled: true,
    };
    await client.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [rule] } }));
    const got = await client.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(got.ServerSideEncryptionConfiguration?.Rules).toEqual([rule]);
    await client.send(new DeleteBucketEncryptionCommand({ Bucket }));
    expect((await failure(client.send(new GetBucketEncryptionCommand({ Bucket })))).status).toBe(404);
  });

  it("answers NoSuchBucket for a bucket that does not exist", async () => {
    const Bucket = "no-such-bucket";
    expect(await failure(client.send(new GetBucketTaggingCommand({ Bucket })))).toEqual({ name: "NoSuchBucket", status: 404 });
    expect(
      await failure(client.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: "a", Value: "b" } ] } }))),
    ).toEqual({ name: "NoSuchBucket", status: 404 });
  });

  it("forgets a deleted bucket's settings, so a new bucket of the same name starts clean", async () => {
    const Bucket = await freshBucket("recycled-bucket");
    await client.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: "a", Value: "b" }] } }));
    await client.send(new DeleteBucketCommand({ Bucket }));
    await freshBucket(Bucket);
    expect((await failure(client.send(new GetBucketTaggingCommand({ Bucket })))).name).toBe("NoSuchTagSet");
  });

  it("rejects a document of the wrong kind and an unsigned request", async () => {
    const Bucket = await freshBucket("strict-bucket");
    const url = `${s3.endpoint}/${Bucket}?tagging`;
    const wrongKind = await fetch(url, {
      method: "PUT",
      headers: { Authorization: "AWS4-HMAC-SHA256 test" },
      body: "<PublicAccessBlockConfiguration/>",
    });
    expect(wrongKind.status).toBe(400);
    expect(await wrongKind.text()).toContain("<Code>MalformedXML</Code>");
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toContain("<Code>AccessDenied</Code>");
  });

  it("passes objects and CORS through to s3rver, which enforces the CORS on browser requests", async () => {
    const Bucket = await freshBucket("cors-bucket");
    await client.send(new PutObjectCommand({ Bucket, Key: "a.txt", Body: "hello", ContentType: "text/plain" }));
    expect(await (await client.send(new GetObjectCommand({ Bucket, Key: "a.txt" }))).Body?.transformToString()).toBe("hello");

    const preflight = (): Promise<Response> =>
      fetch(`${s3.endpoint}/${Bucket}/a.txt`, {
        method: "OPTIONS",
        headers: { Origin: "http://127.0.0.1:9", "Access-Control-Request-Method": "GET" },
      });
    expect((await preflight()).status).toBe(403);

    const CORSRules = [{ AllowedMethods: ["GET"], AllowedOrigins: ["*"] }];
    await client.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules } }));
    expect((await client.send(new GetBucketCorsCommand({ Bucket }))).CORSRules).toEqual(CORSRules);
    const allowed = await preflight();
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("*");
  });
});
