/**
 * Golden scenarios for the `gt-cors` command line, in the style of Spectral's: each `scenarios/*.scenario` file holds
 * a test name, a command, and the exit status, stdout and stderr it must give, run in process by `run(argv, io)`
 * with scenarios/ as the working directory. `UPDATE_SCENARIOS=1 npx jest cli-scenarios` rewrites status, stdout and
 * stderr from what the command does now; review the diff before committing it.
 */
import { readdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { run } from "../../gate/cli";

const SCENARIOS = path.join(__dirname, "scenarios");
const UPDATE = process.env.UPDATE_SCENARIOS === "1";
const SECTIONS = ["test", "command", "status", "stdout", "stderr"] as const;
type Scenario = Record<(typeof SECTIONS)[number], string>;

/** Sections run from their `====name====` line to the next one; stdout and stderr keep their exact text. */
function parseScenario(text: string): Scenario {
  const parts = text.split(/^====(\w+)====\n/m);
  const scenario: Partial<Scenario> = {};
  for (let i = 1; i < parts.length; i += 2) scenario[parts[i] as keyof Scenario] = parts[i + 1];
  for (const name of SECTIONS) if (scenario[name] === undefined) throw new Error(`scenario has no ====${name}==== section`);
  return scenario as Scenario;
}

function formatScenario(s: Scenario): string {
  return SECTIONS.map((name) => `====${name}====\n${s[name]}`).join("");
}

const files = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith(".scenario"))
  .sort();

describe("gt-cors scenarios", () => {
  it("has scenarios for every format and exit code", () => {
    const all = files.map((f) => parseScenario(readFileSync(path.join(SCENARIOS, f), "utf8")));
    expect(new Set(all.map((s) => s.status.trim()))).toEqual(new Set(["0", "1", "2"]));
    for (const format of ["json", "sarif", "junit", "github"]) expect(all.some((s) => s.command.includes(`--format ${format}`))).toBe(true);
  });

  it.each(files)("%s", async (file) => {
    const scenario = parseScenario(readFileSync(path.join(SCENARIOS, file), "utf8"));
    const [program, ...argv] = scenario.command.trim().split(/\s+/);
    expect(program).toBe("gt-cors");
    let stdout = "";
    let stderr = "";
    const status = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: SCENARIOS });
    const actual: Scenario = { ...scenario, status: `${status}\n`, stdout, stderr };
    if (UPDATE) writeFileSync(path.join(SCENARIOS, file), formatScenario(actual));
    expect({ status: actual.status, stdout, stderr }).toEqual({ status: scenario.status, stdout: scenario.stdout, stderr: scenario.stderr });
  });
});
