// Micro-benchmark: the runtime's opa_json_parse / opa_json_dump on a generated ~20 MB document against V8's
// JSON.parse / JSON.stringify of the same text in the same process. Prints best-of-N times and the ratios.
// Run: npm run build:runtime && node bench/runtime-json.mjs
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const wasm = readFileSync(join(here, "..", "compiler", "runtime", "build", "runtime.wasm"));
const module = new WebAssembly.Module(wasm);

function generate(targetBytes) {
  const items = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const item = {
      id: i,
      name: `resource-${i}`,
      arn: `arn:aws:s3:::bucket-${i % 977}/prefix/${i}`,
      enabled: i % 3 !== 0,
      score: (i * 7.31) % 1000,
      tags: { team: `team-${i % 17}`, env: i % 2 ? "prod" : "dev", "cost-center": String(10000 + (i % 301)) },
      origins: ["https://example.com", `https://app${i % 9}.example.org`],
      note: i % 10 === 0 ? "línea con acentos y \"comillas\"\n" : null,
    };
    items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return JSON.stringify({ items, count: items.length });
}

function instance() {
  const memory = new WebAssembly.Memory({ initial: 2 });
  const noop = () => 0;
  const env = { memory, opa_abort: () => { throw new Error("abort"); }, opa_println: noop,
    opa_builtin0: noop, opa_builtin1: noop, opa_builtin2: noop, opa_builtin3: noop, opa_builtin4: noop };
  const x = new WebAssembly.Instance(module, { env }).exports;
  x.rt_init(x.rt_heap_base());
  return { x, memory };
}

function best(runs, fn) {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (ms < min) min = ms;
  }
  return min;
}

const text = generate(20 * 1024 * 1024);
const bytes = new TextEncoder().encode(text);
const runs = 7;
const { x, memory } = instance();

// The input is copied in once, like the SDK does; each run parses it from a reset heap.
const input = x.opa_malloc(bytes.length);
new Uint8Array(memory.buffer).set(bytes, input);
const mark = x.opa_heap_ptr_get();
let value = 0;
const wasmParse = best(runs, () => {
  x.opa_heap_ptr_set(mark);
  value = x.opa_json_parse(input, bytes.length);
  if (value === 0) throw new Error("parse failed");
});
const jsParse = best(runs, () => JSON.parse(text));

const dumpMark = x.opa_heap_ptr_get();
const wasmDump = best(runs, () => {
  x.opa_heap_ptr_set(dumpMark);
  x.opa_json_dump(value);
});
const obj = JSON.parse(text);
const jsDump = best(runs, () => JSON.stringify(obj));

const mb = (bytes.length / 1024 / 1024).toFixed(1);
console.log(`document: ${mb} MB, best of ${runs}`);
console.log(`parse: opa_json_parse ${wasmParse.toFixed(1)} ms, JSON.parse ${jsParse.toFixed(1)} ms, ratio ${(wasmParse / jsParse).toFixed(2)}`);
console.log(`dump:  opa_json_dump ${wasmDump.toFixed(1)} ms, JSON.stringify ${jsDump.toFixed(1)} ms, ratio ${(wasmDump / jsDump).toFixed(2)}`);
