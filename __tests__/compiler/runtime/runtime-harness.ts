/**
 * Loads compiler/runtime/build/runtime.wasm on its own (no policy, no SDK) with a minimal `env` and wraps its
 * exports for tests and benchmarks: text in and out of linear memory, JSON and Rego-literal values, builtin calls.
 */
import { readFileSync } from "fs";
import { join } from "path";

export const RUNTIME_WASM = join(__dirname, "..", "..", "..", "compiler", "runtime", "build", "runtime.wasm");

type Fn = (...args: number[]) => number;

export interface Runtime {
  exports: Record<string, Fn>;
  memory: WebAssembly.Memory;
  printed: string[];
  /** Copies UTF-8 text into a fresh heap block; returns [address, byte length]. */
  put(text: string | Uint8Array): [number, number];
  cString(addr: number): string;
  parseJSON(text: string | Uint8Array): number;
  parseValue(text: string): number;
  dumpJSON(v: number): string;
  dumpValue(v: number): string;
  /** Calls builtin `name` (dots allowed) on values; undefined if the runtime lacks it. */
  builtin(name: string): Fn | undefined;
  errorMessage(): string | undefined;
  errorCode(): number;
}

let cachedModule: WebAssembly.Module | undefined;

export function runtimeModule(): WebAssembly.Module {
  if (!cachedModule) cachedModule = new WebAssembly.Module(readFileSync(RUNTIME_WASM));
  return cachedModule;
}

export function loadRuntime(initialPages = 2): Runtime {
  const memory = new WebAssembly.Memory({ initial: initialPages });
  const printed: string[] = [];
  const decoder = new TextDecoder();
  const cString = (addr: number): string => {
    const bytes = new Uint8Array(memory.buffer);
    let end = addr;
    while (bytes[end] !== 0) end++;
    return decoder.decode(bytes.subarray(addr, end));
  };
  const noHost = (): number => 0;
  const env = {
    memory,
    opa_abort: (addr: number) => {
      throw new Error(`opa_abort: ${cString(addr)}`);
    },
    opa_println: (addr: number) => {
      printed.push(cString(addr));
    },
    opa_builtin0: noHost,
    opa_builtin1: noHost,
    opa_builtin2: noHost,
    opa_builtin3: noHost,
    opa_builtin4: noHost,
  };
  const instance = new WebAssembly.Instance(runtimeModule(), { env });
  const exports = instance.exports as unknown as Record<string, Fn>;
  exports.rt_init(exports.rt_heap_base());
  const encoder = new TextEncoder();
  const put = (text: string | Uint8Array): [number, number] => {
    const bytes = typeof text === "string" ? encoder.encode(text) : text;
    const addr = exports.opa_malloc(bytes.length);
    new Uint8Array(memory.buffer).set(bytes, addr);
    return [addr, bytes.length];
  };
  return {
    exports,
    memory,
    printed,
    put,
    cString,
    parseJSON: (text) => exports.opa_json_parse(...put(text)),
    parseValue: (text) => exports.opa_value_parse(...put(text)),
    dumpJSON: (v) => cString(exports.opa_json_dump(v)),
    dumpValue: (v) => cString(exports.opa_value_dump(v)),
    builtin: (name) => exports[`b_${name.replace(/\./g, "_")}`],
    errorMessage: () => {
      const addr = exports.rt_error_get();
      return addr === 0 ? undefined : cString(addr);
    },
    errorCode: () => exports.rt_error_code(),
  };
}
