/**
 * The builtin registry: every built-in function OPA 1.x knows, by name, with arity, argument and result types
 * and flags, built from the generated `table.ts`. The check stage resolves calls against it; the planner and
 * runtime read `relation`, `nondeterministic` and `infix` from it.
 */
import { BUILTIN_ROWS } from "./table";
import type { BuiltinRow, BuiltinType } from "./types";

export type { BuiltinType } from "./types";
export { formatType } from "./types";

export interface BuiltinSpec {
  /** Dotted name as written in Rego (`strings.replace_n`, `count`). */
  name: string;
  /** Number of declared arguments; a call may pass one more to bind the result. */
  arity: number;
  args: readonly BuiltinType[];
  /** Null when the builtin produces no value (`print`, `internal.print`). */
  result: BuiltinType | null;
  /** Variadic builtins (`print`) accept any number of arguments of this type and have no output argument. */
  variadic: BuiltinType | null;
  /** The infix operator written for it, e.g. `+` for `plus`, `in` for `internal.member_2`. */
  infix: string | null;
  /** Enumerates several results by backtracking (`walk`). */
  relation: boolean;
  /** Results depend on more than the arguments (`time.now_ns`, `http.send`, `rand.intn`). */
  nondeterministic: boolean;
  /** Deprecated; Rego v1 modules may not call it. */
  deprecated: boolean;
}

function specOf(row: BuiltinRow): BuiltinSpec {
  return {
    name: row.name,
    arity: row.args.length,
    args: row.args,
    result: row.result,
    variadic: row.variadic ?? null,
    infix: row.infix ?? null,
    relation: row.relation === true,
    nondeterministic: row.nondeterministic === true,
    deprecated: row.deprecated === true,
  };
}

export const BUILTINS: ReadonlyMap<string, BuiltinSpec> = new Map(BUILTIN_ROWS.map((row) => [row.name, specOf(row)]));

export function lookupBuiltin(name: string): BuiltinSpec | undefined {
  return BUILTINS.get(name);
}

/** A host-provided builtin (the SDK's custom builtins) known only by name and arity. */
export function customBuiltinSpec(name: string, arity: number): BuiltinSpec {
  return {
    name,
    arity,
    args: Array.from({ length: arity }, () => ({ kind: "any" as const })),
    result: { kind: "any" },
    variadic: null,
    infix: null,
    relation: false,
    nondeterministic: false,
    deprecated: false,
  };
}
