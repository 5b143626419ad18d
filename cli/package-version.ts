/**
 * The package's version, read from its package.json (the nearest one above this module, from the sources or from
 * the compiled lib/), so `--version` and the SARIF tool version never drift from what was published.
 */
import * as fs from "fs";
import * as path from "path";

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "groundtruth-cors" && typeof pkg.version === "string") return (cached = pkg.version);
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json of groundtruth-cors above ${__dirname}`);
  }
}
