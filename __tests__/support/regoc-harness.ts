/**
 * Runs `regoc` in process (`run(argv, io)`) and captures its exit status and streams, and writes a throw-away
 * workspace of named files for it to read.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../compiler/cli";

export interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

export async function regoc(cwd: string, ...argv: string[]): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const status = await run(argv, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { status, stdout, stderr };
}

export function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regoc-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
