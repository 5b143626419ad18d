/**
 * `data.internal.capabilities` as `regal test` writes it to the store (regal cmd/test.go, pkg/config
 * `fromOPACapabilities`): OPA's capabilities without Regal's own builtins, builtins keyed by name with each
 * declaration's types spelt as OPA's `types.Type.String()` does (`{"decl": {"args": ["string", "any"],
 * "result": "boolean"}}`), plus `future_keywords` and `features`. Made from Regal's checked-in capabilities file
 * (OPA's list format, with full type descriptions, plus `regal.*`).
 */
import * as fs from "fs";

interface TypeDesc {
  type: string;
  of?: TypeDesc | TypeDesc[];
  static?: Array<TypeDesc | { key: unknown; value: TypeDesc }>;
  dynamic?: TypeDesc | { key: TypeDesc; value: TypeDesc };
  args?: TypeDesc[];
  result?: TypeDesc;
}

interface CapabilitiesFile {
  builtins: Array<{ name: string; decl: { args?: TypeDesc[]; result?: TypeDesc } }>;
  future_keywords?: string[];
  features?: string[];
}

/** OPA's spelling of a type: `array[string]`, `object[string: any]`, `set[any]`, `any<number, string>`. */
export function typeString(t: TypeDesc | undefined): string {
  if (!t) return "any";
  switch (t.type) {
    case "any": {
      const of = Array.isArray(t.of) ? t.of : t.of ? [t.of] : [];
      return of.length === 0 ? "any" : `any<${of.map(typeString).sort().join(", ")}>`;
    }
    case "array": {
      const statics = (t.static ?? []) as TypeDesc[];
      let out = "array";
      if (statics.length > 0) out += `<${statics.map(typeString).join(", ")}>`;
      if (t.dynamic) out += `[${typeString(t.dynamic as TypeDesc)}]`;
      return out;
    }
    case "object": {
      const statics = (t.static ?? []) as Array<{ key: unknown; value: TypeDesc }>;
      let out = "object";
      if (statics.length > 0) out += `<${statics.map((p) => `${String(p.key)}: ${typeString(p.value)}`).join(", ")}>`;
      const dyn = t.dynamic as { key: TypeDesc; value: TypeDesc } | undefined;
      if (dyn) out += `[${typeString(dyn.key)}: ${typeString(dyn.value)}]`;
      return out;
    }
    case "set":
      return `set[${typeString(t.of as TypeDesc)}]`;
    case "function":
      return `(${(t.args ?? []).map(typeString).join(", ")}) => ${typeString(t.result)}`;
    default:
      return t.type;
  }
}

export function regalCapabilitiesData(file: string): { internal: { capabilities: unknown } } {
  const caps = JSON.parse(fs.readFileSync(file, "utf8")) as CapabilitiesFile;
  const builtins: Record<string, unknown> = {};
  for (const b of caps.builtins) {
    if (b.name.startsWith("regal.")) continue;
    const decl: Record<string, unknown> = { args: (b.decl.args ?? []).map(typeString) };
    if (b.decl.result) decl.result = typeString(b.decl.result);
    builtins[b.name] = { decl };
  }
  return { internal: { capabilities: { builtins, future_keywords: caps.future_keywords ?? [], features: caps.features ?? [] } } };
}
