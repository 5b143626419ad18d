#!/usr/bin/env node
// The `regoc` command: loads the compiled Rego→Wasm compiler CLI (lib/, shipped in the package or built by the prepare
// script) and runs it on this process's arguments and streams (build, test, eval).
"use strict";
const { runCompiledCli } = require("./run-compiled");
// The stack holds compiling and evaluating nesting as deep as OPA's parser accepts (48 MiB is enough; see
// compiler/deep-stack.ts).
runCompiledCli("regoc", "compiler/cli.js", { stackSizeMb: 256 });
