// Digest and JWT builtins that need no keys beyond a shared secret: crypto.md5, crypto.sha1, crypto.sha256,
// crypto.hmac.{md5,sha1,sha256,sha512}, crypto.hmac.equal, io.jwt.decode and io.jwt.verify_hs{256,384,512}.
// Digests print as lower-case hex, as OPA's do.

import { alloc } from "./alloc";
import { T_STRING, T_OBJECT, typeOf, strPtr, strLen, newString, boolValue, newArray, arrPush, newStringLit } from "./value";
import { objGet } from "./table";
import { digest, hmac, digestSize, H_MD5, H_SHA1, H_SHA256, H_SHA384, H_SHA512 } from "./crypto-hash";
import { parseValue } from "./json-parse";
import { b_base64url_decode } from "./bi-encoding";
import { errorMessage, errorStart, errorSet, typeError, builtinError, E_BUILTIN } from "./error";
import { lit, bytes, decimalU64 } from "./buf";

const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

function hexString(p: usize, n: u32): usize {
  const out = alloc(n * 2);
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    store<u8>(out + i * 2, load<u8>(HEX + (c >> 4)));
    store<u8>(out + i * 2 + 1, load<u8>(HEX + (c & 15)));
  }
  return newString(out, n * 2);
}

function hashBuiltin(name: string, alg: i32, s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError(name, 1, "string", s);
  const out = alloc(64);
  digest(alg, strPtr(s), strLen(s), out);
  return hexString(out, digestSize(alg));
}

export function b_crypto_md5(s: usize): usize { return hashBuiltin("crypto.md5", H_MD5, s); }
export function b_crypto_sha1(s: usize): usize { return hashBuiltin("crypto.sha1", H_SHA1, s); }
export function b_crypto_sha256(s: usize): usize { return hashBuiltin("crypto.sha256", H_SHA256, s); }

function hmacBuiltin(name: string, alg: i32, x: usize, key: usize): usize {
  if (typeOf(x) != T_STRING) return typeError(name, 1, "string", x);
  if (typeOf(key) != T_STRING) return typeError(name, 2, "string", key);
  const out = alloc(64);
  hmac(alg, strPtr(key), strLen(key), strPtr(x), strLen(x), out);
  return hexString(out, digestSize(alg));
}

export function b_crypto_hmac_md5(x: usize, k: usize): usize { return hmacBuiltin("crypto.hmac.md5", H_MD5, x, k); }
export function b_crypto_hmac_sha1(x: usize, k: usize): usize { return hmacBuiltin("crypto.hmac.sha1", H_SHA1, x, k); }
export function b_crypto_hmac_sha256(x: usize, k: usize): usize { return hmacBuiltin("crypto.hmac.sha256", H_SHA256, x, k); }
export function b_crypto_hmac_sha512(x: usize, k: usize): usize { return hmacBuiltin("crypto.hmac.sha512", H_SHA512, x, k); }

// Compares in time independent of where the inputs differ, as hmac.Equal does.
function constantTimeEqual(a: usize, an: u32, b: usize, bn: u32): bool {
  if (an != bn) return false;
  let diff: u32 = 0;
  for (let i: u32 = 0; i < an; i++) diff |= <u32>(load<u8>(a + i) ^ load<u8>(b + i));
  return diff == 0;
}

export function b_crypto_hmac_equal(a: usize, b: usize): usize {
  if (typeOf(a) != T_STRING) return typeError("crypto.hmac.equal", 1, "string", a);
  if (typeOf(b) != T_STRING) return typeError("crypto.hmac.equal", 2, "string", b);
  return boolValue(constantTimeEqual(strPtr(a), strLen(a), strPtr(b), strLen(b)));
}

// The three sections of a compact JWS, as strings at PARTS[0..2]; false after an error.
const PARTS = memory.data(12, 4);

function splitJWT(name: string, t: usize): bool {
  const p = strPtr(t);
  const n = strLen(t);
  let dots: u32 = 0;
  for (let i: u32 = 0; i < n; i++) if (load<u8>(p + i) == 46) dots++;
  if (dots == 0) {
    builtinError(name, "encoded JWT had no period separators");
    return false;
  }
  if (dots != 2) {
    const b = errorStart(name);
    lit(b, "encoded JWT must have 3 sections, found ");
    decimalU64(b, <u64>(dots + 1));
    errorSet(b, E_BUILTIN);
    return false;
  }
  let start: u32 = 0;
  let k: u32 = 0;
  for (let i: u32 = 0; i <= n; i++) {
    if (i < n && load<u8>(p + i) != 46) continue;
    store<u32>(PARTS + (k << 2), newString(p + start, i - start));
    k++;
    start = i + 1;
  }
  return true;
}

// base64url-decodes a section; on failure records "<prefix><decoder message>".
function decodeSection(name: string, s: usize, prefix: string): usize {
  const r = b_base64url_decode(s);
  if (r != 0) return r;
  const inner = errorMessage();
  const b = errorStart(name);
  lit(b, prefix);
  // Drop the decoder's own "base64url.decode: " prefix.
  let q = inner;
  while (load<u8>(q) != 0 && load<u8>(q) != 58) q++;
  if (load<u8>(q) == 58) q += 2;
  else q = inner;
  let e = q;
  while (load<u8>(e) != 0) e++;
  bytes(b, q, <u32>(e - q));
  errorSet(b, E_BUILTIN);
  return 0;
}

function jsonObject(name: string, s: usize, what: string): usize {
  const v = parseValue(strPtr(s), strLen(s), false);
  if (v == 0 || typeOf(v) != T_OBJECT) {
    const b = errorStart(name);
    lit(b, what);
    lit(b, v == 0 ? "invalid JSON" : "decoded JSON type was not an Object");
    errorSet(b, E_BUILTIN);
    return 0;
  }
  return v;
}

function decode(token: usize, depth: i32): usize {
  const name = "io.jwt.decode";
  if (!splitJWT(name, token)) return 0;
  const hs = load<u32>(PARTS);
  const ps = load<u32>(PARTS, 4);
  const ss = load<u32>(PARTS, 8);
  const h = decodeSection(name, hs, "JWT header had invalid encoding: ");
  if (h == 0) return 0;
  const header = jsonObject(name, h, "bad JWT header: ");
  if (header == 0) return 0;
  if (objGet(header, newStringLit("enc")) != 0) return builtinError(name, "JWT is a JWE object, which is not supported");
  let payloadText = decodeSection(name, ps, "JWT payload had invalid encoding: ");
  if (payloadText == 0) return 0;
  const cty = objGet(header, newStringLit("cty"));
  if (cty != 0 && typeOf(cty) == T_STRING && strLen(cty) == 3 && load<u8>(strPtr(cty)) == 74 && depth < 16) {
    // A nested token: the payload is the inner JWT, possibly in quotes.
    let p = strPtr(payloadText);
    let n = strLen(payloadText);
    if (n > 0 && load<u8>(p) == 34) {
      p++;
      n--;
    }
    if (n > 0 && load<u8>(p + n - 1) == 34) n--;
    return decode(newString(p, n), depth + 1);
  }
  const payload = jsonObject(name, payloadText, "");
  if (payload == 0) return 0;
  const sig = decodeSection(name, ss, "JWT signature had invalid encoding: ");
  if (sig == 0) return 0;
  const out = newArray(3);
  arrPush(out, header);
  arrPush(out, payload);
  arrPush(out, hexString(strPtr(sig), strLen(sig)));
  return out;
}

export function b_io_jwt_decode(token: usize): usize {
  if (typeOf(token) != T_STRING) return typeError("io.jwt.decode", 1, "string", token);
  return decode(token, 0);
}

function verifyHS(name: string, alg: i32, token: usize, secret: usize): usize {
  if (typeOf(token) != T_STRING) return typeError(name, 1, "string", token);
  if (typeOf(secret) != T_STRING) return typeError(name, 2, "string", secret);
  if (!splitJWT(name, token)) return 0;
  const sig = decodeSection(name, load<u32>(PARTS, 8), "JWT signature had invalid encoding: ");
  if (sig == 0) return 0;
  // The signed input is header "." payload, which is the token up to its last period.
  const signedLen = strLen(load<u32>(PARTS)) + 1 + strLen(load<u32>(PARTS, 4));
  const mac = alloc(64);
  hmac(alg, strPtr(secret), strLen(secret), strPtr(token), signedLen, mac);
  return boolValue(constantTimeEqual(strPtr(sig), strLen(sig), mac, digestSize(alg)));
}

export function b_io_jwt_verify_hs256(t: usize, s: usize): usize { return verifyHS("io.jwt.verify_hs256", H_SHA256, t, s); }
export function b_io_jwt_verify_hs384(t: usize, s: usize): usize { return verifyHS("io.jwt.verify_hs384", H_SHA384, t, s); }
export function b_io_jwt_verify_hs512(t: usize, s: usize): usize { return verifyHS("io.jwt.verify_hs512", H_SHA512, t, s); }
