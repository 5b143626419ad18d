/**
 * Malformed and hostile inputs: each makes `gt-cors check` exit 2 with a message on stderr naming the file and the
 * line and column or the JSON path, and print nothing on stdout, so none can pass as clean: bad JSON, duplicate keys,
 * invalid UTF-8, plans cut short or doubled, FIFOs and devices, bad data files. A valid plan beside a bad one fails
 * the whole run. Standard input is read only as `-`.
 */
import { execFileSync, spawnSync } from "child_process";
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../gate/cli";
import { PROJECT_ROOT } from "../../scripts/terraform-env";

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
    "resource_changes twice (readers disagree on which copy wins)",
    '{"format_version": "1.2", "resource_changes": [], "resource_changes": {}}',
    /^\$\.resource_changes: the key "resource_changes" appears twice in one object \(again at line 1\)/,
  ],
  [
    "a tag given twice deep in a resource change",
    `{"format_version": "1.2", "resource_changes": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
      "change": {"actions": ["create"], "before": null, "after": {"tags": {"groundtruth:job-types": "image", "groundtruth:job-types": "none"}}}}]}`,
    /^\$\.resource_changes\[0\]\.change\.after\.tags\["groundtruth:job-types"\]: the key "groundtruth:job-types" appears twice in one object \(again at line 2\)/,
  ],
  [
    "a key written once plainly and once with an escape",
    '{"format_version": "1.2", "resource_changes": [], "resource_\\u0063hanges": []}',
    /^\$\.resource_changes: the key "resource_changes" appears twice/,
  ],
  [
    "invalid UTF-8 inside a bucket name",
    Buffer.concat([Buffer.from(`{"format_version": "1.2", "resource_changes": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "change": {"actions": ["create"], "before": null, "after": {"bucket": "gt-`), Buffer.from([0xc3, 0x28]), Buffer.from('"}}}]}')]),
    /^\$\.resource_changes\[0\]\.change\.after\.bucket: invalid UTF-8 \(byte 0xc3 at line 1, column \d+\)/,
  ],
  [
    "a UTF-16 surrogate written as UTF-8 bytes",
    Buffer.concat([Buffer.from('{"format_version": "1.2", "x": "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    /^\$\.x: invalid UTF-8 \(byte 0xed at line 1, column 33\)/,
  ],
  [
    "resource_changes missing while planned_values lists resources",
    plan({ planned_values: { root_module: { resources: [{ address: "aws_s3_bucket.b", type: "aws_s3_bucket" }] } } }),
    /^\$\.resource_changes: missing, while planned_values lists 1 resources/,
  ],
  [
    "a wrapped plan beside a top-level plan",
    JSON.stringify({ format_version: "1.2", resource_changes: [], plan: { format_version: "1.2", resource_changes: [bucketChange({})] } }),
    /^\$\.plan: a wrapped plan beside another plan \(\$\.format_version, \$\.resource_changes\)/,
  ],
  [
    "a plan wrapped both as HCP Terraform and as Spacelift pass it",
    JSON.stringify({ plan: { format_version: "1.2" }, terraform: { format_version: "1.2" } }),
    /^\$\.terraform: a wrapped plan beside another plan \(\$\.plan\); give the gate one plan per file \(and 1 more: \$\.plan\)/,
  ],
  ["a create whose after is null", withAfter(null), /^\$\.resource_changes\[0\]\.change\.after: a create with no after/],
  // Missing fields fail closed under OPA's reading of `not f(x.missing)` as much as under regoc's.
  [
    "a resource change without change",
    plan({ resource_changes: [{ address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b" }] }),
    /^\$\.resource_changes\[0\]\.change: expected an object, found null\n$/,
  ],
  [
    "a resource change without address",
    plan({ resource_changes: [{ mode: "managed", type: "aws_s3_bucket", name: "b", change: { actions: ["create"], after: {} } }] }),
    /^\$\.resource_changes\[0\]\.address: expected a string, found null\n$/,
  ],
  [
    "a change without actions",
    plan({ resource_changes: [{ address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", change: { after: {} } }] }),
    /^\$\.resource_changes\[0\]\.change\.actions: expected an array of strings\n$/,
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

describe("gt-cors check on what is not a regular file, and on standard input", () => {
  it("exits 2 on a FIFO without reading it (a read would block)", async () => {
    const fifo = path.join(work, "plan.fifo");
    execFileSync("mkfifo", [fifo]);
    expect(await gate(["check", "plan.fifo"])).toEqual({ code: 2, stdout: "", stderr: "gt-cors: plan.fifo: is a FIFO (named pipe), not a regular file; give a file, or - to read standard input\n" });
  });

  it("exits 2 on a character device", async () => {
    expect(await gate(["check", "/dev/zero"])).toEqual({ code: 2, stdout: "", stderr: "gt-cors: /dev/zero: is a character device, not a regular file; give a file, or - to read standard input\n" });
  });

  it("reads a plan from standard input given as -, naming it <stdin>", async () => {
    const stdin = () => Buffer.from(withAfter({ bucket: "gt-in", tags: { "groundtruth:job-types": "image" } }));
    let stdout = "";
    const code = await run(["check", "-", "--format", "json"], { stdout: (s) => (stdout += s), stderr: () => undefined, cwd: work, stdin });
    expect(code).toBe(1);
    const [finding] = JSON.parse(stdout).findings;
    expect(finding).toMatchObject({ rule: "GTCORS-001", file: "<stdin>", root: "." });
  });

  it("exits 2 on bad JSON from standard input, naming <stdin>", async () => {
    let stderr = "";
    const code = await run(["check", "-"], { stdout: () => undefined, stderr: (s) => (stderr += s), cwd: work, stdin: () => Buffer.from('{"format_version": "1.2", "a": 1, "a": 2}') });
    expect({ code, stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/^gt-cors: <stdin>: \$\.a: the key "a" appears twice/) });
  });

  it("reads the process's standard input through the bin shim", () => {
    const child = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "bin", "gt-cors.js"), "check", "-"], { input: plan({ resource_changes: [] }), encoding: "utf8" });
    expect({ status: child.status, stdout: child.stdout, stderr: child.stderr }).toEqual({ status: 0, stdout: "1 input, 0 Ground Truth buckets: 0 errors, 0 warnings, 0 exceptions\n", stderr: "" });
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
    [
      "two entries for one bucket name",
      '{"groundtruth": {"buckets": [{"bucket": "b", "job_types": ["image"]}, {"bucket": "c", "job_types": ["text"]}, {"bucket": "b", "job_types": ["video-frame"]}]}}',
      '$.groundtruth.buckets[2]: a second entry for the bucket "b" (the first is $.groundtruth.buckets[0]); merge them into one',
    ],
    ["an exception scoped by a number", '{"groundtruth": {"exceptions": [{"bucket": "b", "rule": "GTCORS-001", "reason": "x", "input": 3}]}}', "$.groundtruth.exceptions[0].input: expected a path glob (a non-empty string)"],
  ])("%s: exit 2 naming the JSON path", async (_name, content, message) => {
    await fs.writeFile(path.join(work, "data.json"), content);
    expect(await gate(["check", "ok-plan.json", "--data", "data.json"])).toEqual({ code: 2, stdout: "", stderr: `gt-cors: data.json: ${message}\n` });
  });

  it("exits 2, once, against the data file when an entry by address and one by name meet on one bucket of the plan", async () => {
    await fs.writeFile(path.join(work, "named.json"), withAfter({ bucket: "gt-named" }));
    await fs.writeFile(path.join(work, "named-too.json"), withAfter({ bucket: "gt-named" }));
    const entries = '[{"address": "aws_s3_bucket.b", "job_types": ["image"]}, {"bucket": "gt-named", "job_types": ["text"]}]';
    await fs.writeFile(path.join(work, "data.json"), `{"groundtruth": {"buckets": ${entries}}}`);
    expect(await gate(["check", "named.json", "named-too.json", "--data", "data.json"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "gt-cors: data.json: $.groundtruth.buckets[1]: a second entry for the bucket aws_s3_bucket.b (the first is $.groundtruth.buckets[0]); merge them into one (in named.json)\n",
    });
  });

  it("exits 2 on malformed JSON in the data file", async () => {
    await fs.writeFile(path.join(work, "data.json"), '{"groundtruth": ');
    const { code, stdout, stderr } = await gate(["check", "ok-plan.json", "--data", "data.json"]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toMatch(/^gt-cors: data\.json: malformed JSON: /);
  });
});
