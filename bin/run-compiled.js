// Shared by the bin shims: requires a CLI module from lib/ and runs its `run(argv, io)`. Sets process.exitCode
// rather than calling process.exit, so that large outputs written to a pipe are flushed before the process ends.
// With `stackSizeMb` the CLI runs on a worker thread with that stack, so that it can evaluate values nested as
// deep as OPA's parser allows (the runtime walks values recursively).
"use strict";
const path = require("path");
const { isMainThread, Worker, workerData } = require("worker_threads");

function runCompiledCli(name, modulePath, options = {}) {
  if (options.stackSizeMb && isMainThread) {
    const worker = new Worker(__filename, {
      workerData: { cli: { name, modulePath, argv: process.argv.slice(2) } },
      resourceLimits: { stackSizeMb: options.stackSizeMb },
    });
    worker.on("error", (err) => {
      process.stderr.write(`${name}: internal error: ${err && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 2;
    });
    worker.on("exit", (code) => {
      if (process.exitCode === undefined) process.exitCode = code;
    });
    return;
  }
  runInThisThread(name, modulePath, options.argv ?? process.argv.slice(2));
}

function runInThisThread(name, modulePath, argv) {
  const file = path.join(__dirname, "..", "lib", modulePath);
  let cli;
  try {
    cli = require(file);
  } catch (e) {
    if (e && e.code === "MODULE_NOT_FOUND" && String(e.message).includes(file)) {
      process.stderr.write(`${name}: ${path.relative(process.cwd(), file)} is not built; run \`npm run prepare\`\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  const io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
  cli.run(argv, io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${name}: internal error: ${err && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}

if (!isMainThread && workerData && workerData.cli) {
  const { name, modulePath, argv } = workerData.cli;
  runInThisThread(name, modulePath, argv);
}

module.exports = { runCompiledCli };
