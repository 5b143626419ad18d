/**
 * `regoc test --timeout` as `opa test`'s: a test that runs past its timeout is stopped there and reported as
 * OPA's tester reports a cancelled evaluation (v1/tester/runner.go gives each test a context.WithTimeout;
 * v1/topdown/eval.go then fails with `eval_cancel_error` and the context's `context deadline exceeded`), the tests
 * after it still run, and the run exits 2. Unset or 0 means 5s (cmd/test.go). The stopped tests here would take
 * minutes: a billion-step loop in Wasm, and a custom builtin that never returns.
 */
import { regoc, workspace } from "../support/regoc-harness";

// A billion steps that allocate nothing: 1e6 take about 0.35 s under regoc, so this takes minutes.
const LOOPING_TEST = `test_loop if {
	r := numbers.range(1, 1000)
	count([1 | some i in r; some j in r; some k in r; i * j * k < 0]) == 0
}
`;

const SPIN_BUILTINS = `exports.builtins = {
  "acme.double": { arity: 1, impl: (n) => n * 2 },
  "acme.spin": { arity: 0, impl: () => { for (;;) {} } },
};
`;

const SUITE = `package p

test_before if acme.double(2) == 4

test_spin if {
	print("spinning from here")
	trace("about to spin")
	acme.spin()
}

${LOOPING_TEST}
test_after if {
	trace("after the stopped tests")
	acme.double(21) == 42
}
`;

const SECOND = 1e9;

describe("regoc test --timeout", () => {
  test("a test past its timeout is stopped and reported as OPA's cancel error; the tests after it run; exit 2", async () => {
    const dir = workspace({ "acme.js": SPIN_BUILTINS, "p_test.rego": SUITE });
    const started = Date.now();
    const out = await regoc(dir, "test", "-v", "--explain", "notes", "--timeout", "1s", "--builtins", "acme.js", ".");
    // Both stopped tests would run for minutes; the whole run takes a few timeouts.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(out.stdout).toMatch(/data\.p\.test_before: PASS \(\S+\)\n/);
    // What the stopped test printed and noted before its timeout stays with it, as in OPA.
    expect(out.stdout).toMatch(
      /p_test\.rego:5:\ndata\.p\.test_spin: ERROR \(\d+(\.\d+)?s\)\n {2}Note "about to spin"\n\n {2}spinning from here\n\n {2}eval_cancel_error: context deadline exceeded\n/,
    );
    expect(out.stdout).toMatch(/p_test\.rego:11:\ndata\.p\.test_loop: ERROR \(\d+(\.\d+)?s\)\n {2}eval_cancel_error: context deadline exceeded\n/);
    // The test after runs on a fresh instance of the module, with the custom builtins and the trace listener.
    expect(out.stdout).toMatch(/data\.p\.test_after: PASS \(\S+\)\n {2}Note "after the stopped tests"\n/);
    expect(out.stdout).toMatch(/-{80}\nPASS: 2\/4\nERROR: 2\/4\n$/);
    expect(out.status).toBe(2);
  });

  test("--format json reports the stopped test's error as OPA's JSON: code and message, no location", async () => {
    const dir = workspace({ "p_test.rego": `package p\n\n${LOOPING_TEST}\ntest_ok if true\n` });
    const out = await regoc(dir, "test", "--format", "json", "--timeout", "500ms", ".");
    const results = JSON.parse(out.stdout);
    expect(results.map((r: { name: string }) => r.name)).toEqual(["test_loop", "test_ok"]);
    expect(results[0].error).toEqual({ code: "eval_cancel_error", message: "context deadline exceeded" });
    expect(results[0].fail).toBeUndefined();
    expect(results[0].duration).toBeGreaterThanOrEqual(0.49 * SECOND);
    expect(results[0].duration).toBeLessThan(10 * SECOND);
    expect(results[1]).not.toHaveProperty("error");
    expect(out.status).toBe(2);
  });

  test("with --explain full a stopped test keeps the trace it recorded up to its timeout, and the next test's starts afresh", async () => {
    // The stopped test spins in a builtin, so its trace stays a few events long.
    const suite = "package p\n\ntest_spin if {\n\tx := 1\n\tacme.spin()\n}\n\ntest_ok if {\n\tx := 1\n\tx == 1\n}\n";
    const dir = workspace({ "acme.js": SPIN_BUILTINS, "p_test.rego": suite });
    const out = await regoc(dir, "test", "--format", "json", "--explain", "full", "--timeout", "500ms", "--builtins", "acme.js", ".");
    const results = JSON.parse(out.stdout) as Array<{ name: string; error?: unknown; trace?: Array<{ Op: string; Location?: { row: number } }> }>;
    const [spin, ok] = results;
    expect(spin.error).toEqual({ code: "eval_cancel_error", message: "context deadline exceeded" });
    // The body was entered and its expressions evaluated up to the call the timeout stopped.
    expect(spin.trace?.some((e) => e.Op === "Enter" && e.Location?.row === 3)).toBe(true);
    expect(spin.trace?.some((e) => e.Op === "Eval" && e.Location?.row === 5)).toBe(true);
    // The passing test's trace is its own: its query's Enter first, nothing from the stopped evaluation.
    expect(ok.trace?.[0]?.Op).toBe("Enter");
    expect(ok.trace?.some((e) => (e.Location?.row ?? 0) >= 3 && (e.Location?.row ?? 0) <= 6)).toBe(false);
    expect(ok.trace?.some((e) => e.Op === "Exit")).toBe(true);
    expect(out.status).toBe(2);
  });

  test("a test under its timeout passes however long the tests before it took", async () => {
    // `acme.wait(ms)` holds the thread for that long by the clock, whatever the machine's load.
    const dir = workspace({
      "acme.js": "exports.builtins = { \"acme.wait\": { arity: 1, impl: (ms) => { const end = Date.now() + ms; while (Date.now() < end); return true; } } };\n",
      "p_test.rego": "package p\n\ntest_first if acme.wait(800)\n\ntest_second if acme.wait(1400)\n",
    });
    const out = await regoc(dir, "test", "--format", "json", "--timeout", "2s", "--builtins", "acme.js", ".");
    const [first, second] = JSON.parse(out.stdout);
    expect(first).not.toHaveProperty("error");
    expect(second).not.toHaveProperty("error");
    // It ran to its end (Date.now() and the duration's clock differ by a millisecond or so).
    expect(second.duration).toBeGreaterThanOrEqual(1.3 * SECOND);
    expect(out.status).toBe(0);
  });

  test("unset and 0 both mean OPA's 5s; a timeout beyond what node's watchdog takes is no limit", async () => {
    const dir = workspace({ "p_test.rego": `package p\n\n${LOOPING_TEST}` });
    const [unset, zero] = await Promise.all([regoc(dir, "test", "--format", "json", "."), regoc(dir, "test", "--format", "json", "--timeout", "0", ".")]);
    for (const out of [unset, zero]) {
      const [result] = JSON.parse(out.stdout);
      expect(result.error.code).toBe("eval_cancel_error");
      expect(result.duration).toBeGreaterThanOrEqual(4.99 * SECOND);
      expect(result.duration).toBeLessThan(20 * SECOND);
      expect(out.status).toBe(2);
    }
    const quick = workspace({ "p_test.rego": "package p\n\ntest_quick if true\n" });
    expect(await regoc(quick, "test", "--timeout", "1000h", ".")).toMatchObject({ stdout: "PASS: 1/1\n", status: 0 });
  });
});
