/**
 * `npm run bench`: runs every benchmark file in bench/ (not bench/lib/), one after another in its own process —
 * `.ts` files through tsx, `.mjs`/`.js` through node — and passes their output through. Each benchmark prints its
 * ratios against a baseline measured in the same process; this runner exits non-zero if any benchmark fails.
 */
import { spawnSync } from "child_process";
import { readdirSync } from "fs";
import * as path from "path";

const BENCH = __dirname;
const files = readdirSync(BENCH, { withFileTypes: true })
  .filter((e) => e.isFile() && /\.(ts|mjs|js)$/.test(e.name) && e.name !== path.basename(__filename))
  .map((e) => e.name)
  .sort();
const only = process.argv.slice(2);
const selected = only.length > 0 ? files.filter((f) => only.some((o) => f.startsWith(o))) : files;

let failed = 0;
for (const file of selected) {
  process.stdout.write(`\n=== bench/${file}\n`);
  const full = path.join(BENCH, file);
  const [command, args] = file.endsWith(".ts") ? [path.join(BENCH, "..", "node_modules", ".bin", "tsx"), [full]] : [process.execPath, [full]];
  const result = spawnSync(command, args, { stdio: "inherit", cwd: path.join(BENCH, "..") });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`bench/${file} failed (${result.signal ?? `exit ${result.status}`})\n`);
  }
}
process.stdout.write(`\n${selected.length - failed} benchmarks ran, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
