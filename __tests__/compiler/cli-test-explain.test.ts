/**
 * `regoc test --explain fails|full|debug`: the evaluation trace `opa test` prints (OPA's topdown/trace.go
 * PrettyTraceWithLocation, topdown/lineage, tester/reporter.go), recorded by a trace-instrumented build run on the
 * real SDK; its JSON under `trace` as `opa test --format json`; and builds without tracing left byte for byte as
 * they were.
 */
import * as fs from "fs";
import * as path from "path";
import { compile } from "../../compiler/index";
import { compilePolicy, policySources, POLICY_ENTRYPOINTS, SHIPPED_POLICY } from "../../scripts/build-policy";
import { regoc, workspace } from "../support/regoc-harness";

// OPA's policy-testing example (docs/policy-testing.md), with test_post_allowed failing as the docs make it fail.
const AUTHZ = `package authz

allow if {
	input.path == ["users"]
	input.method == "POST"
}

allow if {
	input.path == ["users", input.user_id]
	input.method == "GET"
}
`;

const AUTHZ_TEST = `package authz_test

import data.authz

test_post_allowed if {
	authz.allow with input as {"path": ["users"], "method": "PUT"}
}

test_get_user_allowed if {
	authz.allow with input as {"path": ["users", "bob"], "method": "GET", "user_id": "bob"}
}
`;

// OPA's TestPrettyTrace module: a partial set the body iterates over, so the body backtracks into it.
const BACKTRACK = `package p

q contains x if {
	some x in [1, 2, 3]
}

test_no_bigger if {
	q[x]
	x > 3
}

test_noted if {
	trace("before the check")
	q[3]
}
`;

interface JsonEvent {
  Op: string;
  Node: unknown;
  Location: { file: string; row: number; col: number };
  QueryID: number;
  ParentID: number;
  Message: string;
}

interface JsonResult {
  name: string;
  fail?: boolean;
  trace?: JsonEvent[];
}

/** The FAILURES block printed for one test: its lines after `name: FAIL (…)` up to the next blank line. */
function failureTrace(stdout: string, name: string): string[] {
  const failures = stdout.slice(stdout.indexOf("FAILURES\n"));
  const start = failures.search(new RegExp(`^${name.replace(/\./g, "\\.")}: FAIL \\(\\S+\\)\\n\\n`, "m"));
  expect(start).toBeGreaterThanOrEqual(0);
  const block = failures.slice(start).split("\n\n")[1];
  return block.split("\n");
}

describe("regoc test --explain", () => {
  const authz = workspace({ "example.rego": AUTHZ, "example_test.rego": AUTHZ_TEST });

  test("fails: a failed test's trace leads down to each failing expression, with file:row and | per depth", async () => {
    const out = await regoc(authz, "test", "--explain", "fails", ".");
    expect(out.status).toBe(2);
    // OPA's own rendering of this test (docs/policy-testing.md: objects with sorted keys), plus the two allow
    // bodies, which OPA's docs leave out because there the first had been deleted (and its index rules out the
    // second).
    expect(failureTrace(out.stdout, "data.authz_test.test_post_allowed")).toEqual([
      "  query:1                 Enter data.authz_test.test_post_allowed = _",
      "  example_test.rego:5     | Enter data.authz_test.test_post_allowed",
      "  example.rego:3          | | Enter data.authz.allow",
      '  example.rego:5          | | | Fail input.method == "POST"',
      "  example.rego:8          | | Enter data.authz.allow",
      '  example.rego:9          | | | Fail input.path == ["users", input.user_id]',
      '  example_test.rego:6     | | Fail data.authz.allow with input as {"method": "PUT", "path": ["users"]}',
      "  query:1                 | Fail data.authz_test.test_post_allowed = _",
    ]);
    // A passing test's trace is not printed (only failures report traces, as OPA's reporter).
    expect(out.stdout).toMatch(/^data\.authz_test\.test_get_user_allowed: PASS \(\S+\)$/m);
    expect(out.stdout).not.toMatch(/Enter data\.authz_test\.test_get_user_allowed/);
    expect(out.stdout).toMatch(/-{80}\nPASS: 1\/2\nFAIL: 1\/2\n$/);
  });

  test("full: every event, Eval before each expression and Redo each time the body backtracks into one", async () => {
    const out = await regoc(workspace({ "p_test.rego": BACKTRACK }), "test", "--explain", "full", "--run", "test_no_bigger", ".");
    expect(out.status).toBe(2);
    const lines = failureTrace(out.stdout, "data.p.test_no_bigger").map((l) => l.trim().replace(/\s{2,}/, "  "));
    expect(lines.slice(0, 6)).toEqual([
      "query:1  Enter data.p.test_no_bigger = _",
      "query:1  | Eval data.p.test_no_bigger = _",
      "p_test.rego:7  | Enter data.p.test_no_bigger",
      "p_test.rego:8  | | Eval data.p.q[x]",
      "p_test.rego:3  | | Enter data.p.q",
      "p_test.rego:4  | | | Eval some x in [1, 2, 3]",
    ]);
    // The rule yields three elements (Exit, then Redo into its body), then each fails the comparison.
    expect(lines.filter((l) => l === "p_test.rego:3  | | | Exit data.p.q")).toHaveLength(3);
    expect(lines.filter((l) => l === "p_test.rego:3  | | Redo data.p.q")).toHaveLength(3);
    expect(lines.filter((l) => l === "p_test.rego:9  | | Fail x > 3")).toHaveLength(3);
    expect(lines.filter((l) => l === "p_test.rego:8  | | Redo data.p.q[x]")).toHaveLength(3);
    expect(lines[lines.length - 1]).toBe("query:1  | Fail data.p.test_no_bigger = _");
  });

  test("a trace() note is a Note event where the call stands; --explain notes still lists notes under each test", async () => {
    const dir = workspace({ "p_test.rego": BACKTRACK.replace("q[3]", "q[4]") });
    const full = await regoc(dir, "test", "--explain", "full", "--run", "test_noted", ".");
    const lines = failureTrace(full.stdout, "data.p.test_noted");
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}p_test\.rego:13\s+\| \| Eval trace\("before the check"\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}p_test\.rego:13\s+\| \| Note "before the check"$/));
    const fails = await regoc(dir, "test", "--explain", "fails", "--run", "test_noted", ".");
    expect(failureTrace(fails.stdout, "data.p.test_noted")).not.toContainEqual(expect.stringMatching(/Note|Eval/));
    const notes = await regoc(dir, "test", "--explain", "notes", "--run", "test_noted", ".");
    expect(notes.stdout).toMatch(/data\.p\.test_noted: FAIL \(\S+\)\n {2}Note "before the check"\n/);
    expect(notes.stdout).not.toMatch(/Enter|Eval/);
  });

  test("--format json carries each test's trace as OPA's trace events: Op, Node (OPA's AST), Location, query ids", async () => {
    const out = await regoc(authz, "test", "--explain", "full", "--format", "json", ".");
    const results = JSON.parse(out.stdout) as JsonResult[];
    const passing = results.find((r) => r.name === "test_get_user_allowed")!;
    // A passing test's trace too: Enter the query, Eval it, Enter the test rule ... Exit the rule and the query.
    const ops = passing.trace!.map((e) => `${e.Op} ${e.Location.file}:${e.Location.row}`);
    expect(ops.slice(0, 3)).toEqual(["Enter :1", "Eval :1", "Enter example_test.rego:9"]);
    expect(ops).toContain("Exit example_test.rego:9");
    expect(ops).toContain("Exit :1");
    const evalAllow = passing.trace!.find((e) => e.Op === "Eval" && e.Location.file === "example.rego" && e.Location.row === 10)!;
    expect(evalAllow).toMatchObject({ Message: "", Locals: null, Ref: null });
    expect(evalAllow.Node).toMatchObject({
      terms: [
        { type: "ref", value: [{ type: "var", value: "equal" }] },
        { type: "ref", value: [{ type: "var", value: "input" }, { type: "string", value: "method" }] },
        { type: "string", value: "GET" },
      ],
    });
    // Depth comes from the query ids: the rule body's query is a child of the test's.
    const enterTest = passing.trace!.find((e) => e.Op === "Enter" && e.Location.row === 9)!;
    const enterQuery = passing.trace![0];
    expect(enterTest.ParentID).toBe(enterQuery.QueryID);
    expect(results.find((r) => r.name === "test_post_allowed")).toMatchObject({ fail: true, trace: expect.any(Array) });
    // Without --explain no trace is recorded.
    const plain = JSON.parse((await regoc(authz, "test", "--format", "json", ".")).stdout) as JsonResult[];
    expect(plain.every((r) => r.trace === undefined)).toBe(true);
  });

  test("a long evaluation's trace is whole: thousands of events, in order, across the module's event buffer", async () => {
    const dir = workspace({ "n_test.rego": "package n\n\ntest_many if {\n\tcount([x | some x in numbers.range(1, 3000)]) == 3000\n}\n" });
    const [result] = JSON.parse((await regoc(dir, "test", "--explain", "full", "--format", "json", ".")).stdout) as JsonResult[];
    const trace = result.trace!;
    // Over twice what the module's buffer holds (4,096 records), so it was handed over on the way.
    expect(trace.length).toBeGreaterThan(9000);
    // Per element: the comprehension body's Exit and Redo, and a Redo of its `some x in` (OPA's shape).
    const comprehension = trace.filter((e) => e.Location.row === 4 && e.Location.col === 13);
    expect(comprehension.filter((e) => e.Op === "Exit")).toHaveLength(3000);
    expect(comprehension.filter((e) => e.Op === "Redo")).toHaveLength(2 * 3000);
    expect(new Set(comprehension.map((e) => `${e.QueryID}<${e.ParentID}`))).toEqual(new Set(["3<2"]));
    expect(trace.slice(-4).map((e) => `${e.Op} ${e.Location.file}:${e.Location.row} ${e.Message}`)).toEqual([
      "Exit n_test.rego:3 early",
      "Exit :1 ",
      "Redo :1 ",
      "Redo :1 ",
    ]);
  });

  test("a module compiled without tracing is byte for byte the shipped policy; the traced one reports through regoc.trace_event", () => {
    const shipped = fs.readFileSync(SHIPPED_POLICY);
    const plain = compile({ modules: policySources(), entrypoints: POLICY_ENTRYPOINTS, trace: false });
    expect(Buffer.from(plain.wasm!).equals(shipped)).toBe(true);
    expect(Buffer.from(compilePolicy()).equals(shipped)).toBe(true);
    expect(plain.traceSites).toBeUndefined();
    const traced = compile({ modules: policySources(), entrypoints: POLICY_ENTRYPOINTS, trace: true });
    expect(Buffer.from(traced.wasm!).equals(shipped)).toBe(false);
    expect(Buffer.from(traced.wasm!).includes("regoc.trace_event")).toBe(true);
    expect(shipped.includes("regoc.trace_event")).toBe(false);
    expect(traced.traceSites!.length).toBeGreaterThan(100);
  });

  test("the project's own policy tests give the same verdicts traced (--explain full) as plain", async () => {
    const root = path.join(__dirname, "..", "..");
    // The pretty report's verdict lines (a full trace of every test as JSON runs to hundreds of megabytes).
    const verdicts = async (...flags: string[]) =>
      (await regoc(root, "test", ...flags, "policies")).stdout.split("\n").filter((l) => /^data\.\S+: (PASS|FAIL|ERROR)/.test(l)).map((l) => l.replace(/ \(.*\)$/, ""));
    const plain = await verdicts("-v");
    expect(plain.length).toBeGreaterThan(100);
    expect(await verdicts("--explain", "full")).toEqual(plain);
  });

  // Real policy libraries' own tests (read in place; absent from a fresh clone): gatekeeper-library's Rego v0
  // folders as its CI runs them, one compile per folder.
  const gatekeeper = path.join(__dirname, "..", "..", "..", "shared", "realworld-rego", "gatekeeper-library", "src");
  const folders = ["general/allowedrepos", "general/requiredlabels", "general/containerlimits", "pod-security-policy/capabilities"];
  (fs.existsSync(gatekeeper) ? test : test.skip)("real suites' tests (gatekeeper-library folders) give the same verdicts traced as plain", async () => {
    for (const folder of folders) {
      const dir = path.join(gatekeeper, folder);
      const files = fs.readdirSync(dir).filter((f) => f.endsWith(".rego")).map((f) => path.join(dir, f));
      const verdicts = async (...flags: string[]) =>
        (JSON.parse((await regoc(dir, "test", "--v0-compatible", "--format", "json", ...flags, ...files)).stdout) as JsonResult[]).map(
          (r) => `${r.name}: ${r.fail ? "FAIL" : "PASS"}`,
        );
      const plain = await verdicts();
      expect(plain.length).toBeGreaterThan(3);
      expect(await verdicts("--explain", "full")).toEqual(plain);
    }
  });
});
