#!/usr/bin/env node
// The `regoc` command: loads the compiled Rego→Wasm compiler CLI (lib/, shipped in the package or built by the prepare
// script) and runs it on this process's arguments and streams (build, test, eval).
"use strict";
const { runCompiledCli } = require("./run-compiled");
// The stack holds evaluation of values nested as deep as OPA's parser accepts (49,996 arrays need about 40 MiB).
runCompiledCli("regoc", "compiler/cli.js", { stackSizeMb: 256 });
