#!/usr/bin/env node
// The `gt-cors` command: loads the compiled gate CLI (lib/, shipped in the package, or built in a checkout by the
// prepare script) and runs it on this process's arguments and streams; the exit code is the gate's (0 clean,
// 1 findings, 2 errors).
"use strict";
const { runCompiledCli } = require("./run-compiled");
runCompiledCli("gt-cors", "gate/cli.js");
