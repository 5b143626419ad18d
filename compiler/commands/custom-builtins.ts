/**
 * `--builtins <module>`: loads builtins an engine adds to Rego (as OPA's Go API does with `rego.Function`) from a
 * JavaScript module, for `build`, `eval` and `test`. The module exports `builtins`, an object by builtin name:
 *   { "result.new": { decl: { args: [{ type: "string" }, { type: "any" }], result: { type: "any" } }, impl(msg, cause) { … } } }
 * (`arity: n` may stand for `decl`). The declarations go to the compiler; the implementations to the SDK, where
 * a thrown error makes the call undefined, or an evaluation error with `--strict-builtin-errors`, as in OPA.
 */
import * as path from "path";
import { pathToFileURL } from "url";
import type { HostBuiltin } from "../builtins/host";

export type BuiltinImpl = (...args: unknown[]) => unknown;

export interface CustomBuiltinSpec {
  decl?: { args: unknown[]; result?: unknown };
  arity?: number;
  impl: BuiltinImpl;
}

export interface CustomBuiltins {
  declarations: Record<string, { arity: number }>;
  implementations: Record<string, HostBuiltin>;
}

export class CustomBuiltinsError extends Error {}

export async function loadCustomBuiltins(files: readonly string[], cwd: string, strict: boolean): Promise<CustomBuiltins> {
  const out: CustomBuiltins = { declarations: {}, implementations: {} };
  for (const file of files) {
    const full = path.resolve(cwd, file);
    let exported: unknown;
    try {
      exported = await importModule(full);
    } catch (e) {
      throw new CustomBuiltinsError(`--builtins ${file}: cannot load: ${(e as Error).message}`);
    }
    const table = (exported as { builtins?: unknown })?.builtins ?? (exported as { default?: { builtins?: unknown } })?.default?.builtins;
    if (typeof table !== "object" || table === null) throw new CustomBuiltinsError(`--builtins ${file}: the module exports no \`builtins\` object`);
    for (const [name, spec] of Object.entries(table as Record<string, CustomBuiltinSpec>)) {
      const where = `--builtins ${file}: builtin ${JSON.stringify(name)}`;
      if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name)) throw new CustomBuiltinsError(`${where}: not a Rego name`);
      if (typeof spec?.impl !== "function") throw new CustomBuiltinsError(`${where}: \`impl\` must be a function`);
      const arity = Array.isArray(spec.decl?.args) ? spec.decl!.args.length : spec.arity;
      if (typeof arity !== "number" || !Number.isInteger(arity) || arity < 0) {
        throw new CustomBuiltinsError(`${where}: needs \`decl.args\` (an array of types) or \`arity\` (a number)`);
      }
      if (name in out.declarations) throw new CustomBuiltinsError(`${where}: declared twice`);
      out.declarations[name] = { arity };
      out.implementations[name] = wrap(name, spec.impl, strict);
    }
  }
  return out;
}

function wrap(name: string, impl: BuiltinImpl, strict: boolean): HostBuiltin {
  return (...args: unknown[]) => {
    try {
      return impl(...args);
    } catch (e) {
      if (strict) throw new Error(`eval_builtin_error: ${name}: ${(e as Error)?.message ?? String(e)}`);
      return undefined;
    }
  };
}

/** Node's own `import()`: TypeScript compiles a written `import()` to `require` for CommonJS output. */
const nativeImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

/** CommonJS (and, under tsx, TypeScript) through `require`; ES modules through `import()`. */
async function importModule(file: string): Promise<unknown> {
  if (file.endsWith(".mjs")) return nativeImport(pathToFileURL(file).href);
  try {
    return require(file);
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_REQUIRE_ESM") return nativeImport(pathToFileURL(file).href);
    throw e;
  }
}
