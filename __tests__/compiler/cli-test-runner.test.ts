/**
 * `regoc test` as `opa test` behaves (OPA's tester/runner.go and reporter.go are the reference): every
 * definition of a repeated test name runs as `test_x#01`, a parameterised `test_x[name]` passes case by case,
 * data files load at their directory's path, --run/--ignore select, --format json, exit 0/2/1; and `--builtins`
 * adding custom builtins to test, eval and build.
 */
import * as fs from "fs";
import * as path from "path";
import { regoc, workspace } from "../support/regoc-harness";

const REPEATED = `package repeated

test_twice if { 1 == 1 }

test_twice if { 1 == 2 }

test_twice if { 2 == 2 }
`;

const PARAMETERISED = `package cases

cases := [{"note": "one", "n": 1}, {"note": "two", "n": 2}, {"note": "odd", "n": 3}]

test_even[c.note] if {
	some c in cases
	c.n % 2 == 0
}

test_positive[c.note] if {
	some c in cases
	c.n > 0
}
`;

describe("regoc test", () => {
  test("each definition of a repeated test name is its own test, reported as test_x#01, #02", async () => {
    const out = await regoc(workspace({ "r_test.rego": REPEATED }), "test", "-v", ".");
    expect(out.stdout).toMatch(/^r_test\.rego:3:\ndata\.repeated\.test_twice: PASS \(\S+\)$/m);
    expect(out.stdout).toMatch(/^r_test\.rego:5:\ndata\.repeated\.test_twice#01: FAIL \(\S+\)$/m);
    expect(out.stdout).toMatch(/^r_test\.rego:7:\ndata\.repeated\.test_twice#02: PASS \(\S+\)$/m);
    expect(out.stdout).toMatch(/-{80}\nPASS: 2\/3\nFAIL: 1\/3\n$/);
    expect(out.status).toBe(2);
  });

  test("a parameterised test_x[name] is judged case by case: a case whose checks fail is a failed case", async () => {
    const out = await regoc(workspace({ "c_test.rego": PARAMETERISED }), "test", "-v", ".");
    expect(out.stdout).toMatch(/data\.cases\.test_positive: PASS \(\S+\)\n {2}odd: PASS\n {2}one: PASS\n {2}two: PASS\n/);
    // As OPA's injected internal.test_case: "one" and "odd" started (their `note` was bound), then failed.
    expect(out.stdout).toMatch(/data\.cases\.test_even: FAIL \(\S+\)\n {2}odd: FAIL\n {2}one: FAIL\n {2}two: PASS\n/);
    expect(out.stdout).toMatch(/PASS: 4\/6\nFAIL: 2\/6\n$/);
    expect(out.status).toBe(2);
  });

  test("every .json and .yaml file is data at its directory's path, merged; a named file lands at the root", async () => {
    const dir = workspace({
      "policy/p_test.rego": `package p\n\ntest_data if {\n\tdata.config.limits.max == 3\n\tdata.config.limits.names == ["a"]\n\tdata.config.owner == "ops"\n\tdata.extra.flag == true\n}\n`,
      "policy/config/limits/values.json": JSON.stringify({ max: 3 }),
      "policy/config/limits/more.yaml": "names: [a]\n",
      "policy/config/owner.yml": "owner: ops\n",
      "extra.json": JSON.stringify({ extra: { flag: true } }),
    });
    const out = await regoc(dir, "test", "policy", "extra.json");
    expect(out.stderr).toBe("");
    expect(out.stdout).toBe("PASS: 1/1\n");
    expect(out.status).toBe(0);
  });

  test("two data files that set the same key conflict: exit 1 naming the file and the data path", async () => {
    const dir = workspace({ "p_test.rego": "package p\n\ntest_x if true\n", "a/x.json": '{"k": 1}', "a/y.json": '{"k": 2}' });
    const out = await regoc(dir, "test", ".");
    expect(out.stderr).toMatch(/a\/y\.json: data conflicts with another document at data\.a\.k/);
    expect(out.status).toBe(1);
  });

  test("--ignore drops files by name (a broken data file and a failing module), --run selects by full name", async () => {
    const dir = workspace({
      "a_test.rego": "package a\n\ntest_one if true\n\ntest_two if true\n",
      "broken_test.rego": "package b\n\ntest_broken if false\n",
      "fixture.yaml": "{ not: [yaml",
    });
    const all = await regoc(dir, "test", ".");
    expect(all.status).toBe(1);
    expect(all.stderr).toMatch(/fixture\.yaml/);
    const some = await regoc(dir, "test", "-v", ".", "--ignore", "*.yaml", "--ignore", "broken_*", "--run", "a\\.test_t");
    expect(some.stdout).toMatch(/data\.a\.test_two: PASS/);
    expect(some.stdout).not.toMatch(/test_one|test_broken/);
    expect(some.status).toBe(0);
  });

  test("a parse error is printed with its location instead of 'no tests found', exit 1", async () => {
    const out = await regoc(workspace({ "p_test.rego": "package p\n\ntest_x if {\n" }), "test", ".");
    expect(out.stderr).toMatch(/p_test\.rego:\d+:\d+: rego_parse_error/);
    expect(out.stdout).toBe("");
    expect(out.status).toBe(1);
  });

  test("--v0-compatible runs Rego v0 tests; without it they are parse errors", async () => {
    const dir = workspace({ "v0_test.rego": "package v0\n\ndeny[msg] { msg := input.m }\n\ntest_deny { deny[\"x\"] with input as {\"m\": \"x\"} }\n" });
    expect((await regoc(dir, "test", ".")).status).toBe(1);
    const v0 = await regoc(dir, "test", "--v0-compatible", ".");
    expect(v0.stdout).toBe("PASS: 1/1\n");
    expect(v0.status).toBe(0);
    // eval and build take the same flag.
    fs.writeFileSync(path.join(dir, "input.json"), '{"m": "y"}');
    const evaluated = await regoc(dir, "eval", "--v0-compatible", "-d", "v0_test.rego", "-i", "input.json", "data.v0.deny");
    expect(JSON.parse(evaluated.stdout).result[0].expressions[0].value).toEqual(["y"]);
    expect((await regoc(dir, "build", "--v0-compatible", "-e", "v0/deny", "-o", "v0.wasm", "v0_test.rego")).status).toBe(0);
  });

  test("--format json is OPA's array of results; errors carry their code, message and location", async () => {
    const dir = workspace({ "j_test.rego": 'package j\n\ntest_ok if true\n\ntest_bad if false\n\ntest_err if {\n\tx := to_number("nope")\n\tx == 1\n}\n' });
    const out = await regoc(dir, "test", "--format", "json", "--strict-builtin-errors", ".");
    const results = JSON.parse(out.stdout) as Array<Record<string, unknown>>;
    expect(results.map((r) => [r.package, r.name, r.fail ?? false, r.error !== undefined])).toEqual([
      ["data.j", "test_ok", false, false],
      ["data.j", "test_bad", true, false],
      ["data.j", "test_err", false, true],
    ]);
    expect(results[0]).toMatchObject({ location: { file: "j_test.rego", row: 3, col: 1 } });
    expect(results[2].error).toMatchObject({ code: "eval_builtin_error", message: expect.stringMatching(/to_number/) });
    expect(typeof results[0].duration).toBe("number");
    expect(out.status).toBe(2);
  });

  test("print output stays with its test (shown when it fails), trace notes show with --explain notes", async () => {
    const dir = workspace({ "p_test.rego": 'package p\n\ntest_a if {\n\tprint("got", 1)\n\ttrace("checked a")\n\tfalse\n}\n\ntest_b if print("quiet")\n' });
    const plain = await regoc(dir, "test", ".");
    expect(plain.stdout).toMatch(/data\.p\.test_a: FAIL \(\S+\)\n\n {2}got 1\n\n/);
    expect(plain.stdout).not.toMatch(/quiet|checked a/);
    const notes = await regoc(dir, "test", "--explain", "notes", ".");
    expect(notes.stdout).toMatch(/data\.p\.test_a: FAIL \(\S+\)\n {2}Note "checked a"\n/);
    expect(notes.stdout).toMatch(/data\.p\.test_b: PASS \(\S+\)\n\n {2}quiet\n/);
  });

  test("-b takes a bundle archive: regoc build's bundle.tar.gz runs its own tests with its data", async () => {
    const dir = workspace({
      "src/p.rego": "package p\n\nlimit := data.cfg.max\n",
      "src/p_test.rego": "package p\n\ntest_limit if limit == 7\n",
      "src/cfg/data.json": '{"max": 7}',
    });
    expect((await regoc(dir, "build", "-e", "p/limit", "-o", "b.tar.gz", "src")).status).toBe(0);
    const out = await regoc(dir, "test", "-v", "-b", "b.tar.gz");
    expect(out.stdout).toMatch(/^b\.tar\.gz\/src\/p_test\.rego:3:\ndata\.p\.test_limit: PASS/m);
    expect(out.status).toBe(0);
    fs.writeFileSync(path.join(dir, "junk.tar.gz"), "not gzip");
    const junk = await regoc(dir, "test", "-b", "junk.tar.gz");
    expect(junk.stderr).toMatch(/junk\.tar\.gz: not a readable bundle archive/);
    expect(junk.status).toBe(1);
  });

  test("todo_test_ rules are reported as skipped and exit 2 unless -z", async () => {
    const dir = workspace({ "p_test.rego": "package p\n\ntest_ok if true\n\ntodo_test_later if false\n" });
    const out = await regoc(dir, "test", ".");
    expect(out.stdout).toMatch(/^p_test\.rego:5:\ndata\.p\.todo_test_later: SKIPPED\n/m);
    expect(out.stdout).toMatch(/PASS: 1\/2\nSKIPPED: 1\/2\n$/);
    expect(out.status).toBe(2);
    expect((await regoc(dir, "test", "-z", ".")).status).toBe(0);
  });

  test("usage errors exit 1 as opa test's do", async () => {
    const dir = workspace({ "p_test.rego": "package p\n\ntest_x if true\n" });
    for (const argv of [["test"], ["test", "--format", "xml", "."], ["test", "--explain", "some", "."], ["test", "--timeout", "soon", "."]]) {
      const out = await regoc(dir, ...argv);
      expect(out.status).toBe(1);
      expect(out.stderr).toMatch(/^regoc test: /);
    }
  });
});

const BUILTINS_MODULE = `exports.builtins = {
  "acme.double": { decl: { args: [{ type: "number" }], result: { type: "number" } }, impl: (n) => n * 2 },
  "acme.fails": { arity: 0, impl: () => { throw new Error("backend down"); } },
};
`;

describe("--builtins", () => {
  test("declares and implements custom builtins for test, eval and build", async () => {
    const dir = workspace({
      "acme.js": BUILTINS_MODULE,
      "p.rego": "package p\n\ndoubled := acme.double(input.n)\n",
      "p_test.rego": "package p\n\ntest_double if acme.double(21) == 42\n\ntest_undefined_on_error if not acme.fails()\n",
      "input.json": '{"n": 5}',
    });
    const tested = await regoc(dir, "test", "--builtins", "acme.js", "p.rego", "p_test.rego");
    expect(tested.stdout).toBe("PASS: 2/2\n");
    const evaluated = await regoc(dir, "eval", "--builtins", "acme.js", "-d", "p.rego", "-i", "input.json", "data.p.doubled");
    expect(JSON.parse(evaluated.stdout).result[0].expressions[0].value).toBe(10);
    const built = await regoc(dir, "build", "--builtins", "acme.js", "-e", "p/doubled", "-o", "p.wasm", "p.rego");
    expect(built.status).toBe(0);
    const without = await regoc(dir, "test", "p.rego", "p_test.rego");
    expect(without.stderr).toMatch(/rego_type_error: undefined function acme\.double/);
    expect(without.status).toBe(1);
  });

  test("a module without a usable builtins table is a usage error naming the file and builtin", async () => {
    const dir = workspace({ "bad.js": 'exports.builtins = { "x.y": { arity: 1 } };\n', "p_test.rego": "package p\n\ntest_x if true\n" });
    const out = await regoc(dir, "test", "--builtins", "bad.js", ".");
    expect(out.stderr).toMatch(/--builtins bad\.js: builtin "x\.y": `impl` must be a function/);
    expect(out.status).toBe(1);
  });
});

describe("regoc eval", () => {
  test("prints a rule's value as opa eval's result set (the README's `regoc eval -d policies/ … data.pkg.rule`)", async () => {
    const dir = workspace({ "policies/p.rego": 'package gt\n\nreport := {"errors": count(input.items)}\n', "plan.json": '{"items": [1, 2]}' });
    const out = await regoc(dir, "eval", "-d", "policies/", "-i", "plan.json", "data.gt.report");
    expect(JSON.parse(out.stdout)).toEqual({
      result: [{ expressions: [{ value: { errors: 2 }, text: "data.gt.report", location: { row: 1, col: 1 } }] }],
    });
    const undefinedRule = await regoc(dir, "eval", "-d", "policies/", "data.gt.missing");
    expect(JSON.parse(undefinedRule.stdout)).toEqual({});
  });
});
