// The package's other entry points, as a user's tooling imports them: the gate's check on the synthesized output,
// and the Rego compiler. Prints one JSON line for the test to read.
import { check, render } from "groundtruth-cors/gate";
import { compile } from "groundtruth-cors/compiler";
import { hostBuiltins } from "groundtruth-cors/compiler/host-builtins";

const result = check(["cdktf.out"], { cwd: process.cwd() });
const compiled = compile({
  modules: [{ file: "app.rego", source: "package app\n\nimport rego.v1\n\nallow if input.user == \"admin\"\n" }],
  entrypoints: ["app/allow"],
});
process.stdout.write(
  JSON.stringify({
    buckets: result.buckets.length,
    findings: result.findings.length,
    json: JSON.parse(render(result, "json")).summary,
    hostBuiltins: Object.keys(hostBuiltins).includes("time.now_ns"),
    wasmMagic: compiled.wasm ? Buffer.from(compiled.wasm.subarray(0, 4)).toString("hex") : null,
  }) + "\n",
);
