/**
 * Compiler benchmarks, printed as ratios against baselines run in the same process (so they mean the same on any
 * machine): compiling a 500-line policy against TypeScript transpiling 500 lines of equivalent code; compiling
 * every conformance case against loading their YAML; and evaluating a policy that walks a 20 MB input against
 * `JSON.parse` of it.
 * Run with `npm run bench`.
 */
import * as path from "path";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import * as ts from "typescript";
import { compile } from "../compiler/index";
import { loadCases } from "../compiler/conformance/cases";
import { medianMs, ms } from "./lib/timing";

const ROOT = path.resolve(__dirname, "..");

/** A 500-line policy in the style of real ones: many rules over input, functions, comprehensions, sets. */
export function generatePolicy(lines: number): string {
  const out = ["package bench.generated", "", "import rego.v1", ""];
  let i = 0;
  while (out.length < lines) {
    out.push(
      `# Rule family ${i}`,
      `allowed_${i} contains name if {`,
      `\tsome item in input.items`,
      `\titem.kind == "k${i % 7}"`,
      `\tname := sprintf("%s-%d", [item.name, item.size])`,
      `\tnot denied_${i}(item)`,
      `}`,
      ``,
      `denied_${i}(item) if {`,
      `\tsome tag in item.tags`,
      `\tstartswith(tag, "deny-${i}")`,
      `}`,
      ``,
      `summary_${i} := {"count": count(allowed_${i}), "first": min(allowed_${i})} if count(allowed_${i}) > 0`,
      ``,
      `sizes_${i} := [s | some item in input.items; s := item.size * ${i + 1}; s > ${i * 3}]`,
      ``,
    );
    i++;
  }
  out.push(`report := [${Array.from({ length: i }, (_, j) => `count(allowed_${j})`).join(", ")}]`);
  return out.join("\n") + "\n";
}

/** The same rules as `generatePolicy`, written as TypeScript: the baseline for compile time. */
function generateTypeScript(lines: number): string {
  const out = ["type Item = { kind: string; name: string; size: number; tags: string[] };", ""];
  let i = 0;
  while (out.length < lines) {
    out.push(
      `// Rule family ${i}`,
      `export function allowed${i}(input: { items: Item[] }): Set<string> {`,
      `  const out = new Set<string>();`,
      `  for (const item of input.items) {`,
      `    if (item.kind === "k${i % 7}" && !denied${i}(item)) out.add(\`\${item.name}-\${item.size}\`);`,
      `  }`,
      `  return out;`,
      `}`,
      `function denied${i}(item: Item): boolean {`,
      `  return item.tags.some((tag) => tag.startsWith("deny-${i}"));`,
      `}`,
      `export const sizes${i} = (input: { items: Item[] }): number[] => input.items.map((item) => item.size * ${i + 1}).filter((s) => s > ${i * 3});`,
      ``,
    );
    i++;
  }
  return out.join("\n") + "\n";
}

function benchPolicyCompile(): void {
  const source = generatePolicy(500);
  const modules = [{ file: "generated.rego", source }];
  const compileOnce = (): Uint8Array => {
    const r = compile({ modules, entrypoints: ["bench/generated/report"] });
    if (!r.wasm) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
    return r.wasm;
  };
  const wasm = compileOnce();
  const ours = medianMs(compileOnce);
  const tsSource = generateTypeScript(500);
  const transpile = medianMs(() => ts.transpileModule(tsSource, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }));
  const module = loadPolicySync(wasm).evaluate({ items: [{ name: "a", kind: "k1", size: 3, tags: ["x"] }] }, "bench/generated/report");
  if (!Array.isArray(module) || module.length !== 1) throw new Error("the generated policy did not evaluate");
  console.log(
    `compile a ${source.split("\n").length}-line policy: ${ours.toFixed(1)} ms (${wasm.length} bytes); ` +
      `TypeScript transpiling ${tsSource.split("\n").length} lines of the same rules: ${transpile.toFixed(1)} ms; ratio ${(ours / transpile).toFixed(2)}×`,
  );
}

function benchSuiteCompile(): void {
  const dir = path.resolve(ROOT, "../shared/opa-conformance/cases");
  let cases: ReturnType<typeof loadCases> = [];
  const load = ms(() => {
    cases = loadCases(dir);
  });
  let failures = 0;
  const total = ms(() => {
    for (const c of cases) {
      const r = compile({ modules: c.modules.map((source, i) => ({ file: `module${i}.rego`, source })), queries: [{ name: "eval", query: c.query }] });
      if (!r.wasm) failures++;
    }
  });
  console.log(
    `compile the conformance suite (${cases.length} cases, ${failures} not compilable): ${total.toFixed(0)} ms; ` +
      `loading their YAML: ${load.toFixed(0)} ms; ratio ${(total / load).toFixed(2)}×; ${(total / cases.length).toFixed(2)} ms a case`,
  );
}

/** About 20 MB of JSON: items with names, kinds, sizes, tags and nested attributes. */
function generateInput(targetBytes: number): string {
  const items: unknown[] = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const item = {
      name: `item-${i}`,
      kind: `k${i % 7}`,
      size: i % 1000,
      tags: [`team-${i % 13}`, i % 5 === 0 ? "deny-1" : "allow", `env-${i % 3}`],
      attributes: { owner: `user${i % 97}@example.com`, created: "2026-01-01T00:00:00Z", ratio: (i % 100) / 7 },
    };
    size += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return JSON.stringify({ items });
}

const WALK_POLICY = `package bench.walk

import rego.v1

flagged contains item.name if {
	some item in input.items
	item.size > 990
	some tag in item.tags
	startswith(tag, "deny")
}

owners := count({item.attributes.owner | some item in input.items})

result := {"flagged": count(flagged), "owners": owners, "items": count(input.items)}
`;

function benchEvaluate(): void {
  const text = generateInput(20 * 1024 * 1024);
  const bytes = Buffer.from(text);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const r = compile({ modules: [{ file: "walk.rego", source: WALK_POLICY }], entrypoints: ["bench/walk/result"] });
  if (!r.wasm) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  const policy = loadPolicySync(r.wasm);
  let result: unknown;
  const evaluate = medianMs(() => {
    result = policy.evaluate(buffer, "bench/walk/result");
  }, 5);
  const parse = medianMs(() => JSON.parse(text), 5);
  console.log(
    `evaluate a policy walking ${(bytes.length / 1048576).toFixed(1)} MB of input: ${evaluate.toFixed(0)} ms; ` +
      `JSON.parse of the same text: ${parse.toFixed(0)} ms; ratio ${(evaluate / parse).toFixed(2)}× (aim ≤ 3×); result ${JSON.stringify(result)}`,
  );
}

function main(): void {
  benchPolicyCompile();
  benchSuiteCompile();
  benchEvaluate();
}

if (require.main === module) main();
export { main };
