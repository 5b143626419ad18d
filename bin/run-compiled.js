// Shared by the bin shims: requires a CLI module from lib/ and runs its `run(argv, io)`. Sets process.exitCode
// rather than calling process.exit, so that large outputs written to a pipe are flushed before the process ends.
"use strict";
const path = require("path");

function runCompiledCli(name, modulePath) {
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
  cli.run(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${name}: internal error: ${err && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}

module.exports = { runCompiledCli };
