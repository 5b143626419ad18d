/**
 * Malformed and hostile inputs: each makes `gt-cors check` exit 2 with a message on stderr naming the file and the
 * line and column or the JSON path, and print nothing on stdout, so none can pass as clean. A valid plan beside a bad
 * one fails the whole run.
 */
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../gate/cli";

jest.setTimeout(60_000);

let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), "gate-hostile-"));
  await fs.mkdir(path.join(work, "empty-cdktf.out", "stacks", "app"), { recursive: true });
});

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

async function gate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: work });
  return { code, stdout, stderr };
}

const plan = (extra: Record<string, unknown>): string => JSON.stringify({ format_version: "1.2", ...extra });

function bucketChange(after: unknown): Record<string, unknown> {
  return { address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", change: { actions: ["create"], before: null, after } };
}

const withAfter = (after: unknown): string => plan({ resource_changes: [bucketChange(after)] });

/** [name, file content, what stderr must say after "gt-cors: <file>: "]. */
const INPUTS: Array<[string, string | Buffer, RegExp]> = [
  ["truncated JSON", '{"format_version": "1.2", "resource_changes": [', /^malformed JSON at line 1, column 48: unexpected end of input\n$/],
  ["an empty file", "", /^empty file \(expected Terraform plan JSON or cdk\.tf\.json\)/],
  ["whitespace only", "  \n\t\n", /^empty file/],
  ["a UTF-8 byte order mark", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(plan({}))]), /^starts with a UTF-8 byte order mark/],
  ["UTF-16 as PowerShell writes it", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(plan({}), "utf16le")]), /^is UTF-16 text/],
  ["a NaN literal", '{"format_version": "1.2", "x": NaN}', /^malformed JSON at line 1, column 32: unexpected character "N"\n$/],
  ["an Infinity literal", '{"format_version": "1.2",\n "x": -Infinity}', /^malformed JSON at line 2, column 8: unexpected character "I"\n$/],
  ["a trailing comma", '{"format_version": "1.2",}', /^malformed JSON at line 1, column \d+: /],
  ["comments", '{"format_version": "1.2" /* terraform 1.11 */}', /^malformed JSON at line 1, column \d+: /],
  ["binary garbage", Buffer.from([0x00, 0x9f, 0x92, 0x96, 0xff, 0x7b, 0x01]), /^malformed JSON at line 1, column 1: unexpected byte 0x00\n$/],
  ["two documents in one file", plan({}) + plan({}), /^malformed JSON at line 1, column \d+: /],
  ["a top-level array", "[1, 2]", /^\$: expected a JSON object, found an array/],
  ["a top-level string", '"terraform"', /^\$: expected a JSON object, found a string/],
  ["JSON that is not a plan", '{"hello": "world"}', /^\$: neither a Terraform plan .* nor Terraform JSON configuration/],
  ["an unknown format_version", plan({ format_version: "2.0" }), /^\$\.format_version: unsupported plan format version "2\.0" \(this gate reads 1\.x/],
  ["format_version as a number", '{"format_version": 1.2}', /^\$\.format_version: expected a string, found a number/],
  ["resource_changes as an object", plan({ resource_changes: { "aws_s3_bucket.b": {} } }), /^\$\.resource_changes: expected an array, found an object/],
  [
    "resource_changes twice, the last one an object (duplicate keys: the last wins, as in JSON.parse)",
    '{"format_version": "1.2", "resource_changes": [], "resource_changes": {}}',
    /^\$\.resource_changes: expected an array, found an object/,
  ],
  ["a resource change that is a string", plan({ resource_changes: ["aws_s3_bucket.b"] }), /^\$\.resource_changes\[0\]: expected an object, found a string/],
  ["change.after as a string", withAfter("bucket"), /^\$\.resource_changes\[0\]\.change\.after: expected an object or null, found a string/],
  ["cors_rule as an object", withAfter({ cors_rule: { allowed_methods: ["GET"] } }), /^\$\.resource_changes\[0\]\.change\.after\.cors_rule: expected an array, found an object/],
  [
    "allowed_methods of numbers",
    withAfter({ cors_rule: [{ allowed_methods: [1, 2], allowed_origins: ["*"] }] }),
    /^\$\.resource_changes\[0\]\.change\.after\.cors_rule\[0\]\.allowed_methods: expected an array of strings, found an array/,
  ],
  ["tags as an array", withAfter({ tags: ["groundtruth:job-types=image"] }), /^\$\.resource_changes\[0\]\.change\.after\.tags: expected an object, found an array/],
  ["a huge bucket name (5 MB)", withAfter({ bucket: "b".repeat(5_000_000) }), /^\$\.resource_changes\[0\]\.change\.after\.bucket: a bucket name has at most 63 characters, found 5000000/],
  [
    "a huge origin (1 MB)",
    withAfter({ cors_rule: [{ allowed_methods: ["GET"], allowed_origins: ["https://" + "a".repeat(1_000_000)] }] }),
    /^\$\.resource_changes\[0\]\.change\.after\.cors_rule\[0\]\.allowed_origins: longer than S3's 65536-byte limit/,
  ],
  ["100,000 nested arrays", "[".repeat(100_000) + "]".repeat(100_000), /^\$: JSON nested more than 512 levels deep/],
  [
    "100,000 nested objects inside a plan",
    '{"format_version": "1.2", "planned_values": ' + '{"a": '.repeat(100_000) + "1" + "}".repeat(100_000) + "}",
    /^\$: JSON nested more than 512 levels deep/,
  ],
  ["configuration.root_module as an array", plan({ configuration: { root_module: [] } }), /^\$\.configuration\.root_module: expected an object, found an array/],
  [
    "a child module's resources as an object",
    plan({ configuration: { root_module: { module_calls: { video: { module: { resources: { b: {} } } } } } } }),
    /^\$\.configuration\.root_module\.module_calls\.video\.module\.resources: expected an array, found an object/,
  ],
  ["cdk.tf.json whose resource block is a string", '{"terraform": {}, "resource": "aws_s3_bucket"}', /^\$\.resource: expected an object, found a string/],
  ["cdk.tf.json whose bucket is an array", '{"resource": {"aws_s3_bucket": {"b": [{"bucket": "x"}]}}}', /^\$\.resource\.aws_s3_bucket\.b: expected an object, found an array/],
  ["a wrapped plan of an unknown version", JSON.stringify({ plan: { format_version: "0.1" } }), /^\$\.plan\.format_version: unsupported plan format version "0\.1"/],
];

describe("gt-cors check on a malformed or hostile input", () => {
  it("has at least 20 of them", () => {
    expect(INPUTS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(INPUTS)("%s: exit 2, the reason on stderr, nothing on stdout", async (name, content, reason) => {
    const file = `${name.replace(/[^a-z0-9]+/gi, "-")}.json`;
    await fs.writeFile(path.join(work, file), content);
    const { code, stdout, stderr } = await gate(["check", file]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr.startsWith(`gt-cors: ${file}: `)).toBe(true);
    expect(stderr.slice(`gt-cors: ${file}: `.length)).toMatch(reason);
  });
});

describe("gt-cors check on inputs that cannot be read", () => {
  it("exits 2 on a missing file", async () => {
    expect(await gate(["check", "nowhere/plan.json"])).toEqual({ code: 2, stdout: "", stderr: "gt-cors: nowhere/plan.json: no such file or directory\n" });
  });

  it("exits 2 on a directory without cdk.tf.json", async () => {
    const { code, stdout, stderr } = await gate(["check", "empty-cdktf.out"]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toBe("gt-cors: empty-cdktf.out: directory holds no cdk.tf.json (expected a cdktf.out directory or a stack folder)\n");
  });

  it("exits 2 and reports nothing when one of several inputs is bad", async () => {
    await fs.writeFile(path.join(work, "clean.json"), plan({ resource_changes: [] }));
    await fs.writeFile(path.join(work, "bad.json"), plan({ resource_changes: "none" }));
    const { code, stdout, stderr } = await gate(["check", "clean.json", "bad.json"]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toBe("gt-cors: bad.json: $.resource_changes: expected an array, found a string\n");
  });
});

describe("gt-cors check with a bad data file", () => {
  beforeAll(async () => {
    await fs.writeFile(path.join(work, "ok-plan.json"), plan({ resource_changes: [] }));
  });

  it.each<[string, string, string]>([
    ["an unknown key", '{"groundtruth": {"origin": ["https://a.example.com"]}}', "$.groundtruth.origin: unknown key (expected origins, buckets or exceptions)"],
    ["an unknown top-level key", '{"gt": {}}', '$.gt: unknown key (the data document holds only "groundtruth")'],
    ["a bucket without job types", '{"groundtruth": {"buckets": [{"bucket": "b"}]}}', "$.groundtruth.buckets[0].job_types: expected a non-empty array of job types"],
    ["an exception without a rule", '{"groundtruth": {"exceptions": [{"bucket": "b", "reason": "x"}]}}', "$.groundtruth.exceptions[0].rule: expected a rule id such as GTCORS-001"],
    ["an origin with two wildcards", '{"groundtruth": {"origins": ["https://*.*.example.com"]}}', '$.groundtruth.origins[0]: origin "https://*.*.example.com" has more than one "*"'],
  ])("%s: exit 2 naming the JSON path", async (_name, content, message) => {
    await fs.writeFile(path.join(work, "data.json"), content);
    expect(await gate(["check", "ok-plan.json", "--data", "data.json"])).toEqual({ code: 2, stdout: "", stderr: `gt-cors: data.json: ${message}\n` });
  });

  it("exits 2 on malformed JSON in the data file", async () => {
    await fs.writeFile(path.join(work, "data.json"), '{"groundtruth": ');
    const { code, stdout, stderr } = await gate(["check", "ok-plan.json", "--data", "data.json"]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toMatch(/^gt-cors: data\.json: malformed JSON: /);
  });
});
