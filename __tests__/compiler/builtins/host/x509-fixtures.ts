/**
 * Certificates and certificate requests built in the tests: a small DER writer and Node's signing, so the
 * x509 builtins meet inputs whose every field the test chose (no fixtures on disk).
 */
import * as crypto from "crypto";

const length = (n: number): Buffer => {
  if (n < 128) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};

export const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
export const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
const set = (...c: Buffer[]): Buffer => tlv(0x31, ...c);

export function integer(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, "hex");
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      groups.unshift((v % 128) | (groups.length ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bits = (b: Buffer): Buffer => tlv(0x03, Buffer.from([0]), b);
const utcTime = (d: Date): Buffer => tlv(0x17, Buffer.from(d.toISOString().replace(/^\d\d|[-:T]|\.\d+/g, "")));

const ATTRIBUTES: Record<string, string> = { C: "2.5.4.6", O: "2.5.4.10", OU: "2.5.4.11", CN: "2.5.4.3" };

export function name(parts: Array<[keyof typeof ATTRIBUTES, string]>): Buffer {
  return seq(...parts.map(([k, v]) => set(seq(oid(ATTRIBUTES[k]), utf8(v)))));
}

export interface SubjectAltNames {
  dns?: string[];
  ips?: Buffer[];
  uris?: string[];
  emails?: string[];
}

export function sanExtension(san: SubjectAltNames): Buffer {
  const names = [
    ...(san.emails ?? []).map((e) => tlv(0x81, Buffer.from(e))),
    ...(san.dns ?? []).map((d) => tlv(0x82, Buffer.from(d))),
    ...(san.uris ?? []).map((u) => tlv(0x86, Buffer.from(u))),
    ...(san.ips ?? []).map((ip) => tlv(0x87, ip)),
  ];
  return extension("2.5.29.17", false, seq(...names));
}

export const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), octets(value));
/** Basic constraints: CA flag and optional path length. */
export const basicConstraints = (ca: boolean, pathLen?: number): Buffer =>
  extension("2.5.29.19", true, seq(...(ca ? [tlv(0x01, Buffer.from([0xff]))] : []), ...(pathLen === undefined ? [] : [integer(BigInt(pathLen))])));
/** Key usage bits as a DER BIT STRING (bit 0 = digitalSignature, 5 = keyCertSign). */
export const keyUsage = (usageBits: number[]): Buffer => {
  let v = 0;
  for (const b of usageBits) v |= 0x80 >> b;
  return extension("2.5.29.15", true, bits(Buffer.from([v])));
};
export const extKeyUsage = (oids: string[]): Buffer => extension("2.5.29.37", false, seq(...oids.map(oid)));

function signatureAlgorithm(signer: crypto.KeyObject): Buffer {
  return signer.asymmetricKeyType === "rsa" ? seq(oid("1.2.840.113549.1.1.11"), tlv(0x05)) : seq(oid("1.2.840.10045.4.3.2"));
}

export interface CertificateSpec {
  serial: bigint;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  publicKey: crypto.KeyObject;
  signer: crypto.KeyObject;
  extensions: Buffer[];
}

/** A DER X.509 v3 certificate signed with SHA-256. */
export function certificate(spec: CertificateSpec): Buffer {
  const alg = signatureAlgorithm(spec.signer);
  const tbs = seq(
    tlv(0xa0, integer(2n)), integer(spec.serial), alg, spec.issuer, seq(utcTime(spec.notBefore), utcTime(spec.notAfter)),
    spec.subject, spec.publicKey.export({ type: "spki", format: "der" }), tlv(0xa3, seq(...spec.extensions)),
  );
  return seq(tbs, alg, bits(crypto.sign("sha256", tbs, spec.signer)));
}

/** A DER PKCS #10 request asking for the given extensions. */
export function certificateRequest(subject: Buffer, key: crypto.KeyPairKeyObjectResult, extensions: Buffer[]): Buffer {
  const attributes = tlv(0xa0, seq(oid("1.2.840.113549.1.9.14"), set(seq(...extensions))));
  const info = seq(integer(0n), subject, key.publicKey.export({ type: "spki", format: "der" }), attributes);
  const alg = signatureAlgorithm(key.privateKey);
  return seq(info, alg, bits(crypto.sign("sha256", info, key.privateKey)));
}

export const pem = (type: string, der: Buffer): string =>
  `-----BEGIN ${type}-----\n${der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${type}-----\n`;
