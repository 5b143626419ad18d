/**
 * `io.jwt.*` builtins the Wasm runtime leaves to the host: signature verification with RSA, RSA-PSS, ECDSA
 * and EdDSA keys, `decode_verify` with OPA's constraints (key, alg, iss, aud, exp/nbf against a time) and
 * JWS signing (`encode_sign`, `encode_sign_raw`). `decode` and the HMAC verifiers are native.
 */
import { HostFamily } from "./errors";
import { base64RawUrl, goJsonMarshal, opaBase64UrlDecode } from "./go-encoding";
import { JWS_ALGORITHMS, VerificationKey, signJws, signingKeyOf, verificationKeys, verifySignature } from "./jwt-keys";
import { builtinError, objectOperand, stringOperand } from "./support";
import { evaluationTimeNs } from "./identifiers";

type JsonObject = Record<string, unknown>;

interface Token {
  header: string;
  payload: string;
  signature: string;
}

/** OPA's `decodeJWT`: the three dot-separated sections of a compact JWS. */
function splitToken(v: unknown): Token {
  const text = stringOperand(v, 1);
  if (!text.includes(".")) throw builtinError("encoded JWT had no period separators");
  const parts = text.split(".");
  if (parts.length !== 3) throw builtinError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0], payload: parts[1], signature: parts[2] };
}

/** OPA's `extractJSONObject`: JSON text that must hold an object. */
function jsonObject(text: string): JsonObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw builtinError(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw builtinError("decoded JSON type was not an Object");
  return v as JsonObject;
}

function decodeHeader(token: Token): JsonObject {
  let text: string;
  try {
    text = opaBase64UrlDecode(token.header).toString("utf8");
  } catch (e) {
    throw builtinError(`JWT header had invalid encoding: ${(e as Error).message}`);
  }
  let header: JsonObject;
  try {
    header = jsonObject(text);
  } catch (e) {
    throw builtinError(`bad JWT header: ${(e as Error).message}`);
  }
  if ("enc" in header) throw builtinError("JWT is a JWE object, which is not supported");
  return header;
}

function decodePayload(encoded: string): string {
  try {
    return opaBase64UrlDecode(encoded).toString("utf8");
  } catch (e) {
    throw builtinError(`JWT payload had invalid encoding: ${(e as Error).message}`);
  }
}

interface HeaderFields {
  alg: string;
  kid: string;
  cty: string;
  /** RFC 7515 4.1.1 and 4.1.11: `alg` present, and no critical parameter OPA does not understand. */
  valid: boolean;
}

/** OPA's `parseTokenHeader`: the parameters it understands must have the right types. */
function headerFields(header: JsonObject): HeaderFields {
  const fields = { alg: "", kid: "", typ: "", cty: "" };
  const unknown: string[] = [];
  let crit = new Set<string>();
  for (const [name, value] of Object.entries(header)) {
    if (name === "alg" || name === "kid" || name === "typ" || name === "cty") {
      if (typeof value !== "string") throw builtinError(`${name}: must be a string`);
      fields[name] = value;
    } else if (name === "crit") {
      if (!Array.isArray(value)) throw builtinError("crit: must be a list");
      crit = new Set(value.filter((x): x is string => typeof x === "string"));
      if (crit.size === 0) throw builtinError("crit: must be a nonempty list");
    } else {
      unknown.push(name);
    }
  }
  const valid = fields.alg !== "" && !unknown.some((u) => crit.has(u));
  return { alg: fields.alg, kid: fields.kid, cty: fields.cty, valid };
}

/**
 * Keys to try, as OPA picks them: the key whose `kid` matches the header's, else every key without an `alg`
 * or with the header's. `verifyAlg` is the algorithm checked: the header's, or the one a verifier is for.
 */
function verifiesWithAny(
  keys: VerificationKey[],
  header: HeaderFields,
  verifyAlg: string,
  input: Buffer,
  signature: Buffer,
): boolean {
  const byKid = header.kid !== "" ? keys.find((k) => k.kid === header.kid) : undefined;
  if (byKid) return verifySignature(verifyAlg, byKid.key, input, signature);
  return keys.some((k) => (k.alg === "" || k.alg === header.alg) && verifySignature(verifyAlg, k.key, input, signature));
}

/** `io.jwt.verify_<alg>` for asymmetric algorithms (OPA's `builtinJWTVerify`). */
function verifier(alg: string) {
  return (jwt: unknown, keyText: unknown): boolean => {
    const token = splitToken(jwt);
    const keys = verificationKeys(stringOperand(keyText, 2));
    const signature = opaBase64UrlDecode(token.signature);
    const header = headerFields(decodeHeader(token));
    return verifiesWithAny(keys, header, alg, Buffer.from(`${token.header}.${token.payload}`), signature);
  };
}

interface Constraints {
  keys?: VerificationKey[];
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  timeNs: number;
}

function constraintString(name: string, v: unknown): string {
  if (typeof v !== "string") throw builtinError(`${name} constraint: must be a string`);
  return v;
}

function constraintTime(v: unknown): number {
  if (typeof v !== "number") throw builtinError("token time constraint: must be a number");
  if (v < 0) throw builtinError("token time constraint: must not be negative");
  return v;
}

function parseConstraints(o: JsonObject): Constraints {
  const c: Constraints = { secret: "", alg: "", iss: "", aud: "", timeNs: -1 };
  for (const [name, v] of Object.entries(o)) {
    if (name === "cert") c.keys = verificationKeys(constraintString("cert", v));
    else if (name === "secret" || name === "alg" || name === "iss" || name === "aud") c[name] = constraintString(name, v);
    else if (name === "time") c.timeNs = constraintTime(v);
    else throw builtinError(`unknown token validation constraint: ${name}`);
  }
  if (c.timeNs === -1) c.timeNs = Number(evaluationTimeNs());
  const keyConstraints = (c.keys ? 1 : 0) + (c.secret !== "" ? 1 : 0);
  if (keyConstraints > 1) throw builtinError("duplicate key constraints");
  if (keyConstraints < 1) throw builtinError("no key constraint");
  return c;
}

function validAudience(aud: unknown, wanted: string): boolean {
  if (typeof aud === "string") return aud === wanted;
  return Array.isArray(aud) && aud.some((a) => a === wanted);
}

/** `io.jwt.decode_verify(jwt, constraints)`: `[valid, header, payload]`, nested (`cty: JWT`) tokens unwrapped. */
function decodeVerify(jwt: unknown, constraintsArg: unknown): unknown {
  const c = parseConstraints(objectOperand(constraintsArg, 2));
  const unverified = [false, {}, {}];
  let text = jwt;
  let header: JsonObject;
  let payloadText: string;
  for (;;) {
    const token = splitToken(text);
    header = decodeHeader(token);
    const fields = headerFields(header);
    if (!fields.valid) return unverified;
    if (c.alg !== "" && c.alg !== fields.alg) return unverified;
    const signature = opaBase64UrlDecode(token.signature);
    const input = Buffer.from(`${token.header}.${token.payload}`);
    const verified = c.keys
      ? verifiesWithAny(c.keys, fields, fields.alg, input, signature)
      : JWS_ALGORITHMS.has(fields.alg) && verifySignature(fields.alg, Buffer.from(c.secret), input, signature);
    if (!verified) return unverified;
    payloadText = decodePayload(token.payload);
    if (fields.cty.toUpperCase() !== "JWT") break;
    text = payloadText;
  }
  const payload = jsonObject(payloadText);
  if (c.iss !== "" && payload.iss !== c.iss) return unverified;
  if ("aud" in payload ? !validAudience(payload.aud, c.aud) : c.aud !== "") return unverified;
  const nowSeconds = c.timeNs / 1e9;
  if ("exp" in payload) {
    if (typeof payload.exp !== "number") throw builtinError("exp value must be a number");
    if (nowSeconds >= payload.exp) return unverified;
  }
  if ("nbf" in payload) {
    if (typeof payload.nbf !== "number") throw builtinError("nbf value must be a number");
    if (nowSeconds < payload.nbf) return unverified;
  }
  return [true, header, payload];
}

/**
 * A header parameter as jwx's `jwsbb` reads it: lenient JSON (a bare number-like token parses, as with
 * fastjson), an error for text that is no JSON at all, and `not found` for a missing or non-string value.
 */
function jwsHeaderString(headerText: string, name: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(headerText);
  } catch (e) {
    if (!/^\s*[-+.0-9eE]+\s*$/.test(headerText)) {
      throw new Error(`cannot parse JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const value = doc !== null && typeof doc === "object" ? (doc as JsonObject)[name] : undefined;
  if (typeof value !== "string") throw new Error(`jwsbb: header "${name}" not found`);
  return value;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** OPA's `commonBuiltinJWTEncodeSign`: compact JWS over the header and payload text as given. */
function encodeSign(headerText: string, payloadText: string, jwkText: string): string {
  const key = signingKeyOf(jwkText);
  let alg: string;
  try {
    alg = jwsHeaderString(headerText, "alg");
  } catch (e) {
    throw builtinError(`missing or invalid 'alg' header: ${(e as Error).message}`);
  }
  if (!JWS_ALGORITHMS.has(alg)) throw builtinError(`unknown JWS algorithm: ${alg}`);
  let typ: string | undefined;
  try {
    typ = jwsHeaderString(headerText, "typ");
  } catch {
    typ = undefined;
  }
  if ((typ === undefined || typ === "JWT") && !isJson(payloadText)) throw builtinError("type is JWT but payload is not JSON");
  const signingInput = `${base64RawUrl(headerText)}.${base64RawUrl(payloadText)}`;
  return `${signingInput}.${base64RawUrl(signJws(alg, key, Buffer.from(signingInput)))}`;
}

export const builtins: HostFamily = {
  "io.jwt.verify_rs256": verifier("RS256"),
  "io.jwt.verify_rs384": verifier("RS384"),
  "io.jwt.verify_rs512": verifier("RS512"),
  "io.jwt.verify_ps256": verifier("PS256"),
  "io.jwt.verify_ps384": verifier("PS384"),
  "io.jwt.verify_ps512": verifier("PS512"),
  "io.jwt.verify_es256": verifier("ES256"),
  "io.jwt.verify_es384": verifier("ES384"),
  "io.jwt.verify_es512": verifier("ES512"),
  "io.jwt.verify_eddsa": verifier("EdDSA"),
  "io.jwt.decode_verify": decodeVerify,
  "io.jwt.encode_sign": (headers: unknown, payload: unknown, key: unknown) =>
    encodeSign(
      goJsonMarshal(objectOperand(headers, 1)),
      goJsonMarshal(objectOperand(payload, 2)),
      goJsonMarshal(objectOperand(key, 3)),
    ),
  "io.jwt.encode_sign_raw": (headers: unknown, payload: unknown, key: unknown) => {
    const jwk = stringOperand(key, 3);
    return encodeSign(stringOperand(headers, 1), stringOperand(payload, 2), jwk);
  },
};
