/**
 * The three shared real-world suites and how their upstream CI runs `opa test`, as `regoc test` command lines:
 * trivy-checks in one compile of lib/, checks/ and examples/ with its six custom builtins; gatekeeper-library one
 * Rego v0 compile per policy folder; regal's bundle with its three custom builtins, its provided configuration
 * and `data.internal.capabilities`, under a 1s timeout.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { regalCapabilitiesData } from "./regal-capabilities";

export interface SuiteRun {
  /** What the run is called in failure listings (the folder, for gatekeeper). */
  label: string;
  /** `regoc test` arguments (paths and flags). */
  args: string[];
  /** The same loader settings, to count the tests defined even when the run cannot compile. */
  paths: string[];
  ignore: string[];
  regoVersion: 0 | 1;
}

export interface Suite {
  name: string;
  runs: SuiteRun[];
}

const HERE = __dirname;

export function suites(root: string): Suite[] {
  const trivy = path.join(root, "trivy-checks");
  const gatekeeper = path.join(root, "gatekeeper-library", "src");
  const regal = path.join(root, "regal");
  const out: Suite[] = [];
  if (fs.existsSync(trivy)) {
    const paths = ["lib", "checks", "examples"].map((d) => path.join(trivy, d));
    out.push({
      name: "trivy-checks",
      runs: [
        {
          label: "trivy-checks",
          args: ["--explain=fails", "--builtins", path.join(HERE, "trivy-builtins.ts"), ...paths, "--ignore", "*.yaml"],
          paths,
          ignore: ["*.yaml"],
          regoVersion: 1,
        },
      ],
    });
  }
  if (fs.existsSync(gatekeeper)) {
    const runs: SuiteRun[] = [];
    for (const group of fs.readdirSync(gatekeeper).sort()) {
      for (const policy of fs.readdirSync(path.join(gatekeeper, group)).sort()) {
        const folder = path.join(gatekeeper, group, policy);
        if (!fs.statSync(folder).isDirectory()) continue;
        // `opa test ${folder}/*.rego`: the shell's glob, so only the folder's own .rego files.
        const files = fs.readdirSync(folder).filter((f) => f.endsWith(".rego")).sort().map((f) => path.join(folder, f));
        runs.push({ label: `${group}/${policy}`, args: ["--v0-compatible", ...files], paths: files, ignore: [], regoVersion: 0 });
      }
    }
    out.push({ name: "gatekeeper-library", runs });
  }
  if (fs.existsSync(regal)) {
    const capabilities = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "realworld-regal-")), "capabilities.json");
    fs.writeFileSync(capabilities, JSON.stringify(regalCapabilitiesData(path.join(regal, "build", "capabilities.json"))));
    const bundle = path.join(regal, "bundle");
    out.push({
      name: "regal",
      runs: [
        {
          label: "regal",
          args: ["--timeout", "1s", "--builtins", path.join(HERE, "regal-builtins.ts"), bundle, capabilities],
          paths: [bundle],
          ignore: [],
          regoVersion: 1,
        },
      ],
    });
  }
  return out;
}
