/**
 * `regoc`, run in process through `run(argv, io)`: building a `.wasm` file and an `opa build`-style bundle,
 * running `test_*` rules like `opa test`, evaluating a query, and the exit codes and messages for compile
 * errors (rendered with the source line) and usage errors.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { readBundleArchive } from "../../compiler/bundle-archive";
import { regoc, workspace } from "../support/regoc-harness";

const POLICY = `package limits

import rego.v1

max_size := data.limits.max

too_big contains name if {
	some name, size in input.files
	size > max_size
}
`;

const TESTS = `package limits_test

import rego.v1

import data.limits

test_flags_big_files if {
	limits.too_big == {"b"} with input as {"files": {"a": 1, "b": 500}}
}

test_nothing_flagged if {
	count(limits.too_big) == 0 with input as {"files": {"a": 1}}
}
`;

describe("regoc build", () => {
  test("writes a module the SDK loads, with data from data.json beside the policy", async () => {
    const dir = workspace({ "policy/limits.rego": POLICY, "policy/limits/data.json": JSON.stringify({ max: 100 }) });
    const out = await regoc(dir, "build", "-t", "wasm", "-e", "limits/too_big", "-o", "out.wasm", "policy");
    expect(out).toMatchObject({ status: 0, stderr: "" });
    expect(out.stdout).toMatch(/wrote out\.wasm \(\d+ bytes, 1 entrypoint\)/);
    const policy = loadPolicySync(fs.readFileSync(path.join(dir, "out.wasm")));
    policy.setData({ limits: { max: 100 } });
    expect(policy.evaluate({ files: { a: 5, b: 700 } }, "limits/too_big")).toEqual([{ result: ["b"] }]);
  });

  test("writes opa build's bundle layout, deterministically", async () => {
    const dir = workspace({ "policy/limits.rego": POLICY, "policy/limits/data.json": JSON.stringify({ max: 100 }) });
    expect((await regoc(dir, "build", "-e", "limits/too_big", "-o", "bundle.tar.gz", "policy")).status).toBe(0);
    const first = fs.readFileSync(path.join(dir, "bundle.tar.gz"));
    const entries = await readBundleArchive(path.join(dir, "bundle.tar.gz"));
    expect([...entries.keys()].sort()).toEqual(["/.manifest", "/data.json", "/policy.wasm", "/policy/limits.rego"]);
    expect(JSON.parse(entries.get("/.manifest")!.toString())).toMatchObject({ wasm: [{ entrypoint: "limits/too_big", module: "/policy.wasm" }] });
    expect(JSON.parse(entries.get("/data.json")!.toString())).toEqual({ limits: { max: 100 } });
    expect((await regoc(dir, "build", "-e", "limits/too_big", "-o", "bundle.tar.gz", "policy")).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, "bundle.tar.gz")).equals(first)).toBe(true);
  });

  test("a compile error exits 1 and shows the source line with a caret", async () => {
    const dir = workspace({ "bad.rego": "package bad\n\nimport rego.v1\n\nallow if {\n\tinput.user == who\n}\n" });
    const out = await regoc(dir, "build", "-e", "bad/allow", "bad.rego");
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("bad.rego:6:16: rego_unsafe_var_error: var who is unsafe");
    expect(out.stderr).toContain("6 | \tinput.user == who\n");
    expect(out.stderr).toMatch(/\n {4}\t {14}\^/);
    expect(fs.existsSync(path.join(dir, "policy.wasm"))).toBe(false);
  });

  test.each([
    [["build", "policy"], /at least one -e/],
    [["build", "-e", "limits/too_big"], /no \.rego files/],
    [["build", "-e", "limits/too_big", "missing"], /missing: no such file or directory/],
    [["build", "-t", "plan", "-e", "x/y", "policy"], /unsupported target plan/],
    [["build", "--frobnicate", "policy"], /^regoc build: unknown option --frobnicate\n/],
    [["build", "--entrypiont", "x/y", "policy"], /unknown option --entrypiont; did you mean --entrypoint\?/],
    [["test", "--verbse", "policy"], /unknown option --verbse; did you mean --verbose\?/],
    [["transmogrify"], /unknown command "transmogrify"/],
    [["biuld"], /unknown command "biuld"; did you mean build\?/],
  ])("usage error %j exits 2 (regoc test: 1, as opa test)", async (argv, message) => {
    const dir = workspace({ "policy/limits.rego": POLICY });
    const out = await regoc(dir, ...(argv as string[]));
    expect(out.status).toBe(argv[0] === "test" ? 1 : 2);
    expect(out.stderr).toMatch(message);
  });
});

describe("regoc test", () => {
  test("runs test_ rules and reports PASS", async () => {
    const dir = workspace({ "limits.rego": POLICY, "limits_test.rego": TESTS, "limits/data.json": JSON.stringify({ max: 100 }) });
    const out = await regoc(dir, "test", "-v", ".");
    expect(out.stderr).toBe("");
    expect(out.stdout).toMatch(/limits_test\.rego:7:\ndata\.limits_test\.test_flags_big_files: PASS \(\S+\)\n/);
    expect(out.stdout).toMatch(/PASS: 2\/2/);
    expect(out.status).toBe(0);
  });

  test("a failing test exits 2 (as opa test) and names its file and line", async () => {
    const failing = TESTS.replace('{"b"}', '{"a"}');
    const dir = workspace({ "limits.rego": POLICY, "limits_test.rego": failing, "limits/data.json": JSON.stringify({ max: 100 }) });
    const out = await regoc(dir, "test", ".");
    expect(out.status).toBe(2);
    expect(out.stdout).toMatch(/limits_test\.rego:7:\ndata\.limits_test\.test_flags_big_files: FAIL \(\S+\)\n/);
    expect(out.stdout).not.toMatch(/test_nothing_flagged/);
    expect(out.stdout).toMatch(/FAIL: 1\/2/);
  });
});

describe("regoc eval", () => {
  test("prints the result set of a query over data and input", async () => {
    const dir = workspace({ "limits.rego": POLICY, "limits/data.json": JSON.stringify({ max: 3 }), "input.json": JSON.stringify({ files: { x: 9 } }) });
    const out = await regoc(dir, "eval", "-d", ".", "-i", "input.json", "names := data.limits.too_big");
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      result: [{ expressions: [{ value: true, text: "names := data.limits.too_big", location: { row: 1, col: 1 } }], bindings: { names: ["x"] } }],
    });
  });

  test("--strict-builtin-errors turns a builtin error into an evaluation error with OPA's wording", async () => {
    const dir = workspace({ "input.json": JSON.stringify({ a: 1, b: 0, when: "yesterday" }) });
    const lenient = await regoc(dir, "eval", "-i", "input.json", "x := input.a / input.b");
    expect(lenient).toMatchObject({ status: 0 });
    expect(JSON.parse(lenient.stdout)).toEqual({});
    const strict = await regoc(dir, "eval", "--strict-builtin-errors", "-i", "input.json", "x := input.a / input.b");
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/entrypoint:eval:1: eval_builtin_error: div: divide by zero/);
    // A host builtin (time.parse_rfc3339_ns runs in the host library) follows the same option.
    const host = await regoc(dir, "eval", "--strict-builtin-errors", "-i", "input.json", "x := time.parse_rfc3339_ns(input.when)");
    expect(host.status).toBe(1);
    expect(host.stderr).toMatch(/eval_builtin_error: time\.parse_rfc3339_ns: /);
    const hostLenient = await regoc(dir, "eval", "-i", "input.json", "x := time.parse_rfc3339_ns(input.when)");
    expect(JSON.parse(hostLenient.stdout)).toEqual({});
  });

  test("input that is not JSON exits 2 naming the file", async () => {
    const dir = workspace({ "limits.rego": POLICY, "input.json": "{ files: " });
    const out = await regoc(dir, "eval", "-d", "limits.rego", "-i", "input.json", "x := 1");
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/input\.json: not JSON/);
  });
});

describe("regoc help and version", () => {
  test.each([
    ["build", ["--entrypoint <entrypoint>", "--output <policy.wasm|bundle.tar.gz>"]],
    ["test", ["--verbose", "--run <regex>"]],
    ["eval", ["--data <path>", "--input <input.json>"]],
  ])("regoc %s --help lists the command's options and exit codes on stdout", async (command, options) => {
    const out = await regoc(os.tmpdir(), command, "--help");
    expect(out).toMatchObject({ status: 0, stderr: "" });
    expect(out.stdout).toMatch(new RegExp(`^usage: regoc ${command} `));
    for (const option of options) expect(out.stdout).toContain(option);
    expect(out.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 /);
  });

  test("--version prints the package.json version", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
    expect(await regoc(os.tmpdir(), "--version")).toEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });
});
