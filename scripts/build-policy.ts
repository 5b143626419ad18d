/**
 * `npm run build:policy`: compiles the Rego sources in policies/ (without the `*_test.rego` unit tests) with the
 * project's own compiler into the shipped module policies/gtcors.wasm. `--check` writes nothing and exits 1 when
 * the shipped module differs from a fresh build (the compiler's output is deterministic), as CI does.
 */
import * as fs from "fs";
import * as path from "path";
import { compile, SourceFile } from "../compiler/index";
import { renderDiagnostic } from "../compiler/diagnostics";
import { loadSources } from "../compiler/sources";
import { PACK_ENTRYPOINT, REPORT_ENTRYPOINT } from "../gate/policy";
import { PROJECT_ROOT } from "./terraform-env";
import { S3_LIMITS_MODULE, s3LimitsRego } from "./s3-limits-rego";

export const POLICY_DIR = path.join(PROJECT_ROOT, "policies");
export const SHIPPED_POLICY = path.join(POLICY_DIR, "gtcors.wasm");
export const POLICY_ENTRYPOINTS = [REPORT_ENTRYPOINT, PACK_ENTRYPOINT];

/** The policy's modules, named relative to the project root so the module's bytes do not depend on the checkout. */
export function policySources(): SourceFile[] {
  const loaded = loadSources([POLICY_DIR], PROJECT_ROOT);
  if (loaded.errors.length > 0) throw new Error(loaded.errors.join("\n"));
  return loaded.modules.filter((m) => !m.file.endsWith("_test.rego"));
}

/** Compiles the shipped policy; throws with the rendered diagnostics when it does not compile. */
export function compilePolicy(): Uint8Array {
  const modules = policySources();
  const result = compile({ modules, entrypoints: POLICY_ENTRYPOINTS });
  if (!result.wasm) {
    const sources = new Map(modules.map((m) => [m.file, m.source]));
    throw new Error(result.diagnostics.map((d) => renderDiagnostic(d, sources)).join("\n"));
  }
  return result.wasm;
}

function main(argv: string[]): number {
  const limitsModule = path.relative(process.cwd(), S3_LIMITS_MODULE);
  const limitsCurrent = fs.existsSync(S3_LIMITS_MODULE) && fs.readFileSync(S3_LIMITS_MODULE, "utf8") === s3LimitsRego();
  if (argv.includes("--check") && !limitsCurrent) {
    process.stderr.write(`build:policy: ${limitsModule} is stale: it differs from constructs/s3-cors-limits.json; run \`npm run build:policy\` and commit it\n`);
    return 1;
  }
  if (!limitsCurrent) fs.writeFileSync(S3_LIMITS_MODULE, s3LimitsRego());
  let wasm: Uint8Array;
  try {
    wasm = compilePolicy();
  } catch (e) {
    process.stderr.write(`build:policy: ${(e as Error).message}\n`);
    return 1;
  }
  const relative = path.relative(process.cwd(), SHIPPED_POLICY);
  if (argv.includes("--check")) {
    const shipped = fs.existsSync(SHIPPED_POLICY) ? fs.readFileSync(SHIPPED_POLICY) : undefined;
    if (!shipped || !Buffer.from(wasm).equals(shipped)) {
      process.stderr.write(`build:policy: ${relative} is stale: it differs from a build of policies/; run \`npm run build:policy\` and commit it\n`);
      return 1;
    }
    process.stdout.write(`${relative} is up to date (${wasm.length} bytes)\n`);
    return 0;
  }
  fs.writeFileSync(SHIPPED_POLICY, wasm);
  process.stdout.write(`wrote ${relative} (${wasm.length} bytes, entrypoints ${POLICY_ENTRYPOINTS.join(", ")})\n`);
  return 0;
}

if (require.main === module) {
  process.exit(main(process.argv.slice(2)));
}
