/**
 * Where OPA's conformance cases are read from: the directory named by GROUNDTRUTH_OPA_CONFORMANCE, else
 * ../shared/opa-conformance beside the checkout. They are reference data kept outside the repository, so a fresh
 * clone may not have them; the suites that need them then skip, saying how to get them.
 */
import * as fs from "fs";
import * as path from "path";

export const OPA_CONFORMANCE_ENV = "GROUNDTRUTH_OPA_CONFORMANCE";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const BESIDE_CHECKOUT = path.resolve(PROJECT_ROOT, "..", "shared", "opa-conformance");

/**
 * The conformance directory (holding cases/, wasm-cases/ and WASM_NATIVE_BUILTINS.tsv), or undefined when there is
 * none. A directory named by the environment variable is returned even when missing, so a wrong setting fails
 * rather than silently skipping.
 */
export function opaConformanceDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env[OPA_CONFORMANCE_ENV];
  if (named) return path.resolve(named);
  return fs.existsSync(BESIDE_CHECKOUT) ? BESIDE_CHECKOUT : undefined;
}

/** One line for a run without the cases. */
export const OPA_CONFORMANCE_MISSING =
  `OPA's conformance cases were not found at ${path.relative(process.cwd(), BESIDE_CHECKOUT) || BESIDE_CHECKOUT}: put them there ` +
  `(cases/, wasm-cases/, WASM_NATIVE_BUILTINS.tsv, from OPA's repository test/cases and wasm test data) or set ` +
  `${OPA_CONFORMANCE_ENV}=<their directory>; the suites that need them are skipped`;
