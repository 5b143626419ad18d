/**
 * `npm run realworld -- [dir] [--failures] [--check <baseline.json>]`: runs the shared real-world Rego suites
 * (default ../shared/realworld-rego; `--only <suite>` for one) through `regoc test` the way each upstream CI runs `opa test`
 * (scripts/realworld/suites.ts), and prints a line per suite and last `N passed, M failed` over every test
 * defined; a test that cannot run (its compile failed) counts as failed. `--failures` lists each failed test with
 * its cause; `--check` exits 1 when fewer tests pass than the baseline file's `passed` floor.
 */
import * as fs from "fs";
import * as path from "path";
import { run } from "../compiler/cli";
import { loadSources } from "../compiler/sources";
import { parseModule } from "../compiler/syntax/parser";
import { discoverTests } from "../compiler/commands/test-discovery";
import { suites, SuiteRun } from "./realworld/suites";

interface JsonResult {
  location: { file: string; row: number };
  package: string;
  name: string;
  fail?: boolean;
  skip?: boolean;
  error?: { message: string };
}

interface Outcome {
  passed: number;
  failed: Array<{ test: string; cause: string }>;
}

async function runSuite(r: SuiteRun, cwd: string): Promise<Outcome> {
  const loaded = loadSources(r.paths, cwd, { ignore: r.ignore });
  const parsed = loaded.modules.map((source) => ({ source, module: parseModule(source.source, source.file, { regoVersion: r.regoVersion }).module }));
  const defined = discoverTests(parsed).tests;
  let stdout = "";
  let stderr = "";
  const status = await run(["test", "--format", "json", ...r.args], { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  if (status === 1 || stdout.trim() === "") {
    const cause = `not run: ${stderr.split("\n").find((l) => l.trim() !== "") ?? `regoc exited ${status}`}`;
    return { passed: 0, failed: defined.map((t) => ({ test: `${r.label}: ${t.pkg}.${t.name}`, cause })) };
  }
  const results = JSON.parse(stdout) as JsonResult[];
  const byName = new Map(results.map((x) => [`${x.location.file}|${x.package}.${x.name}`, x]));
  const outcome: Outcome = { passed: 0, failed: [] };
  for (const t of defined) {
    const x = byName.get(`${t.file}|${t.pkg}.${t.name}`);
    const test = `${r.label}: ${t.pkg}.${t.name} (${t.file}:${t.row})`;
    if (!x) outcome.failed.push({ test, cause: "no result" });
    else if (x.error) outcome.failed.push({ test, cause: `error: ${x.error.message}` });
    else if (x.fail) outcome.failed.push({ test, cause: "fail" });
    else if (x.skip) outcome.failed.push({ test, cause: "skipped" });
    else outcome.passed++;
  }
  return outcome;
}

async function main(argv: string[]): Promise<number> {
  const listFailures = argv.includes("--failures");
  const checkIndex = argv.indexOf("--check");
  const baselineFile = checkIndex >= 0 ? argv[checkIndex + 1] : undefined;
  const onlyIndex = argv.indexOf("--only");
  const only = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined;
  const positional = argv.filter((a, i) => !a.startsWith("--") && (checkIndex < 0 || i !== checkIndex + 1) && (onlyIndex < 0 || i !== onlyIndex + 1));
  const root = path.resolve(positional[0] ?? path.join(__dirname, "..", "..", "shared", "realworld-rego"));
  if (!fs.existsSync(root)) {
    process.stderr.write(`realworld: ${root}: no such directory\n`);
    return 2;
  }
  const cwd = process.cwd();
  let passed = 0;
  let failed = 0;
  for (const suite of suites(root).filter((s) => !only || s.name === only)) {
    const started = Date.now();
    let suitePassed = 0;
    const suiteFailed: Outcome["failed"] = [];
    for (const r of suite.runs) {
      const o = await runSuite(r, cwd);
      suitePassed += o.passed;
      suiteFailed.push(...o.failed);
    }
    passed += suitePassed;
    failed += suiteFailed.length;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`${suite.name}: ${suitePassed} passed, ${suiteFailed.length} failed (${suite.runs.length} run${suite.runs.length === 1 ? "" : "s"}, ${seconds}s)\n`);
    if (listFailures) for (const f of suiteFailed) process.stdout.write(`  ${f.test}: ${f.cause}\n`);
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  if (baselineFile) {
    const floor = (JSON.parse(fs.readFileSync(baselineFile, "utf8")) as { passed: number }).passed;
    if (passed < floor) {
      process.stderr.write(`realworld: ${passed} passed, below the baseline of ${floor} (${baselineFile})\n`);
      return 1;
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`realworld: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
