/**
 * The type language of builtin signatures, as OPA's capabilities describe them (any, scalars, dynamic and
 * fixed arrays, sets, dynamic objects and objects with known keys, unions), and the row shape of the
 * generated table (`table.ts`). `registry.ts` builds the lookup from these rows.
 */

export type BuiltinType =
  | { kind: "any" }
  | { kind: "string" }
  | { kind: "number" }
  | { kind: "boolean" }
  | { kind: "null" }
  /** An array of any length whose elements have type `of`. */
  | { kind: "array"; of: BuiltinType }
  /** An array of fixed length (OPA's "static" array). */
  | { kind: "tuple"; items: readonly BuiltinType[] }
  | { kind: "set"; of: BuiltinType }
  | { kind: "object"; key: BuiltinType; value: BuiltinType }
  /** An object with known keys, and optionally further keys of a dynamic type. */
  | { kind: "record"; fields: Readonly<Record<string, BuiltinType>>; rest: { key: BuiltinType; value: BuiltinType } | null }
  | { kind: "union"; of: readonly BuiltinType[] };

/** One row of the generated table. */
export interface BuiltinRow {
  name: string;
  args: readonly BuiltinType[];
  /** Null for builtins that produce no value (`print`, `internal.print`). */
  result: BuiltinType | null;
  /** Set for variadic builtins (`print`): every argument has this type. */
  variadic?: BuiltinType;
  /** The operator that is written for it (`+` for `plus`). */
  infix?: string;
  /** Enumerates several results by backtracking (`walk`). */
  relation?: true;
  /** Results depend on more than the arguments (`time.now_ns`, `http.send`). */
  nondeterministic?: true;
  /** Rejected in Rego v1 modules. */
  deprecated?: true;
}

export const ANY: BuiltinType = { kind: "any" };
export const STRING: BuiltinType = { kind: "string" };
export const NUMBER: BuiltinType = { kind: "number" };
export const BOOLEAN: BuiltinType = { kind: "boolean" };
export const NULL: BuiltinType = { kind: "null" };

export function arr(of: BuiltinType): BuiltinType {
  return { kind: "array", of };
}
export function setOf(of: BuiltinType): BuiltinType {
  return { kind: "set", of };
}
export function obj(key: BuiltinType, value: BuiltinType): BuiltinType {
  return { kind: "object", key, value };
}
export function tuple(...items: BuiltinType[]): BuiltinType {
  return { kind: "tuple", items };
}
export function record(fields: Record<string, BuiltinType>, restKey?: BuiltinType, restValue?: BuiltinType): BuiltinType {
  return { kind: "record", fields, rest: restKey && restValue ? { key: restKey, value: restValue } : null };
}
export function union(...of: BuiltinType[]): BuiltinType {
  return { kind: "union", of };
}

/** OPA's spelling of a type in messages: `number`, `array[any]`, `set[string]`, `object[string: any]`. */
export function formatType(t: BuiltinType): string {
  switch (t.kind) {
    case "array":
      return `array[${formatType(t.of)}]`;
    case "tuple":
      return `array<${t.items.map(formatType).join(", ")}>`;
    case "set":
      return `set[${formatType(t.of)}]`;
    case "object":
      return `object[${formatType(t.key)}: ${formatType(t.value)}]`;
    case "record": {
      const fields = Object.entries(t.fields).map(([k, v]) => `${k}: ${formatType(v)}`);
      if (t.rest) fields.push(`[${formatType(t.rest.key)}: ${formatType(t.rest.value)}]`);
      return `object<${fields.join(", ")}>`;
    }
    case "union":
      return `any<${t.of.map(formatType).join(", ")}>`;
    default:
      return t.kind;
  }
}
