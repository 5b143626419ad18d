/**
 * Checks on an input's raw bytes that the policy's JSON parser does not make: text that is not UTF-8, and an object
 * with the same key twice (parsers disagree on which copy wins, so the gate cannot tell what Terraform meant).
 * Works on the Buffer without making a string of it, so plans past V8's string limit can be checked. Returns the
 * problem with the JSON path where it sits, or null; `readInput` turns it into an InputError (exit 2).
 */
import { isUtf8 } from "buffer";

export interface IntegrityProblem {
  /** JSON path of the place, `$.resource_changes[0].change.after` style. */
  path: string;
  message: string;
}

export function checkIntegrity(bytes: Buffer): IntegrityProblem | null {
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    const { line, column } = lineAndColumn(bytes, offset);
    return { path: jsonPathAt(bytes, offset), message: `invalid UTF-8 (byte 0x${bytes[offset].toString(16).padStart(2, "0")} at line ${line}, column ${column}); Terraform writes UTF-8` };
  }
  const duplicate = firstDuplicateKey(bytes);
  if (duplicate === null) return null;
  const { line } = lineAndColumn(bytes, duplicate.offset);
  return {
    path: memberPath(jsonPathAt(bytes, duplicate.objectStart + 1), duplicate.key),
    message: `the key ${JSON.stringify(duplicate.key)} appears twice in one object (again at line ${line}); JSON readers keep different copies, so the gate cannot tell which one Terraform meant`,
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Keys of the objects open at each depth: hashes and spans, reused across objects of that depth. */
interface OpenObject {
  start: number;
  hashes: number[];
  starts: number[];
  ends: number[];
  /** Past a few dozen keys, hash → index of its first key, so wide objects stay linear. */
  index: Map<number, number[]> | null;
}

const WIDE = 32;

/**
 * The first key that repeats within its object: where its second copy starts, where the object starts, the key.
 * Keys are compared by their decoded text (`"a"` and `"\u0061"` are the same key).
 */
export function firstDuplicateKey(bytes: Uint8Array): { offset: number; objectStart: number; key: string } | null {
  const n = bytes.length;
  // Per nesting level: the object open there, or null for an array.
  const open: Array<OpenObject | null> = [];
  const pool: OpenObject[] = [];
  let depth = 0;
  let expectKey = false;
  let i = 0;
  while (i < n) {
    const c = bytes[i];
    if (c === QUOTE && !expectKey) {
      i++;
      while (i < n && bytes[i] !== QUOTE) i += bytes[i] === BACKSLASH ? 2 : 1;
      i++;
      continue;
    }
    if (c === QUOTE) {
      const start = i;
      let hash = 0x811c9dc5;
      let escaped = false;
      i++;
      while (i < n) {
        const d = bytes[i];
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          escaped = true;
          i += 2;
          continue;
        }
        hash = Math.imul(hash ^ d, 0x01000193);
        i++;
      }
      i++;
      const obj = open[depth - 1]!;
      if (escaped) hash = hashText(decodeKey(bytes, start, i));
      if (findKey(bytes, obj, hash, start, i)) return { offset: start, objectStart: obj.start, key: decodeKey(bytes, start, i) };
      addKey(obj, hash, start, i);
      expectKey = false;
      continue;
    }
    if (c === 0x7b) {
      const obj = pool[depth] ?? (pool[depth] = { start: 0, hashes: [], starts: [], ends: [], index: null });
      obj.start = i;
      obj.hashes.length = obj.starts.length = obj.ends.length = 0;
      obj.index = null;
      open[depth++] = obj;
      expectKey = true;
    } else if (c === 0x5b) {
      open[depth++] = null;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = depth > 0 && open[depth - 1] !== null;
    }
    i++;
  }
  return null;
}

function findKey(bytes: Uint8Array, obj: OpenObject, hash: number, start: number, end: number): boolean {
  if (obj.index !== null) return (obj.index.get(hash) ?? []).some((k) => sameKey(bytes, obj.starts[k], obj.ends[k], start, end));
  for (let k = 0; k < obj.hashes.length; k++) if (obj.hashes[k] === hash && sameKey(bytes, obj.starts[k], obj.ends[k], start, end)) return true;
  return false;
}

function addKey(obj: OpenObject, hash: number, start: number, end: number): void {
  const k = obj.hashes.length;
  obj.hashes.push(hash);
  obj.starts.push(start);
  obj.ends.push(end);
  if (obj.index !== null) {
    const list = obj.index.get(hash);
    if (list) list.push(k);
    else obj.index.set(hash, [k]);
  } else if (k + 1 === WIDE) {
    obj.index = new Map();
    obj.hashes.forEach((h, j) => {
      const list = obj.index!.get(h);
      if (list) list.push(j);
      else obj.index!.set(h, [j]);
    });
  }
}

function sameKey(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart === bEnd - bStart) {
    let k = 0;
    while (k < aEnd - aStart && bytes[aStart + k] === bytes[bStart + k]) k++;
    if (k === aEnd - aStart) return true;
  }
  return decodeKey(bytes, aStart, aEnd) === decodeKey(bytes, bStart, bEnd);
}

/** The text of the JSON string at [start, end) (quotes included). */
function decodeKey(bytes: Uint8Array, start: number, end: number): string {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("utf8");
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw;
  }
}

/** The same FNV-1a hash the scanner computes over a key's raw bytes, over the UTF-8 of decoded text. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (const b of Buffer.from(text, "utf8")) hash = Math.imul(hash ^ b, 0x01000193);
  return hash;
}

/** The offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    let code = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += length;
  }
  return n;
}

/** 1-based line and column (in bytes) of an offset. */
export function lineAndColumn(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The JSON path of the innermost value (or object key) containing `offset`, as the policy writes paths:
 * `$.a.b[2]["odd key"]`. Slower than the scanners above; run only to describe a problem already found.
 */
export function jsonPathAt(bytes: Uint8Array, offset: number): string {
  // Each open container: an array's index, or an object's current key (null before the first).
  const stack: Array<{ array: true; index: number } | { array: false; key: string | null }> = [];
  let expectKey = false;
  let i = 0;
  while (i < offset && i < bytes.length) {
    const c = bytes[i];
    if (c === QUOTE) {
      const start = i;
      i++;
      while (i < bytes.length && bytes[i] !== QUOTE) i += bytes[i] === BACKSLASH ? 2 : 1;
      i++;
      const top = stack[stack.length - 1];
      if (expectKey && top && !top.array && i <= offset) {
        top.key = decodeKey(bytes, start, i);
        expectKey = false;
      }
      continue;
    }
    if (c === 0x7b) {
      stack.push({ array: false, key: null });
      expectKey = true;
    } else if (c === 0x5b) stack.push({ array: true, index: 0 });
    else if (c === 0x7d || c === 0x5d) stack.pop();
    else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else if (top) {
        top.key = null;
        expectKey = true;
      }
    }
    i++;
  }
  let path = "$";
  for (const level of stack) {
    if (level.array) path += `[${level.index}]`;
    else if (level.key !== null) path = memberPath(path, level.key);
  }
  return path;
}

/** `$.a` + `b` → `$.a.b`; keys that are not identifiers in brackets, `$.a["groundtruth:job-types"]`. */
function memberPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
