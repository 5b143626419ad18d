/**
 * JSON Schema compilation as gojsonschema (OPA's JSON Schema library) does it: drafts 4, 6 and 7 chosen by
 * `$schema`, otherwise its "hybrid" mode that accepts the keywords of all three; each keyword's value checked
 * with gojsonschema's messages; `$ref`s resolved within the document (by JSON pointer and `$id`). References
 * to other documents are not fetched: evaluation has no network.
 */
import type { RE2JS } from "re2js";
import { compileRe2 } from "./regex";
import { resolveUri, SchemaDocuments, SchemaError, withoutFragment, type Json } from "./jsonschema-refs";

export { SchemaError, type Json } from "./jsonschema-refs";

type JsonObject = { [key: string]: Json };

/** Drafts as numbers; hybrid mode accepts everything, so it compares above every draft. */
const HYBRID = Number.POSITIVE_INFINITY;

export const JSON_TYPES = ["array", "boolean", "integer", "number", "null", "object", "string"];

export interface SubSchema {
  /** The key this schema sits under: a property name for `properties` children. */
  property: string;
  /** A boolean schema (draft 6 and later). */
  pass?: boolean;
  /** A `$ref`, resolved on first use; its siblings are ignored, as gojsonschema ignores them. */
  ref?: () => SubSchema;
  types: string[];
  properties: SubSchema[];
  additionalProperties: boolean | SubSchema;
  patternProperties: Array<{ re: RE2JS; schema: SubSchema }>;
  propertyNames?: SubSchema;
  dependencies: Map<string, string[] | SubSchema>;
  items: SubSchema[];
  itemsIsSingleSchema: boolean;
  additionalItems: boolean | SubSchema;
  multipleOf?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: { source: string; re: RE2JS };
  format?: string;
  minProperties?: number;
  maxProperties?: number;
  required: string[];
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  contains?: SubSchema;
  /** `const` and `enum` members as canonical JSON text, compared as gojsonschema compares them. */
  constValue?: string;
  enumValues?: string[];
  anyOf: SubSchema[];
  oneOf: SubSchema[];
  allOf: SubSchema[];
  not?: SubSchema;
  ifSchema?: SubSchema;
  thenSchema?: SubSchema;
  elseSchema?: SubSchema;
}

const invalidType = (expected: string, given: string) =>
  new SchemaError(`Invalid type. Expected: ${expected}, given: ${given}`);
const mustBeOfA = (x: string, y: string) => new SchemaError(`${x} must be of a ${y}`);
const mustBeOfAn = (x: string, y: string) => new SchemaError(`${x} must be of an ${y}`);

function isObject(v: Json | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}

/** `encoding/json`-style canonical text: sorted keys, numbers as float64; what gojsonschema compares. */
export function canonicalJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

class Compiler {
  private readonly compiled = new Map<Json, SubSchema>();
  private readonly documents: SchemaDocuments;

  constructor(root: Json, private readonly draft: number) {
    this.documents = new SchemaDocuments(root, (node) => this.idKey(node));
  }

  private idKey(node: JsonObject): string {
    if (this.draft === 4) return "id";
    if (this.draft === HYBRID && "id" in node) return "id";
    return "$id";
  }

  compile(node: Json, property: string, base: string): SubSchema {
    const cached = this.compiled.get(node);
    if (cached && typeof node === "object" && node !== null) return cached;
    const schema: SubSchema = {
      property,
      types: [],
      properties: [],
      additionalProperties: true,
      patternProperties: [],
      dependencies: new Map(),
      items: [],
      itemsIsSingleSchema: false,
      additionalItems: true,
      required: [],
      uniqueItems: false,
      anyOf: [],
      oneOf: [],
      allOf: [],
    };
    if (typeof node === "boolean" && this.draft >= 6) return { ...schema, pass: node };
    if (!isObject(node)) throw new SchemaError("Expected: schema, given: Invalid JSON");
    this.compiled.set(node, schema);
    this.parse(node, schema, base);
    return schema;
  }

  private parse(m: JsonObject, s: SubSchema, base: string): void {
    const str = (key: string): string | undefined => {
      if (!(key in m)) return undefined;
      if (typeof m[key] !== "string") throw invalidType("string", key);
      return m[key] as string;
    };
    const id = str(this.idKey(m));
    if (id !== undefined) base = resolveUri(base, id);
    if ("definitions" in m) {
      const defs = m.definitions;
      if (!isObject(defs)) throw invalidType("array of schemas", "definitions");
      for (const def of Object.values(defs)) {
        if (typeof def !== "boolean" && !isObject(def)) throw invalidType("array of schemas", "definitions");
        this.compile(def, "definitions", base);
      }
    }
    str("title");
    str("description");
    const ref = str("$ref");
    if (ref !== undefined) {
      let target: SubSchema | undefined;
      const node = this.documents.resolve(ref, base);
      const refBase = withoutFragment(resolveUri(base, ref));
      s.ref = () => (target ??= this.compile(node, "$ref", refBase));
      s.ref();
      return;
    }
    this.parseTypes(m, s);
    this.parseObjectKeywords(m, s, base);
    this.parseArrayKeywords(m, s, base);
    this.parseNumberKeywords(m, s);
    this.parseStringKeywords(m, s, str);
    this.parseObjectLimits(m, s);
    this.parseCombinators(m, s, base);
  }

  private parseTypes(m: JsonObject, s: SubSchema): void {
    if (!("type" in m)) return;
    const types = typeof m.type === "string" ? [m.type] : Array.isArray(m.type) ? m.type : null;
    if (types === null) throw invalidType("type", "string/array of strings");
    for (const t of types) {
      if (typeof t !== "string") throw invalidType("type", "string/array of strings");
      if (!JSON_TYPES.includes(t)) {
        throw new SchemaError(
          `has a primitive type that is NOT VALID -- given: /${t}/ Expected valid values are:[${JSON_TYPES.join(" ")}]`,
        );
      }
      if (s.types.includes(t)) throw new SchemaError(`${t} type is duplicated`);
      s.types.push(t);
    }
  }

  private parseObjectKeywords(m: JsonObject, s: SubSchema, base: string): void {
    if ("properties" in m) {
      if (!isObject(m.properties)) throw new SchemaError("properties must be of type object");
      for (const [key, value] of Object.entries(m.properties)) s.properties.push(this.compile(value, key, base));
    }
    if ("additionalProperties" in m) {
      const ap = m.additionalProperties;
      if (typeof ap === "boolean") s.additionalProperties = ap;
      else if (isObject(ap)) s.additionalProperties = this.compile(ap, "additionalProperties", base);
      else throw invalidType("boolean/schema", "additionalProperties");
    }
    if ("patternProperties" in m) {
      if (!isObject(m.patternProperties)) throw invalidType("schema", "patternProperties");
      for (const [pattern, value] of Object.entries(m.patternProperties)) {
        let re: RE2JS;
        try {
          re = compileRe2(pattern);
        } catch {
          throw new SchemaError(`Invalid regex pattern '${pattern}'`);
        }
        s.patternProperties.push({ re, schema: this.compile(value, pattern, base) });
      }
    }
    if ("propertyNames" in m && this.draft >= 6) {
      const pn = m.propertyNames;
      if (typeof pn !== "boolean" && !isObject(pn)) throw invalidType("schema", "patternProperties");
      s.propertyNames = this.compile(pn, "propertyNames", base);
    }
    if ("dependencies" in m) {
      if (!isObject(m.dependencies)) throw new SchemaError("dependencies must be of type object");
      for (const [key, value] of Object.entries(m.dependencies)) {
        if (Array.isArray(value)) {
          if (!value.every((v): v is string => typeof v === "string")) {
            throw new SchemaError("dependency must be of type schema or array of strings");
          }
          if (value.length > 0) s.dependencies.set(key, value);
        } else if (typeof value === "boolean" || isObject(value)) {
          s.dependencies.set(key, this.compile(value, key, base));
        } else {
          throw new SchemaError("dependency must be of type schema or array of strings");
        }
      }
    }
  }

  private parseArrayKeywords(m: JsonObject, s: SubSchema, base: string): void {
    if ("items" in m) {
      const items = m.items;
      const isSchema = (v: Json) => typeof v === "boolean" || isObject(v);
      if (Array.isArray(items)) {
        for (const item of items) {
          if (!isSchema(item)) throw invalidType("schema/array of schemas", "items");
          s.items.push(this.compile(item, "items", base));
        }
      } else if (isSchema(items)) {
        s.items.push(this.compile(items, "items", base));
        s.itemsIsSingleSchema = true;
      } else {
        throw invalidType("schema/array of schemas", "items");
      }
    }
    if ("additionalItems" in m) {
      const ai = m.additionalItems;
      if (typeof ai === "boolean") s.additionalItems = ai;
      else if (isObject(ai)) s.additionalItems = this.compile(ai, "additionalItems", base);
      else throw invalidType("boolean/schema", "additionalItems");
    }
  }

  private parseNumberKeywords(m: JsonObject, s: SubSchema): void {
    const num = (key: string): number | undefined => (typeof m[key] === "number" ? (m[key] as number) : undefined);
    if ("multipleOf" in m) {
      const v = num("multipleOf");
      if (v === undefined) throw invalidType("number", "multipleOf");
      if (v <= 0) throw new SchemaError("multipleOf must be strictly greater than 0");
      s.multipleOf = v;
    }
    for (const [key, exclusive] of [
      ["minimum", "exclusiveMinimum"],
      ["maximum", "exclusiveMaximum"],
    ] as const) {
      if (key in m) {
        if (num(key) === undefined) throw mustBeOfA(key, "number");
        s[key] = num(key);
      }
      if (!(exclusive in m)) continue;
      const value = m[exclusive];
      if (typeof value === "boolean" && this.draft !== 6 && this.draft !== 7) {
        if (s[key] === undefined) throw new SchemaError(`${exclusive} cannot be used without ${key}`);
        if (value) [s[exclusive], s[key]] = [s[key], undefined];
      } else if (typeof value === "number" && this.draft !== 4) {
        s[exclusive] = value;
      } else {
        throw invalidType(
          this.draft === 4 ? "boolean" : this.draft === HYBRID ? "boolean/number" : "number",
          exclusive,
        );
      }
    }
  }

  private parseStringKeywords(m: JsonObject, s: SubSchema, str: (key: string) => string | undefined): void {
    this.limit(m, "minLength", (v) => (s.minLength = v));
    this.limit(m, "maxLength", (v) => (s.maxLength = v));
    if (s.minLength !== undefined && s.maxLength !== undefined && s.minLength > s.maxLength) {
      throw new SchemaError("minLength cannot be greater than maxLength");
    }
    const pattern = str("pattern");
    if (pattern !== undefined) {
      try {
        s.pattern = { source: pattern, re: compileRe2(pattern) };
      } catch {
        throw new SchemaError("pattern must be a valid regex");
      }
    }
    s.format = str("format");
  }

  /** A non-negative integer keyword. */
  private limit(m: JsonObject, key: string, set: (v: number) => void): void {
    if (!(key in m)) return;
    const v = m[key];
    if (typeof v !== "number" || !Number.isInteger(v)) throw mustBeOfAn(key, "integer");
    if (v < 0) throw new SchemaError(`${key} must be greater than or equal to 0`);
    set(v);
  }

  private parseObjectLimits(m: JsonObject, s: SubSchema): void {
    this.limit(m, "minProperties", (v) => (s.minProperties = v));
    this.limit(m, "maxProperties", (v) => (s.maxProperties = v));
    if (s.minProperties !== undefined && s.maxProperties !== undefined && s.minProperties > s.maxProperties) {
      throw new SchemaError("minProperties cannot be greater than maxProperties");
    }
    for (const r of this.slice(m, "required")) {
      if (typeof r !== "string") throw invalidType("string", "required");
      if (s.required.includes(r)) throw new SchemaError("required items must be unique");
      s.required.push(r);
    }
    this.limit(m, "minItems", (v) => (s.minItems = v));
    this.limit(m, "maxItems", (v) => (s.maxItems = v));
    if ("uniqueItems" in m) {
      if (typeof m.uniqueItems !== "boolean") throw mustBeOfA("uniqueItems", "boolean");
      s.uniqueItems = m.uniqueItems;
    }
  }

  private slice(m: JsonObject, key: string): Json[] {
    if (!(key in m)) return [];
    const v = m[key];
    if (!Array.isArray(v)) throw mustBeOfAn(key, "array");
    return v;
  }

  private parseCombinators(m: JsonObject, s: SubSchema, base: string): void {
    if ("contains" in m && this.draft >= 6) s.contains = this.compile(m.contains, "contains", base);
    if ("const" in m && this.draft >= 6) s.constValue = canonicalJson(m.const);
    if ("enum" in m) {
      s.enumValues = [];
      for (const v of this.slice(m, "enum")) {
        const text = canonicalJson(v);
        if (s.enumValues.includes(text)) throw new SchemaError("enum items must be unique");
        s.enumValues.push(text);
      }
    }
    for (const key of ["oneOf", "anyOf", "allOf"] as const) {
      for (const v of this.slice(m, key)) s[key].push(this.compile(v, key, base));
    }
    const schemaKeyword = (key: string): SubSchema | undefined => {
      if (!(key in m)) return undefined;
      if (typeof m[key] !== "boolean" && !isObject(m[key])) throw mustBeOfAn(key, "object");
      return this.compile(m[key], key, base);
    };
    s.not = schemaKeyword("not");
    if (this.draft >= 7) {
      s.ifSchema = schemaKeyword("if");
      s.thenSchema = schemaKeyword("then");
      s.elseSchema = schemaKeyword("else");
    }
  }
}

const DRAFTS: Record<string, number> = {
  "json-schema.org/draft-04/schema": 4,
  "json-schema.org/draft-06/schema": 6,
  "json-schema.org/draft-07/schema": 7,
};

/** The draft a document declares with `$schema`; without a known one, gojsonschema's hybrid mode. */
function draftOf(doc: Json): number {
  if (!isObject(doc) || !("$schema" in doc)) return HYBRID;
  const declared = doc.$schema;
  if (typeof declared !== "string") throw new SchemaError("$schema must be of type string");
  const url = declared.replace(/^https?:\/\//, "").replace(/#$/, "");
  return DRAFTS[url] ?? HYBRID;
}

/** Compiles a schema document; failures throw `SchemaError` with gojsonschema's message. */
export function compileSchema(doc: Json): SubSchema {
  if (typeof doc !== "boolean" && !isObject(doc)) throw new SchemaError("schema is invalid");
  return new Compiler(doc, draftOf(doc)).compile(doc, "(root)", "");
}
