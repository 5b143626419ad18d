/**
 * `yaml.marshal`, `yaml.unmarshal` and `yaml.is_valid`, with the `yaml` package read as YAML 1.1 the way OPA's
 * Go library (go-yaml v2 via sigs.k8s.io/yaml) reads it: `yes`/`on` are booleans, keys become strings, maps
 * are written with sorted keys and sequences unindented under their key.
 * Note: the opa-wasm SDK ships its own `yaml.*` and looks those up before custom builtins, so these serve
 * hosts whose builtin table routes the names here.
 */
import { isDocument, parseAllDocuments, stringify, type Tags } from "yaml";
import { BuiltinError, typeError, type HostFamily } from "./errors";

/** YAML 1.1 scalars, except that timestamps stay strings: go-yaml v2 decodes them so into `interface{}`. */
const YAML_1_1 = {
  version: "1.1",
  uniqueKeys: true,
  customTags: (tags: Tags) => tags.filter((t) => typeof t === "string" || t.tag !== "tag:yaml.org,2002:timestamp"),
} as const;

/** Parses a single YAML document into JSON, as sigs.k8s.io/yaml's `YAMLToJSON` does; errors carry the reason. */
function parseYaml(text: string): unknown {
  const docs = parseAllDocuments(text, YAML_1_1);
  if (!Array.isArray(docs)) return null;
  const doc = docs[0];
  if (doc === undefined) return null;
  const problem = doc.errors[0];
  if (problem) throw new BuiltinError("eval_builtin_error", `yaml: ${problem.message.split("\n")[0]}`);
  if (!isDocument(doc)) return null;
  return doc.toJS({ mapAsMap: false, maxAliasCount: 100 }) ?? null;
}

/** JSON has no NaN, infinities or non-string keys; YAML's are written as strings, as the JSON round trip does. */
function toJson(v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) {
    throw new BuiltinError("eval_builtin_error", `json: unsupported value: ${String(v)}`);
  }
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [String(k), toJson(x)]));
  }
  return v;
}

function unmarshal(text: unknown): unknown {
  if (typeof text !== "string") throw typeError(1, "string", text);
  try {
    return toJson(parseYaml(text));
  } catch (e) {
    if (e instanceof BuiltinError) throw e;
    throw new BuiltinError("eval_builtin_error", `yaml: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function isValid(text: unknown): boolean {
  if (typeof text !== "string") return false;
  try {
    parseYaml(text);
    return true;
  } catch {
    return false;
  }
}

function marshal(value: unknown): string {
  return stringify(value, { ...YAML_1_1, sortMapEntries: true, indentSeq: false });
}

export const builtins: HostFamily = {
  "yaml.marshal": marshal,
  "yaml.unmarshal": unmarshal,
  "yaml.is_valid": isValid,
};
