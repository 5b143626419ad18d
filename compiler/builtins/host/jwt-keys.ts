/**
 * Keys and signatures for the `io.jwt.*` builtins: verification keys from a PEM certificate, a PEM public
 * key or a JWK (set) as OPA reads them, signing keys from a JWK, and JWS signing and verification per
 * algorithm on Node's `crypto`.
 */
import * as crypto from "crypto";
import { BuiltinError } from "./errors";
import { pemDecode } from "./go-encoding";

/** The JWS algorithms OPA knows (`tokenAlgorithms`). */
export const JWS_ALGORITHMS = new Set([
  "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512", "EdDSA",
]);

/** A key to verify with: a public key, or the secret of an `oct` JWK; `alg` and `kid` as a JWKS states them. */
export interface VerificationKey {
  key: crypto.KeyObject | Buffer;
  alg: string;
  kid: string;
}

function fail(message: string): BuiltinError {
  return new BuiltinError("eval_builtin_error", message);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface Jwk {
  kty?: unknown;
  alg?: unknown;
  kid?: unknown;
  k?: unknown;
  [field: string]: unknown;
}

/** The keys of a JWK or JWK set, as `jwk.Parse` reads them. */
export function parseJwkSet(text: string): Jwk[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw fail(`failed to unmarshal JSON into key set: ${errorMessage(e)}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw fail("failed to unmarshal JSON into key set");
  const keys = (doc as { keys?: unknown }).keys;
  const list = Array.isArray(keys) ? keys : [doc];
  return list.map((k) => {
    if (k === null || typeof k !== "object" || typeof (k as Jwk).kty !== "string") {
      throw fail(`failed to parse key: invalid key type from JSON (${JSON.stringify((k as Jwk)?.kty ?? null)})`);
    }
    return k as Jwk;
  });
}

function secretOf(jwk: Jwk): Buffer {
  if (typeof jwk.k !== "string") throw fail(`failed to parse key: required field k is missing`);
  return Buffer.from(jwk.k, "base64url");
}

function publicKeyOf(jwk: Jwk): crypto.KeyObject | Buffer {
  if (jwk.kty === "oct") return secretOf(jwk);
  try {
    return crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: "jwk" });
  } catch (e) {
    throw fail(`failed to parse key: ${errorMessage(e)}`);
  }
}

/** The signing key: the first key of a JWK (set); secrets for `oct`, private keys otherwise. */
export function signingKeyOf(text: string): crypto.KeyObject | Buffer {
  const keys = parseJwkSet(text);
  if (keys.length === 0) throw fail("no keys found in JWK set");
  const jwk = keys[0];
  if (jwk.kty === "oct") return secretOf(jwk);
  try {
    return crypto.createPrivateKey({ key: jwk as crypto.JsonWebKey, format: "jwk" });
  } catch (e) {
    throw fail(`failed to parse key: ${errorMessage(e)}`);
  }
}

/**
 * OPA's `getKeysFromCertOrJWK`: a PEM block (a certificate or a public key, nothing after it) or else a JWK
 * (set), whose keys with an algorithm OPA does not know are skipped.
 */
export function verificationKeys(text: string): VerificationKey[] {
  const { block, rest } = pemDecode(text);
  if (block) {
    if (rest.length > 0) throw fail("extra data after a PEM certificate block");
    if (block.type === "CERTIFICATE") {
      try {
        return [{ key: new crypto.X509Certificate(block.bytes).publicKey, alg: "", kid: "" }];
      } catch {
        throw fail("failed to parse a PEM certificate: x509: malformed certificate");
      }
    }
    if (block.type === "PUBLIC KEY") {
      try {
        return [{ key: crypto.createPublicKey({ key: block.bytes, format: "der", type: "spki" }), alg: "", kid: "" }];
      } catch (e) {
        throw fail(`failed to parse a PEM public key: ${errorMessage(e)}`);
      }
    }
    throw fail("failed to extract a Key from the PEM certificate");
  }
  try {
    const out: VerificationKey[] = [];
    for (const jwk of parseJwkSet(text)) {
      const alg = typeof jwk.alg === "string" ? jwk.alg : "";
      const key = publicKeyOf(jwk);
      if (alg !== "" && !JWS_ALGORITHMS.has(alg)) continue;
      out.push({ key, alg, kid: typeof jwk.kid === "string" ? jwk.kid : "" });
    }
    return out;
  } catch (e) {
    throw fail(`failed to parse a JWK key (set): ${errorMessage(e)}`);
  }
}

const HASHES: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };

function rsaKey(key: crypto.KeyObject | Buffer): key is crypto.KeyObject {
  return key instanceof crypto.KeyObject && (key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "rsa-pss");
}

function asymmetric(key: crypto.KeyObject | Buffer, type: string): key is crypto.KeyObject {
  return key instanceof crypto.KeyObject && key.asymmetricKeyType === type;
}

/** Verifies a JWS signature with `alg`; a key of the wrong kind or a malformed signature does not verify. */
export function verifySignature(alg: string, key: crypto.KeyObject | Buffer, input: Buffer, signature: Buffer): boolean {
  const family = alg.slice(0, 2);
  const hash = HASHES[alg.slice(2)];
  try {
    if (family === "HS" && hash && Buffer.isBuffer(key)) {
      const mac = crypto.createHmac(hash, key).update(input).digest();
      return mac.length === signature.length && crypto.timingSafeEqual(mac, signature);
    }
    if (family === "RS" && hash && rsaKey(key)) {
      return crypto.verify(hash, input, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
    }
    if (family === "PS" && hash && rsaKey(key)) {
      const options = { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO };
      return crypto.verify(hash, input, options, signature);
    }
    if (family === "ES" && hash && asymmetric(key, "ec")) {
      return crypto.verify(hash, input, { key, dsaEncoding: "ieee-p1363" }, signature);
    }
    if (alg === "EdDSA" && asymmetric(key, "ed25519")) return crypto.verify(null, input, key, signature);
  } catch {
    return false;
  }
  return false;
}

/** Signs a JWS signing input with `alg` (an algorithm OPA knows), as jwx's `jwsbb.Sign` does. */
export function signJws(alg: string, key: crypto.KeyObject | Buffer, input: Buffer): Buffer {
  const family = alg.slice(0, 2);
  const hash = HASHES[alg.slice(2)];
  if (family === "HS") {
    if (!Buffer.isBuffer(key)) throw fail(`failed to sign payload: invalid key type for ${alg}: want an oct key`);
    return crypto.createHmac(hash, key).update(input).digest();
  }
  if (Buffer.isBuffer(key)) throw fail(`failed to sign payload: invalid key type for ${alg}: got an oct key`);
  try {
    if (family === "RS" && rsaKey(key)) return crypto.sign(hash, input, { key, padding: crypto.constants.RSA_PKCS1_PADDING });
    if (family === "PS" && rsaKey(key)) {
      const options = { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST };
      return crypto.sign(hash, input, options);
    }
    if (family === "ES" && asymmetric(key, "ec")) return crypto.sign(hash, input, { key, dsaEncoding: "ieee-p1363" });
    if (alg === "EdDSA" && asymmetric(key, "ed25519")) return crypto.sign(null, input, key);
  } catch (e) {
    throw fail(`failed to sign payload: ${errorMessage(e)}`);
  }
  throw fail(`failed to sign payload: invalid key type ${key.asymmetricKeyType} for ${alg}`);
}
