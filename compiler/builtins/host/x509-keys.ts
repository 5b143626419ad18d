/**
 * Names and keys in the JSON Go's `encoding/json` makes of them: `pkix.Name`, public keys from a
 * SubjectPublicKeyInfo (`rsa`, `ecdsa`, `ed25519`, `dsa`), signature algorithm numbers, and private keys
 * from PEM blocks (`*rsa.PrivateKey` with its precomputed values, `*ecdsa.PrivateKey`, `ed25519`).
 */
import * as crypto from "crypto";
import { Der, TAG, asn1Value, oidString } from "./asn1";
import type { ExactJson } from "./go-encoding";

type Fail = (message: string) => Error;

export interface Name {
  json: Record<string, ExactJson>;
}

const NAME_FIELDS: Record<string, string> = {
  "2.5.4.6": "Country", "2.5.4.7": "Locality", "2.5.4.8": "Province", "2.5.4.9": "StreetAddress",
  "2.5.4.10": "Organization", "2.5.4.11": "OrganizationalUnit", "2.5.4.17": "PostalCode",
};

/** Go's `parseASN1String` for the string types a certificate name may use. */
function nameString(tag: number, value: Buffer, fail: Fail): string {
  const invalid = (what: string): Error => fail(`x509: invalid RDNSequence: invalid attribute value: invalid ${what}`);
  switch (tag) {
    case TAG.T61: return value.toString("latin1");
    case TAG.PRINTABLE:
      if (!/^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(value.toString("latin1"))) throw invalid("PrintableString");
      return value.toString("latin1");
    case TAG.UTF8: {
      const s = value.toString("utf8");
      if (!Buffer.from(s, "utf8").equals(value)) throw invalid("UTF-8 string");
      return s;
    }
    case TAG.BMP: {
      if (value.length % 2 !== 0) throw invalid("BMPString");
      const end = value.length >= 2 && value[value.length - 1] === 0 && value[value.length - 2] === 0 ? value.length - 2 : value.length;
      return Buffer.from(value.subarray(0, end)).swap16().toString("utf16le");
    }
    case TAG.IA5:
      if (value.some((b) => b > 0x7f)) throw invalid("IA5String");
      return value.toString("latin1");
    case TAG.NUMERIC:
      if (!/^[0-9 ]*$/.test(value.toString("latin1"))) throw invalid("NumericString");
      return value.toString("latin1");
  }
  throw fail(`x509: invalid RDNSequence: invalid attribute value: unsupported string type: ${tag}`);
}

/**
 * A Name (RDNSequence) as `pkix.Name` after `FillFromRDNSequence`. Certificates allow only string values;
 * requests (parsed with `encoding/asn1`) take any value, as `lenient` does.
 */
export function parseName(full: Buffer, fail: Fail, lenient = false): Name {
  const seq = new Der(full).read(TAG.SEQUENCE);
  if (!seq) throw fail("x509: invalid RDNSequence");
  const json: Record<string, ExactJson> = {
    Country: null, Organization: null, OrganizationalUnit: null, Locality: null, Province: null, StreetAddress: null,
    PostalCode: null, SerialNumber: "", CommonName: "", Names: null, ExtraNames: null,
  };
  const names: ExactJson[] = [];
  while (!seq.empty()) {
    const set = seq.read(TAG.SET);
    if (!set) throw fail("x509: invalid RDNSequence");
    while (!set.empty()) {
      const atv = set.read(TAG.SEQUENCE);
      if (!atv) throw fail("x509: invalid RDNSequence: invalid attribute");
      const type = atv.oid();
      if (!type) throw fail("x509: invalid RDNSequence: invalid attribute type");
      const raw = atv.element();
      if (!raw) throw fail("x509: invalid RDNSequence: invalid attribute value");
      const value = lenient && !(raw.tag in STRING_TAGS) ? asn1Value(raw) : nameString(raw.tag, raw.content, fail);
      names.push({ Type: type, Value: value });
      if (typeof value !== "string") continue;
      const id = oidString(type);
      if (id === "2.5.4.3") json.CommonName = value;
      else if (id === "2.5.4.5") json.SerialNumber = value;
      else if (id in NAME_FIELDS) {
        const field = NAME_FIELDS[id];
        json[field] = [...((json[field] as string[] | null) ?? []), value];
      }
    }
  }
  if (names.length > 0) json.Names = names;
  return { json };
}

const STRING_TAGS: Record<number, true> = { [TAG.T61]: true, [TAG.PRINTABLE]: true, [TAG.UTF8]: true, [TAG.BMP]: true, [TAG.IA5]: true, [TAG.NUMERIC]: true };

const SIGNATURE_ALGORITHMS: Record<string, number> = {
  "1.2.840.113549.1.1.2": 1, "1.2.840.113549.1.1.4": 2, "1.2.840.113549.1.1.5": 3, "1.3.14.3.2.29": 3,
  "1.2.840.113549.1.1.11": 4, "1.2.840.113549.1.1.12": 5, "1.2.840.113549.1.1.13": 6, "1.2.840.10040.4.3": 7,
  "2.16.840.1.101.3.4.3.2": 8, "1.2.840.10045.4.1": 9, "1.2.840.10045.4.3.2": 10, "1.2.840.10045.4.3.3": 11,
  "1.2.840.10045.4.3.4": 12, "1.3.101.112": 16,
};
const PSS_HASHES: Record<string, number> = { "2.16.840.1.101.3.4.2.1": 13, "2.16.840.1.101.3.4.2.2": 14, "2.16.840.1.101.3.4.2.3": 15 };

/** Go's `x509.SignatureAlgorithm` for an AlgorithmIdentifier's content; RSASSA-PSS by its hash. */
export function signatureAlgorithm(ai: Buffer): number {
  const der = new Der(ai);
  const oid = der.oid();
  if (!oid) return 0;
  const id = oidString(oid);
  if (id === "1.3.101.112") return der.empty() ? 16 : 0;
  if (id !== "1.2.840.113549.1.1.10") return SIGNATURE_ALGORITHMS[id] ?? 0;
  const hash = der.read(TAG.SEQUENCE)?.read(0xa0)?.read(TAG.SEQUENCE)?.oid();
  return hash ? PSS_HASHES[oidString(hash)] ?? 0 : 0;
}

const CURVES: Record<string, number> = { "1.3.132.0.33": 28, "1.2.840.10045.3.1.7": 32, "1.3.132.0.34": 48, "1.3.132.0.35": 66 };

export interface PublicKeyInfo {
  /** Go's `x509.PublicKeyAlgorithm`: RSA 1, DSA 2, ECDSA 3, Ed25519 4, else 0. */
  algorithm: number;
  json: ExactJson;
}

const unsigned = (b: Buffer): bigint => (b.length === 0 ? 0n : BigInt(`0x${b.toString("hex")}`));

/** Go's `parsePublicKey` over a DER SubjectPublicKeyInfo. */
export function parsePublicKeyInfo(spki: Buffer, fail: Fail): PublicKeyInfo {
  const seq = new Der(spki).read(TAG.SEQUENCE);
  const ai = seq?.read(TAG.SEQUENCE);
  if (!seq || !ai) throw fail("x509: malformed public key algorithm identifier");
  const oid = ai.oid();
  if (!oid) throw fail("x509: malformed OID");
  const params = ai.empty() ? undefined : ai.element();
  const bits = seq.bitString();
  if (!bits) throw fail("x509: malformed subjectPublicKey");
  const key = new Der(bits.bytes);
  switch (oidString(oid)) {
    case "1.2.840.113549.1.1.1": {
      if (!params || params.tag !== TAG.NULL || params.content.length !== 0) throw fail("x509: RSA key missing NULL parameters");
      const rsa = key.read(TAG.SEQUENCE);
      if (!rsa) throw fail("x509: invalid RSA public key");
      const n = rsa.integer();
      if (n === undefined) throw fail("x509: invalid RSA modulus");
      const e = rsa.integer();
      if (e === undefined) throw fail("x509: invalid RSA public exponent");
      if (n <= 0n) throw fail("x509: RSA modulus is not a positive number");
      if (e <= 0n) throw fail("x509: RSA public exponent is not a positive number");
      return { algorithm: 1, json: { N: n, E: Number(e) } };
    }
    case "1.2.840.10045.2.1": {
      const curve = params && new Der(params.full).oid();
      if (!curve) throw fail("x509: invalid ECDSA parameters");
      const size = CURVES[oidString(curve)];
      if (size === undefined) throw fail("x509: unsupported elliptic curve");
      const p = bits.bytes;
      if (p.length !== 1 + 2 * size || p[0] !== 4) throw fail("x509: failed to unmarshal elliptic curve point");
      return { algorithm: 3, json: { Curve: {}, X: unsigned(p.subarray(1, 1 + size)), Y: unsigned(p.subarray(1 + size)) } };
    }
    case "1.3.101.112":
      if (params) throw fail("x509: Ed25519 key encoded with illegal parameters");
      if (bits.bytes.length !== 32) throw fail("x509: wrong Ed25519 public key size");
      return { algorithm: 4, json: bits.bytes.toString("base64") };
    case "1.2.840.10040.4.1": {
      const y = key.integer();
      if (y === undefined) throw fail("x509: invalid DSA public key");
      const dsa = params && new Der(params.full).read(TAG.SEQUENCE);
      const [p, q, g] = [dsa?.integer(), dsa?.integer(), dsa?.integer()];
      if (p === undefined || q === undefined || g === undefined) throw fail("x509: invalid DSA parameters");
      if (y <= 0n || p <= 0n || q <= 0n || g <= 0n) throw fail("x509: zero or negative DSA parameter");
      return { algorithm: 2, json: { P: p, Q: q, G: g, Y: y } };
    }
  }
  return { algorithm: 0, json: null };
}

const PEM_KEY_TYPES: Record<string, "pkcs1" | "pkcs8" | "sec1"> = {
  "RSA PRIVATE KEY": "pkcs1", "PRIVATE KEY": "pkcs8", "EC PRIVATE KEY": "sec1",
};

/** A private key from a PEM block of one of the three types OPA reads; `undefined` for other blocks. */
export function privateKeyFromBlock(type: string, der: Buffer): crypto.KeyObject | undefined {
  const format = PEM_KEY_TYPES[type];
  if (!format) return undefined;
  try {
    return crypto.createPrivateKey({ key: der, format: "der", type: format });
  } catch {
    const parser = format === "pkcs1" ? "PKCS1" : format === "pkcs8" ? "PKCS8" : "EC";
    throw new Error(`x509: failed to parse private key (${parser})`);
  }
}

const big = (b64url: string | undefined): bigint => unsigned(Buffer.from(b64url ?? "", "base64url"));

/** Go's JSON of a parsed private key (`json.Marshal` of `*rsa.PrivateKey`, `*ecdsa.PrivateKey`, ...). */
export function privateKeyJson(key: crypto.KeyObject): ExactJson {
  let jwk: crypto.JsonWebKey;
  try {
    jwk = key.export({ format: "jwk" });
  } catch {
    // Keys JWK cannot express (DSA, for one) marshal as Go marshals unknown key types: no exported fields.
    return {};
  }
  if (jwk.kty === "RSA") {
    return {
      N: big(jwk.n), E: Number(big(jwk.e)), D: big(jwk.d), Primes: [big(jwk.p), big(jwk.q)],
      Precomputed: { Dp: big(jwk.dp), Dq: big(jwk.dq), Qinv: big(jwk.qi), CRTValues: [] },
    };
  }
  if (jwk.kty === "EC") return { Curve: {}, X: big(jwk.x), Y: big(jwk.y), D: big(jwk.d) };
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") {
    return Buffer.concat([Buffer.from(jwk.d ?? "", "base64url"), Buffer.from(jwk.x ?? "", "base64url")]).toString("base64");
  }
  return {};
}
