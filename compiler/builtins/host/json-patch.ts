/**
 * `json.patch`: RFC 6902 patches (add, remove, replace, move, copy, test) applied as OPA applies them: paths are
 * JSON pointers with or without the leading `/`, or arrays of segments; array indexes reject leading zeros; a
 * failing operation makes the result undefined rather than an error. Documents are JSON here: a set reaches the
 * host as an array, so set members cannot be addressed by value.
 */
import { typeError, type HostFamily } from "./errors";

type Value = unknown;
type Segment = unknown;

/** Signals a patch that cannot be applied: OPA's json.patch is then undefined, never an error. */
class PatchFailure extends Error {}

function isObject(v: Value): v is Record<string, Value> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** OPA's `parsePath`: `""` is the root; strings split on `/` (a leading one optional), arrays are segments. */
function parsePath(path: Value): Segment[] {
  if (typeof path === "string") {
    if (path === "") return [];
    return path
      .replace(/^\/+/, "")
      .split("/")
      .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
  }
  if (Array.isArray(path)) return path;
  throw new PatchFailure("path must be a string or an array");
}

/** The edit tree's `toIndex`: `-` is the end, other strings are integers without leading zeros. */
function toIndex(length: number, segment: Segment): number {
  if (typeof segment === "number") {
    if (!Number.isInteger(segment)) throw new PatchFailure("invalid number type for indexing");
    return segment;
  }
  if (typeof segment === "string") {
    if (segment === "-") return length;
    if (!/^[+-]?\d+$/.test(segment)) throw new PatchFailure("invalid string for indexing");
    if (segment !== "0" && segment.startsWith("0")) throw new PatchFailure("leading zeros are not allowed");
    return Number(segment);
  }
  throw new PatchFailure("invalid type for indexing");
}

/** Object keys reach the host as strings, whatever their Rego type; a numeric segment names the same key. */
function objectKey(segment: Segment): string | undefined {
  if (typeof segment === "string") return segment;
  if (typeof segment === "number") return String(segment);
  return undefined;
}

function child(doc: Value, segment: Segment): Value {
  if (isObject(doc)) {
    const key = objectKey(segment);
    if (key === undefined || !Object.prototype.hasOwnProperty.call(doc, key)) throw new PatchFailure("no such key");
    return doc[key];
  }
  if (Array.isArray(doc)) {
    const index = toIndex(doc.length, segment);
    if (index < 0 || index >= doc.length) throw new PatchFailure("no such index");
    return doc[index];
  }
  throw new PatchFailure("expected a composite value");
}

/** A copy of `doc` with the value at `path` replaced by `update(old)`. */
function edit(doc: Value, path: Segment[], update: (parent: Value, last: Segment) => Value): Value {
  if (path.length === 1) return update(doc, path[0]);
  const [head, ...rest] = path;
  const inner = edit(child(doc, head), rest, update);
  if (Array.isArray(doc)) {
    const copy = [...doc];
    copy[toIndex(doc.length, head)] = inner;
    return copy;
  }
  return { ...(doc as Record<string, Value>), [objectKey(head) as string]: inner };
}

function insert(doc: Value, path: Segment[], value: Value): Value {
  if (path.length === 0) return value;
  return edit(doc, path, (parent, last) => {
    if (isObject(parent)) {
      const key = objectKey(last);
      if (key === undefined) throw new PatchFailure("invalid object key");
      return { ...parent, [key]: value };
    }
    if (Array.isArray(parent)) {
      const index = toIndex(parent.length, last);
      if (index < 0 || index > parent.length) throw new PatchFailure("index for array insertion out of bounds");
      return [...parent.slice(0, index), value, ...parent.slice(index)];
    }
    throw new PatchFailure("expected a composite value");
  });
}

function remove(doc: Value, path: Segment[]): Value {
  if (path.length === 0) throw new PatchFailure("cannot remove the whole document");
  return edit(doc, path, (parent, last) => {
    if (isObject(parent)) {
      const key = objectKey(last);
      if (key === undefined || !Object.prototype.hasOwnProperty.call(parent, key)) {
        throw new PatchFailure("cannot delete a key that does not exist");
      }
      const rest = { ...parent };
      delete rest[key];
      return rest;
    }
    if (Array.isArray(parent)) {
      const index = toIndex(parent.length, last);
      if (index < 0 || index >= parent.length) throw new PatchFailure("index for array delete out of bounds");
      return [...parent.slice(0, index), ...parent.slice(index + 1)];
    }
    throw new PatchFailure("expected a composite value");
  });
}

function render(doc: Value, path: Segment[]): Value {
  return path.reduce(child, doc);
}

/** Rego equality of JSON values: numbers by value, objects regardless of key order. */
export function jsonEqual(a: Value, b: Value): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return a === b;
}

function attribute(op: Record<string, Value>, name: string): Value {
  if (!Object.prototype.hasOwnProperty.call(op, name)) throw new PatchFailure(`missing '${name}' attribute`);
  return op[name];
}

function applyOperation(doc: Value, op: Value): Value {
  if (!isObject(op)) throw new PatchFailure("at least one element is not an object");
  const kind = attribute(op, "op");
  if (typeof kind !== "string") throw new PatchFailure("attribute 'op' must be a string");
  if (!["add", "remove", "replace", "move", "copy", "test"].includes(kind)) {
    throw new PatchFailure(`unrecognized op '${kind}'`);
  }
  const path = parsePath(attribute(op, "path"));
  switch (kind) {
    case "add":
      return insert(doc, path, attribute(op, "value"));
    case "remove":
      return remove(doc, path);
    case "replace": {
      const value = attribute(op, "value");
      return path.length === 0 ? value : insert(remove(doc, path), path, value);
    }
    case "move": {
      const from = parsePath(attribute(op, "from"));
      const moved = render(doc, from);
      // Moving the root removes it, after which only the root itself can be written.
      if (from.length === 0) {
        if (path.length > 0) throw new PatchFailure("the document was removed");
        return moved;
      }
      return insert(remove(doc, from), path, moved);
    }
    case "copy": {
      const from = parsePath(attribute(op, "from"));
      return insert(doc, path, render(doc, from));
    }
    default: {
      const value = attribute(op, "value");
      if (!jsonEqual(render(doc, path), value)) throw new PatchFailure("test failed");
      return doc;
    }
  }
}

function jsonPatch(doc: unknown, patches: unknown): unknown {
  if (!Array.isArray(patches)) throw typeError(2, "array", patches);
  try {
    return patches.reduce(applyOperation, doc);
  } catch (e) {
    if (e instanceof PatchFailure) return undefined;
    throw e;
  }
}

export const builtins: HostFamily = {
  "json.patch": jsonPatch,
};
