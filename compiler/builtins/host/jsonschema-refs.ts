/**
 * `$ref` resolution for JSON Schema documents as gojsonschema resolves within one document: URIs resolved
 * against the enclosing `$id`s, then JSON pointers into the identified (sub)document. Other documents are
 * never fetched, since evaluation has no network; a reference to one is a schema error.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A schema gojsonschema would not compile, with its message. */
export class SchemaError extends Error {}

function isObject(v: Json | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}

/** Resolves `ref` against `base`, both possibly relative, as URI references. */
export function resolveUri(base: string, ref: string): string {
  try {
    return new URL(ref, base).href;
  } catch {
    if (ref.startsWith("#")) return base.replace(/#.*$/, "") + ref;
    return ref;
  }
}

export const withoutFragment = (uri: string): string => uri.replace(/#.*$/, "");

/** The documents of one schema by URI (fragment stripped): the root, and every subschema with an id. */
export class SchemaDocuments {
  private readonly documents = new Map<string, Json>();

  constructor(
    root: Json,
    /** Which key holds a subschema's id: `id` in draft 4, `$id` later. */
    private readonly idKey: (node: JsonObject) => string,
  ) {
    this.documents.set("", root);
    this.register(root, "");
  }

  private register(node: Json, base: string): void {
    if (Array.isArray(node)) {
      node.forEach((n) => this.register(n, base));
      return;
    }
    if (!isObject(node)) return;
    const id = node[this.idKey(node)];
    if (typeof id === "string") {
      base = resolveUri(base, id);
      this.documents.set(withoutFragment(base), node);
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== "enum" && key !== "const") this.register(child, base);
    }
  }

  resolve(ref: string, base: string): Json {
    const target = resolveUri(base, ref);
    const doc = this.documents.get(withoutFragment(target));
    if (doc === undefined) throw new SchemaError(`Reference ${ref} must be canonical`);
    const hash = target.indexOf("#");
    const pointer = hash < 0 ? "" : decodeURIComponent(target.slice(hash + 1));
    let node: Json | undefined = doc;
    for (const token of pointer.split("/").slice(1)) {
      const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
      node = Array.isArray(node) ? node[Number(key)] : isObject(node) ? node[key] : undefined;
      if (node === undefined) throw new SchemaError(`Object has no key '${key}'`);
    }
    if (typeof node !== "boolean" && !isObject(node)) throw new SchemaError("schema must be of type object");
    return node;
  }
}
