/**
 * A DER reader in the manner of Go's `cryptobyte.String`: each read consumes one element and reports
 * failure instead of throwing, so the x509 parsers can raise Go's own error for the structure at hand.
 */
import type { ExactJson } from "./go-encoding";

export const TAG = {
  BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, ENUM: 0x0a,
  UTF8: 0x0c, SEQUENCE: 0x30, SET: 0x31, NUMERIC: 0x12, PRINTABLE: 0x13, T61: 0x14, IA5: 0x16, UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18, BMP: 0x1e,
} as const;

/** Context-specific tag `[n]`, primitive or constructed. */
export const ctx = (n: number, constructed = false): number => 0x80 | (constructed ? 0x20 : 0) | n;

export interface Element {
  tag: number;
  /** Tag, length and content. */
  full: Buffer;
  content: Buffer;
}

export class Der {
  private pos = 0;
  constructor(readonly bytes: Buffer) {}

  empty(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** What remains unread. */
  rest(): Buffer {
    return this.bytes.subarray(this.pos);
  }

  peekTag(): number | undefined {
    return this.empty() ? undefined : this.bytes[this.pos];
  }

  /** The next element, if well-formed DER (single-byte tag, minimal definite length) and of `tag` when given. */
  element(tag?: number): Element | undefined {
    const b = this.bytes;
    const start = this.pos;
    if (start + 2 > b.length) return undefined;
    const t = b[start];
    if ((t & 0x1f) === 0x1f || (tag !== undefined && t !== tag)) return undefined;
    let len = b[start + 1];
    let header = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || start + 2 + n > b.length || b[start + 2] === 0) return undefined;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[start + 2 + i];
      if (len < 128) return undefined;
      header += n;
    }
    if (start + header + len > b.length) return undefined;
    this.pos = start + header + len;
    return { tag: t, full: b.subarray(start, this.pos), content: b.subarray(start + header, this.pos) };
  }

  /** The content of the next element of `tag` as a reader. */
  read(tag: number): Der | undefined {
    const e = this.element(tag);
    return e && new Der(e.content);
  }

  /** The next element when it has `tag`; `null` when absent, `undefined` when malformed. */
  optional(tag: number): Der | null | undefined {
    return this.peekTag() === tag ? this.read(tag) : null;
  }

  integer(tag: number = TAG.INTEGER): bigint | undefined {
    const e = this.element(tag);
    if (!e || e.content.length === 0) return undefined;
    const c = e.content;
    if (c.length > 1 && ((c[0] === 0 && !(c[1] & 0x80)) || (c[0] === 0xff && c[1] & 0x80))) return undefined;
    let v = BigInt(`0x${c.toString("hex")}`);
    if (c[0] & 0x80) v -= 1n << BigInt(c.length * 8);
    return v;
  }

  boolean(): boolean | undefined {
    const e = this.element(TAG.BOOLEAN);
    if (!e || e.content.length !== 1 || (e.content[0] !== 0 && e.content[0] !== 0xff)) return undefined;
    return e.content[0] === 0xff;
  }

  oid(): number[] | undefined {
    const e = this.element(TAG.OID);
    return e && decodeOid(e.content);
  }

  /** A BIT STRING's bytes, its unused trailing bits cleared off (`RightAlign` for whole bytes). */
  bitString(): { bytes: Buffer; unusedBits: number } | undefined {
    const e = this.element(TAG.BIT_STRING);
    if (!e || e.content.length === 0) return undefined;
    const unusedBits = e.content[0];
    if (unusedBits > 7 || (e.content.length === 1 && unusedBits !== 0)) return undefined;
    const bytes = e.content.subarray(1);
    if (unusedBits > 0 && bytes[bytes.length - 1] & ((1 << unusedBits) - 1)) return undefined;
    return { bytes, unusedBits };
  }
}

export function decodeOid(bytes: Buffer): number[] | undefined {
  if (bytes.length === 0) return undefined;
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (v === 0 && bytes[i] === 0x80) return undefined;
    v = v * 128 + (bytes[i] & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER) return undefined;
    if (!(bytes[i] & 0x80)) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    } else if (i === bytes.length - 1) {
      return undefined;
    }
  }
  return arcs;
}

export const oidString = (oid: readonly number[]): string => oid.join(".");

/** UTCTime (years 1950–2049) or GeneralizedTime, to an RFC 3339 string in UTC as Go's JSON writes `time.Time`. */
export function derTime(e: Element): string | undefined {
  const s = e.content.toString("latin1");
  const m = e.tag === TAG.UTC_TIME
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/.exec(s)
    : e.tag === TAG.GENERALIZED_TIME ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{4})$/.exec(s) : null;
  if (!m) return undefined;
  let year = Number(m[1]);
  if (e.tag === TAG.UTC_TIME) year += year >= 50 ? 1900 : 2000;
  let ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? "0"));
  if (m[7] !== "Z") {
    const sign = m[7][0] === "-" ? -1 : 1;
    ms -= sign * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(3, 5))) * 60000;
  }
  const iso = new Date(ms).toISOString();
  return year < 1000 ? undefined : iso.replace(/\.000Z$/, "Z");
}

/** A value `encoding/asn1` decodes into `any`: booleans, integers, strings, OIDs, bytes (base64 in JSON). */
export function asn1Value(e: Element): ExactJson {
  switch (e.tag) {
    case TAG.BOOLEAN: return e.content[0] !== 0;
    case TAG.INTEGER: return new Der(e.full).integer() ?? null;
    case TAG.OID: return decodeOid(e.content) ?? null;
    case TAG.UTF8: case TAG.PRINTABLE: case TAG.IA5: case TAG.NUMERIC: return e.content.toString("utf8");
    case TAG.T61: return e.content.toString("latin1");
    case TAG.UTC_TIME: case TAG.GENERALIZED_TIME: return derTime(e) ?? null;
    case TAG.BIT_STRING: return { Bytes: e.content.subarray(1).toString("base64"), BitLength: (e.content.length - 1) * 8 - (e.content[0] ?? 0) };
    default: return e.content.toString("base64");
  }
}
