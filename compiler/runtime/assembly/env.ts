// Host imports of every compiled module (all from `env`, as the OPA Wasm ABI fixes them) and the abort hooks.
// Takes nothing; gives the rest of the runtime `hostAbort`, `hostPrintln` and `hostBuiltinN`, plus `asAbort`,
// which the build routes AssemblyScript's own `abort` to so that the module never imports `env.abort`.

@external("env", "opa_abort")
export declare function hostAbort(addr: usize): void;

@external("env", "opa_println")
export declare function hostPrintln(addr: usize): void;

@external("env", "opa_builtin0")
export declare function hostBuiltin0(id: i32, ctx: i32): usize;

@external("env", "opa_builtin1")
export declare function hostBuiltin1(id: i32, ctx: i32, a: usize): usize;

@external("env", "opa_builtin2")
export declare function hostBuiltin2(id: i32, ctx: i32, a: usize, b: usize): usize;

@external("env", "opa_builtin3")
export declare function hostBuiltin3(id: i32, ctx: i32, a: usize, b: usize, c: usize): usize;

@external("env", "opa_builtin4")
export declare function hostBuiltin4(id: i32, ctx: i32, a: usize, b: usize, c: usize, d: usize): usize;

// A fixed NUL-terminated message: compiler-inserted checks must not allocate on their way out.
const INTERNAL_ERROR = memory.data<u8>([105, 110, 116, 101, 114, 110, 97, 108, 32, 101, 114, 114, 111, 114, 0]);

export function asAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  hostAbort(INTERNAL_ERROR);
  unreachable();
}
