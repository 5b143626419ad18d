/**
 * Encodings as Go's standard library implements them, so host builtins accept and reject what OPA does and
 * word errors alike: base64 (with `illegal base64 data at input byte N`), PEM blocks, `json.Marshal` of JSON
 * values (sorted keys, HTML-safe escapes) and results carrying integers beyond 2^53 exactly.
 */
import { BuiltinError } from "./errors";

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function decodeMap(alphabet: string): Int16Array {
  const map = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) map[alphabet.charCodeAt(i)] = i;
  return map;
}
const STD_MAP = decodeMap(STD);
const URL_MAP = decodeMap(URL);

export class Base64Error extends BuiltinError {
  constructor(readonly offset: number) {
    super("eval_builtin_error", `illegal base64 data at input byte ${offset}`);
  }
}

/**
 * Go's `base64.StdEncoding` / `URLEncoding` (padded, not strict: CR and LF are skipped, trailing bits
 * ignored) or their `Raw` forms. Go works on bytes, so the input is taken as UTF-8.
 */
export function goBase64Decode(text: string | Uint8Array, url = false, padded = true): Buffer {
  const src = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const map = url ? URL_MAP : STD_MAP;
  const out: number[] = [];
  let si = 0;
  const isNewline = (b: number): boolean => b === 0x0a || b === 0x0d;
  while (si < src.length) {
    const quantum = [0, 0, 0, 0];
    let len = 4;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        if (j === 1 || padded) throw new Base64Error(si - j);
        len = j;
        break;
      }
      const c = src[si++];
      const v = map[c];
      if (v >= 0) {
        quantum[j] = v;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (!padded || c !== 0x3d) throw new Base64Error(si - 1);
      // Padding: only after two or three symbols, "==" after two, then nothing but newlines.
      if (j < 2) throw new Base64Error(si - 1);
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) throw new Base64Error(src.length);
        if (src[si] !== 0x3d) throw new Base64Error(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) throw new Base64Error(si);
      len = j;
      break;
    }
    const value = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3];
    const bytes = [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
    out.push(...bytes.slice(0, len - 1));
    if (len < 4) break;
  }
  return Buffer.from(out);
}

/** OPA's `base64url.decode`: restores missing padding (RFC 7515 appendix C), then Go's padded URL decoding. */
export function opaBase64UrlDecode(s: string): Buffer {
  let padded = s;
  if (!s.endsWith("=")) {
    const rem = Buffer.byteLength(s, "utf8") % 4;
    if (rem === 1) throw new BuiltinError("eval_builtin_error", `illegal base64url string: ${s}`);
    padded += rem === 2 ? "==" : rem === 3 ? "=" : "";
  }
  return goBase64Decode(padded, true, true);
}

export function base64RawUrl(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64url");
}

export interface PemBlock {
  type: string;
  headers: Record<string, string>;
  bytes: Buffer;
}

/** One line and the rest, as Go's pem package splits them (trailing spaces, tabs and CR dropped). */
function getLine(data: string): [string, string] {
  const i = data.indexOf("\n");
  const line = i < 0 ? data : data.slice(0, i);
  const rest = i < 0 ? "" : data.slice(i + 1);
  return [line.replace(/[ \t\r]+$/, ""), rest];
}

/**
 * Go's `pem.Decode`: the first valid PEM block and the text after it, or no block and the input. Text
 * before the block is skipped; a malformed block makes the decoder look for the next one.
 */
export function pemDecode(data: string): { block?: PemBlock; rest: string } {
  let rest = data;
  for (;;) {
    const begin = rest.startsWith("-----BEGIN ") ? 0 : rest.indexOf("\n-----BEGIN ");
    if (begin < 0) return { rest: data };
    rest = rest.slice(begin === 0 ? 11 : begin + 12);
    const [typeLine, afterType] = getLine(rest);
    if (!typeLine.endsWith("-----")) continue;
    const type = typeLine.slice(0, -5);
    const headers: Record<string, string> = {};
    let body = afterType;
    for (;;) {
      if (body.length === 0) return { rest: data };
      const [line, next] = getLine(body);
      const colon = line.indexOf(":");
      if (colon < 0) break;
      headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      body = next;
    }
    const endMarker = `-----END ${type}-----`;
    let endIndex: number;
    let endTrailer: string;
    if (Object.keys(headers).length === 0 && body.startsWith(endMarker.slice(0, 9))) {
      endIndex = 0;
      endTrailer = body.slice(9);
    } else {
      endIndex = body.indexOf("\n-----END ");
      endTrailer = endIndex < 0 ? "" : body.slice(endIndex + 10);
    }
    if (endIndex < 0 || !endTrailer.startsWith(`${type}-----`)) continue;
    const [endLineRest, afterEnd] = getLine(endTrailer.slice(type.length + 5));
    if (endLineRest.length !== 0) continue;
    try {
      const base64 = body.slice(0, endIndex).replace(/[ \t]/g, "");
      return { block: { type, headers, bytes: goBase64Decode(base64) }, rest: afterEnd };
    } catch (e) {
      if (!(e instanceof Base64Error)) throw e;
    }
  }
}

/** Go's `pem.Encode` of one block, headers aside. */
export function pemEncode(type: string, bytes: Uint8Array): string {
  const lines = Buffer.from(bytes).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join("\n")}${lines.length ? "\n" : ""}-----END ${type}-----\n`;
}

/** A JSON value a host builtin builds; `bigint` stands for an integer written exactly. */
export type ExactJson = null | boolean | number | bigint | string | ExactJson[] | { [key: string]: ExactJson };

function hasBigInt(v: unknown): boolean {
  if (typeof v === "bigint") return true;
  if (Array.isArray(v)) return v.some(hasBigInt);
  if (v !== null && typeof v === "object") return Object.values(v).some(hasBigInt);
  return false;
}

/** JSON text of a value, bigints written out as integers. */
function exactJsonText(v: ExactJson): string {
  if (typeof v === "bigint") return v.toString();
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(exactJsonText).join(",")}]`;
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${exactJsonText(x)}`).join(",")}}`;
}

/**
 * A result the SDK can take: plain values as they are, and values holding big integers as JSON text in an
 * ArrayBuffer (the SDK loads that as-is), since `JSON.stringify` would round them to the nearest double.
 */
export function sdkResult(v: ExactJson): unknown {
  if (!hasBigInt(v)) return v;
  const bytes = Buffer.from(exactJsonText(v), "utf8");
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/** Go's `json.Marshal` escaping: `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Go byte order of UTF-8 strings, as `json.Marshal` sorts map keys. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Go's `json.Marshal` of a JSON value as OPA hands it over (`ast.JSON`: objects become maps, sets arrays). */
export function goJsonMarshal(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "string") return goQuote(v);
  if (Array.isArray(v)) return `[${v.map(goJsonMarshal).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareUtf8(a, b));
  return `{${entries.map(([k, x]) => `${goQuote(k)}:${goJsonMarshal(x)}`).join(",")}}`;
}
