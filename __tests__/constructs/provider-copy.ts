/**
 * Test support: a second copy of a provider binding class, as a user's app has when its `@cdktf/provider-aws` is
 * not the one this package was built against. The module file is copied and required afresh, so its class is a
 * different object (`instanceof` against ours fails) that still renders the same Terraform resource type.
 */
import { copyFileSync, mkdirSync } from "fs";
import * as path from "path";

const PROJECT = path.resolve(__dirname, "..", "..");
const COPIES = path.join(PROJECT, "node_modules", ".cache", "groundtruth-cors", "provider-copy");

/** Requires a copy of `@cdktf/provider-aws/lib/<resource>` (it still resolves `cdktf` to the app's own copy). */
export function secondCopyOf<T>(resource: string): T {
  const source = require.resolve(`@cdktf/provider-aws/lib/${resource}`);
  mkdirSync(COPIES, { recursive: true });
  const copy = path.join(COPIES, `${resource}.js`);
  copyFileSync(source, copy);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(copy) as T;
}
