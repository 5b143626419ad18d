/**
 * The compiled module as the unmodified SDK meets it: its imports and exports, the 5-page memory limit, both
 * loading paths, entrypoints by name, data, repeated evaluations that do not leak, runtime errors that name the
 * Rego file, row and column, the pre-1.2 evaluation exports, and byte-for-byte deterministic output.
 */
import { loadPolicy, loadPolicySync } from "@open-policy-agent/opa-wasm";
import { compile, CompileOptions } from "../../compiler/index";
import { formatDiagnostic } from "../../compiler/diagnostics";

const POLICY = `package app.rbac

import rego.v1

default allow := false

allow if {
	some grant in user_grants
	grant.action == input.action
	glob.match(grant.resource, ["/"], input.resource)
}

user_grants contains grant if {
	some role in data.bindings[input.user]
	some grant in data.roles[role]
}

denied_users := {u | some u, _ in data.bindings} - {input.user}
`;

const DATA = {
  bindings: { alice: ["admin"], bob: ["reader"] },
  roles: {
    admin: [{ action: "write", resource: "/docs/*" }, { action: "read", resource: "/docs/*" }],
    reader: [{ action: "read", resource: "/docs/public/*" }],
  },
};

function build(options: Partial<CompileOptions> = {}): Uint8Array<ArrayBuffer> {
  const result = compile({
    modules: [{ file: "rbac.rego", source: POLICY }],
    entrypoints: ["app/rbac/allow", "app/rbac/denied_users"],
    ...options,
  });
  if (!result.wasm) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  return result.wasm;
}

describe("compiled module and the SDK", () => {
  const wasm = build();

  test("imports only what the SDK provides and declares at most 5 pages of memory", () => {
    const module = new WebAssembly.Module(wasm);
    const imports = WebAssembly.Module.imports(module);
    const allowed = new Set(["memory", "opa_abort", "opa_println", "opa_builtin0", "opa_builtin1", "opa_builtin2", "opa_builtin3", "opa_builtin4"]);
    for (const i of imports) {
      expect(i.module).toBe("env");
      expect(allowed.has(i.name)).toBe(true);
    }
    // A memory of 5 pages, as the SDK creates by default, satisfies the import.
    const env = Object.fromEntries(imports.filter((i) => i.kind === "function").map((i) => [i.name, () => 0]));
    expect(() => new WebAssembly.Instance(module, { env: { ...env, memory: new WebAssembly.Memory({ initial: 5 }) } })).not.toThrow();
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const name of ["opa_eval", "eval", "entrypoints", "builtins", "opa_malloc", "opa_heap_ptr_get", "opa_heap_ptr_set", "opa_json_parse", "opa_json_dump", "opa_value_dump", "opa_wasm_abi_version", "opa_wasm_abi_minor_version"]) {
      expect(exports).toContain(name);
    }
    expect(exports.filter((n) => n.startsWith("rt_") || n.startsWith("b_"))).toEqual([]);
  });

  test("loadPolicySync and loadPolicy evaluate entrypoints by name with data", async () => {
    for (const policy of [loadPolicySync(wasm), await loadPolicy(wasm)]) {
      policy.setData(DATA);
      expect(policy.entrypoints).toEqual({ "app/rbac/allow": 0, "app/rbac/denied_users": 1 });
      expect(policy.evaluate({ user: "alice", action: "write", resource: "/docs/plan" }, "app/rbac/allow")).toEqual([{ result: true }]);
      expect(policy.evaluate({ user: "bob", action: "write", resource: "/docs/public/x" }, "app/rbac/allow")).toEqual([{ result: false }]);
      expect(policy.evaluate({ user: "bob", action: "read", resource: "/docs/public/x" }, 0)).toEqual([{ result: true }]);
      expect(policy.evaluate({ user: "bob" }, "app/rbac/denied_users")).toEqual([{ result: ["alice"] }]);
    }
  });

  test("a module needing more memory than 5 pages grows it, and evaluations do not leak", () => {
    const policy = loadPolicySync(wasm);
    policy.setData(DATA);
    const big = { user: "alice", action: "read", resource: "/docs/a", padding: "x".repeat(2_000_000) };
    const memory = (policy as unknown as { mem: WebAssembly.Memory }).mem;
    for (let i = 0; i < 5; i++) policy.evaluate(big, "app/rbac/allow");
    const settled = memory.buffer.byteLength;
    expect(settled).toBeGreaterThan(5 * 65536);
    for (let i = 0; i < 100; i++) expect(policy.evaluate(big, "app/rbac/allow")).toEqual([{ result: true }]);
    expect(memory.buffer.byteLength).toBe(settled);
  });

  test("undefined rules give an empty result set, an unknown entrypoint is refused", () => {
    const wasmOnly = build({ entrypoints: ["app/rbac/missing_rule"] });
    const policy = loadPolicySync(wasmOnly);
    expect(policy.evaluate({}, "app/rbac/missing_rule")).toEqual([]);
    expect(() => policy.evaluate({}, "app/rbac/nope")).toThrow(/not valid/);
  });

  test("a conflict aborts evaluation with the Rego file, row and column", () => {
    const conflict = compile({
      modules: [{ file: "policies/conflict.rego", source: "package c\n\np := input.a\n\np := input.b\n" }],
      entrypoints: ["c/p"],
    });
    const policy = loadPolicySync(conflict.wasm!);
    expect(policy.evaluate({ a: 1, b: 1 }, "c/p")).toEqual([{ result: 1 }]);
    expect(() => policy.evaluate({ a: 1, b: 2 }, "c/p")).toThrow(/^policies\/conflict\.rego:\d+:1: var assignment conflict$/);
  });

  test("the pre-1.2 evaluation exports give the same result as opa_eval", () => {
    const instance = loadPolicySync(wasm) as unknown as {
      wasmInstance: WebAssembly.Instance;
      mem: WebAssembly.Memory;
      dataAddr: number;
    };
    const x = instance.wasmInstance.exports as Record<string, (...args: number[]) => number>;
    const write = (text: string): number => {
      const bytes = new TextEncoder().encode(text);
      const addr = x.opa_malloc(bytes.length);
      new Uint8Array(instance.mem.buffer).set(bytes, addr);
      return x.opa_json_parse(addr, bytes.length);
    };
    const read = (addr: number): unknown => {
      const view = new Uint8Array(instance.mem.buffer);
      let end = addr;
      while (view[end] !== 0) end++;
      return JSON.parse(new TextDecoder().decode(view.subarray(addr, end)));
    };
    const ctx = x.opa_eval_ctx_new();
    x.opa_eval_ctx_set_input(ctx, write(JSON.stringify({ user: "alice", action: "read", resource: "/docs/x" })));
    x.opa_eval_ctx_set_data(ctx, write(JSON.stringify(DATA)));
    x.opa_eval_ctx_set_entrypoint(ctx, 0);
    expect(x.eval(ctx)).toBe(0);
    expect(read(x.opa_json_dump(x.opa_eval_ctx_get_result(ctx)))).toEqual([{ result: true }]);
  });

  test("the same sources compile to the same bytes", () => {
    expect(Buffer.from(build()).equals(Buffer.from(build()))).toBe(true);
  });

  test("strict builtin errors abort evaluation; by default the expression is undefined", () => {
    const source = "package s\n\nimport rego.v1\n\nq := input.a / input.b\n";
    const lenient = loadPolicySync(compile({ modules: [{ file: "s.rego", source }], entrypoints: ["s/q"] }).wasm!);
    expect(lenient.evaluate({ a: 1, b: 0 }, "s/q")).toEqual([]);
    const strict = loadPolicySync(compile({ modules: [{ file: "s.rego", source }], entrypoints: ["s/q"], strictBuiltinErrors: true }).wasm!);
    expect(strict.evaluate({ a: 6, b: 3 }, "s/q")).toEqual([{ result: 2 }]);
    expect(() => strict.evaluate({ a: 1, b: 0 }, "s/q")).toThrow(/div: divide by zero/);
  });
});

describe("compile diagnostics", () => {
  test.each([
    ["package p\n\np := [1 +)\n", "rego_parse_error", 3],
    ["package p\n\nimport rego.v1\n\np if { x > 1 }\n", "rego_unsafe_var_error", 5],
    ["package p\n\nimport rego.v1\n\np if q\nq if p\n", "rego_recursion_error", 5],
    ["package p\n\nimport rego.v1\n\np := nosuchfn(1)\n", "rego_type_error", 5],
    ["package p\n\nimport rego.v1\n\np := count(1, 2, 3)\n", "rego_type_error", 5],
  ])("%j → %s at row %d", (source, code, row) => {
    const result = compile({ modules: [{ file: "bad.rego", source }], entrypoints: ["p/p"] });
    expect(result.wasm).toBeUndefined();
    expect(result.diagnostics[0]).toMatchObject({ code, severity: "error", loc: { file: "bad.rego", row } });
  });

  test("http.send is refused at compile time unless an implementation is supplied", () => {
    const source = 'package p\n\nimport rego.v1\n\nr := http.send({"method": "get", "url": "https://example.com"})\n';
    const refused = compile({ modules: [{ file: "net.rego", source }], entrypoints: ["p/r"] });
    expect(refused.wasm).toBeUndefined();
    expect(formatDiagnostic(refused.diagnostics[0])).toMatch(/net\.rego:5:\d+: rego_compile_error: http\.send needs the network/);
    const supplied = compile({ modules: [{ file: "net.rego", source }], entrypoints: ["p/r"], customBuiltins: { "http.send": { arity: 1 } } });
    const policy = loadPolicySync(supplied.wasm!, undefined, { "http.send": () => ({ status_code: 200 }) });
    expect(policy.evaluate({}, "p/r")).toEqual([{ result: { status_code: 200 } }]);
  });
});
