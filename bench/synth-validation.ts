/**
 * What the synth-time gate adds to synthesizing the example app (main.ts): in process, synth with the validation
 * against synth without it (a ratio of medians), and that difference against one plain `cdktf synth` of the app as
 * its users run it (aim: at most 20%). Run with `npm run bench -- synth`.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import * as os from "os";
import * as path from "path";
import { buildExampleApp } from "../main";
import { PROJECT_ROOT } from "../scripts/terraform-env";
import { median, ms } from "./lib/timing";

const RUNS = 9;

function main(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), "synth-bench-"));
  try {
    const synth = (gate: boolean) => (): void => buildExampleApp({ gate, outdir: path.join(dir, gate ? "gated" : "plain") }).synth();
    synth(true)();
    synth(false)();
    const plain: number[] = [];
    const gated: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      plain.push(ms(synth(false)));
      gated.push(ms(synth(true)));
    }
    const plainMs = median(plain);
    const gatedMs = median(gated);
    const cli = require.resolve("cdktf-cli/bundle/bin/cdktf.js");
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [cli, "synth", "--output", path.join(dir, "cli.out")], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CI: "1", FORCE_COLOR: "0", DISABLE_VERSION_CHECK: "1", CHECKPOINT_DISABLE: "1" },
      encoding: "utf8",
    });
    const cliMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.status !== 0) throw new Error(`cdktf synth failed:\n${run.stdout}\n${run.stderr}`);
    const added = gatedMs - plainMs;
    console.log(`example app synth in process, median of ${RUNS}: without the gate ${plainMs.toFixed(1)} ms, with it ${gatedMs.toFixed(1)} ms, ratio ${(gatedMs / plainMs).toFixed(2)}x`);
    console.log(`\`cdktf synth\` of the example app as users run it (tsc, then the app, the gate included): ${(cliMs / 1000).toFixed(1)} s`);
    console.log(`the gate adds ${added.toFixed(1)} ms = ${((100 * added) / cliMs).toFixed(1)}% of \`cdktf synth\` (aim <= 20%)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
