import * as crypto from "crypto";
import { evalRule, strictError } from "./policy-runner";

const b64url = (v: string | Buffer): string => Buffer.from(v).toString("base64url");

/** A compact JWS signed with Node's crypto, independently of the host library. */
function token(header: object, payload: object | string, sign: (input: Buffer) => Buffer): string {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const input = `${b64url(JSON.stringify(header))}.${b64url(body)}`;
  return `${input}.${b64url(sign(Buffer.from(input)))}`;
}

const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const otherRsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec256 = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const ec384 = crypto.generateKeyPairSync("ec", { namedCurve: "P-384" });
const ec521 = crypto.generateKeyPairSync("ec", { namedCurve: "P-521" });
const ed = crypto.generateKeyPairSync("ed25519");
const pem = (k: crypto.KeyObject): string => k.export({ type: "spki", format: "pem" }).toString();
const rego = (s: string): string => JSON.stringify(s);

const pkcs1 = (hash: string, key: crypto.KeyObject) => (input: Buffer) => crypto.sign(hash, input, key);
const pss = (hash: string, key: crypto.KeyObject) => (input: Buffer) =>
  crypto.sign(hash, input, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST });
const ecdsa = (hash: string, key: crypto.KeyObject) => (input: Buffer) => crypto.sign(hash, input, { key, dsaEncoding: "ieee-p1363" });
const hmac = (hash: string, secret: string) => (input: Buffer) => crypto.createHmac(hash, secret).update(input).digest();

describe("io.jwt.verify_* with public keys", () => {
  test.each([
    ["rs256", "RS256", pkcs1("sha256", rsa.privateKey), rsa.publicKey],
    ["rs384", "RS384", pkcs1("sha384", rsa.privateKey), rsa.publicKey],
    ["rs512", "RS512", pkcs1("sha512", rsa.privateKey), rsa.publicKey],
    ["ps256", "PS256", pss("sha256", rsa.privateKey), rsa.publicKey],
    ["ps384", "PS384", pss("sha384", rsa.privateKey), rsa.publicKey],
    ["ps512", "PS512", pss("sha512", rsa.privateKey), rsa.publicKey],
    ["es256", "ES256", ecdsa("sha256", ec256.privateKey), ec256.publicKey],
    ["es384", "ES384", ecdsa("sha384", ec384.privateKey), ec384.publicKey],
    ["es512", "ES512", ecdsa("sha512", ec521.privateKey), ec521.publicKey],
    ["eddsa", "EdDSA", (input: Buffer) => crypto.sign(null, input, ed.privateKey), ed.publicKey],
  ])("verify_%s accepts its signature and rejects a tampered one", (fn, alg, sign, publicKey) => {
    const jwt = token({ alg, typ: "JWT" }, { sub: "alice" }, sign);
    const tampered = jwt.replace(/\.[^.]+\./, `.${b64url(JSON.stringify({ sub: "mallory" }))}.`);
    expect(evalRule(`p := io.jwt.verify_${fn}(${rego(jwt)}, ${rego(pem(publicKey))})`)).toBe(true);
    expect(evalRule(`p := io.jwt.verify_${fn}(${rego(tampered)}, ${rego(pem(publicKey))})`)).toBe(false);
  });

  test("a key of another type does not verify", () => {
    const jwt = token({ alg: "RS256" }, { sub: "alice" }, pkcs1("sha256", rsa.privateKey));
    expect(evalRule(`p := io.jwt.verify_rs256(${rego(jwt)}, ${rego(pem(otherRsa.publicKey))})`)).toBe(false);
    expect(evalRule(`p := io.jwt.verify_es256(${rego(jwt)}, ${rego(pem(ec256.publicKey))})`)).toBe(false);
  });

  test("a JWKS key is picked by kid, and keys whose alg differs from the header are skipped", () => {
    const jwt = token({ alg: "RS256", kid: "b" }, { sub: "alice" }, pkcs1("sha256", rsa.privateKey));
    const jwk = (k: crypto.KeyObject, extra: object) => ({ ...k.export({ format: "jwk" }), ...extra });
    const byKid = JSON.stringify({ keys: [jwk(otherRsa.publicKey, { kid: "a" }), jwk(rsa.publicKey, { kid: "b" })] });
    const wrongAlg = JSON.stringify({ keys: [jwk(rsa.publicKey, { alg: "RS512" })] });
    expect(evalRule(`p := io.jwt.verify_rs256(${rego(jwt)}, ${rego(byKid)})`)).toBe(true);
    expect(evalRule(`p := io.jwt.verify_rs256(${rego(jwt)}, ${rego(wrongAlg)})`)).toBe(false);
  });

  test("malformed tokens and keys are errors: undefined, or OPA's message in strict mode", () => {
    const key = rego(pem(rsa.publicKey));
    expect(evalRule(`p := io.jwt.verify_rs256("a.b", ${key})`)).toBeUndefined();
    expect(strictError(`p := io.jwt.verify_rs256("a.b", ${key})`)).toBe(
      "eval_builtin_error: io.jwt.verify_rs256: encoded JWT must have 3 sections, found 2",
    );
    expect(strictError(`p := io.jwt.verify_rs256("a.b.c", "{\\"kty\\": \\"bogus\\"}")`)).toMatch(/failed to parse a JWK key \(set\)/);
    expect(strictError(`p := io.jwt.verify_rs256("a.b.c", ${rego(pem(rsa.publicKey) + "extra")})`)).toMatch(/extra data after a PEM certificate block/);
  });
});

describe("io.jwt.decode_verify", () => {
  const secret = "s3cret";
  const hs = (payload: object, header: object = { alg: "HS256", typ: "JWT" }) => token(header, payload, hmac("sha256", secret));
  const verify = (jwt: string, constraints: string) => evalRule(`p := io.jwt.decode_verify(${rego(jwt)}, ${constraints})`);

  test("a valid token yields [true, header, payload]", () => {
    const jwt = hs({ iss: "opa", aud: ["api", "web"], exp: 2000, nbf: 1000 });
    expect(verify(jwt, `{"secret": "${secret}", "iss": "opa", "aud": "web", "time": 1500000000000}`)).toEqual([
      true,
      { alg: "HS256", typ: "JWT" },
      { iss: "opa", aud: ["api", "web"], exp: 2000, nbf: 1000 },
    ]);
  });

  test.each([
    ["the wrong secret", `{"secret": "other", "time": 1500000000000}`],
    ["an expired token", `{"secret": "${secret}", "time": 2000000000000}`],
    ["a token not yet valid", `{"secret": "${secret}", "time": 999000000000}`],
    ["another issuer", `{"secret": "${secret}", "iss": "someone", "time": 1500000000000}`],
    ["an audience the token lacks", `{"secret": "${secret}", "aud": "mobile", "time": 1500000000000}`],
    ["an audience constraint missing for a token with aud", `{"secret": "${secret}", "time": 1500000000000}`],
    ["another algorithm", `{"secret": "${secret}", "alg": "HS512", "time": 1500000000000}`],
  ])("%s makes it [false, {}, {}]", (_what, constraints) => {
    expect(verify(hs({ iss: "opa", aud: "web", exp: 2000, nbf: 1000 }), constraints)).toEqual([false, {}, {}]);
  });

  test("the evaluation's clock applies when no time is given", () => {
    const now = Math.floor(Date.now() / 1000);
    expect(verify(hs({ exp: now + 600 }), `{"secret": "${secret}"}`)).toEqual([true, { alg: "HS256", typ: "JWT" }, { exp: now + 600 }]);
    expect(verify(hs({ exp: now - 600 }), `{"secret": "${secret}"}`)).toEqual([false, {}, {}]);
  });

  test("certificates and nested tokens (cty JWT) verify", () => {
    const inner = token({ alg: "ES256" }, { sub: "alice" }, ecdsa("sha256", ec256.privateKey));
    const outer = token({ alg: "ES256", cty: "JWT" }, inner, ecdsa("sha256", ec256.privateKey));
    expect(verify(outer, `{"cert": ${rego(pem(ec256.publicKey))}}`)).toEqual([true, { alg: "ES256" }, { sub: "alice" }]);
  });

  test("bad constraints are errors with OPA's messages", () => {
    const jwt = rego(hs({}));
    expect(strictError(`p := io.jwt.decode_verify(${jwt}, {"secret": "x", "foo": 1})`)).toBe(
      "eval_builtin_error: io.jwt.decode_verify: unknown token validation constraint: foo",
    );
    expect(strictError(`p := io.jwt.decode_verify(${jwt}, {"time": 1})`)).toMatch(/no key constraint$/);
    expect(strictError(`p := io.jwt.decode_verify(${rego(hs({ exp: "soon" }))}, {"secret": "${secret}"})`)).toMatch(/exp value must be a number$/);
    expect(evalRule(`p := io.jwt.decode_verify(${jwt}, {"secret": "x", "foo": 1})`)).toBeUndefined();
  });
});

describe("io.jwt.encode_sign and encode_sign_raw", () => {
  const rfc7515Key = { kty: "oct", k: "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow" };

  test("encode_sign marshals header and payload as Go does (sorted keys) and signs with HS256", () => {
    const jwt = evalRule(`p := io.jwt.encode_sign({"typ": "JWT", "alg": "HS256"}, {"iss": "joe", "aud": {"b", "a"}}, ${JSON.stringify(rfc7515Key)})`) as string;
    const [header, payload] = jwt.split(".").map((s) => Buffer.from(s, "base64url").toString());
    expect(header).toBe('{"alg":"HS256","typ":"JWT"}');
    expect(payload).toBe('{"aud":["a","b"],"iss":"joe"}');
    const secret = Buffer.from(rfc7515Key.k, "base64url");
    expect(jwt.split(".")[2]).toBe(b64url(crypto.createHmac("sha256", secret).update(jwt.split(".").slice(0, 2).join(".")).digest()));
  });

  test("encode_sign_raw keeps the given text and signs with a private JWK (ES256), which verify_es256 accepts", () => {
    const jwk = JSON.stringify(ec256.privateKey.export({ format: "jwk" }));
    const raw = `p := io.jwt.encode_sign_raw(${rego('{"alg":"ES256"}')}, ${rego('{"n": 1}')}, ${rego(jwk)})`;
    const jwt = evalRule(raw) as string;
    expect(Buffer.from(jwt.split(".")[1], "base64url").toString()).toBe('{"n": 1}');
    expect(evalRule(`p := io.jwt.verify_es256(${rego(jwt)}, ${rego(pem(ec256.publicKey))})`)).toBe(true);
  });

  test("header and payload errors carry OPA's messages", () => {
    const key = rego(JSON.stringify(rfc7515Key));
    expect(strictError(`p := io.jwt.encode_sign_raw("{\\"alg\\":\\"dummy\\"}", "{}", ${key})`)).toMatch(/unknown JWS algorithm: dummy$/);
    expect(strictError(`p := io.jwt.encode_sign_raw("{}", "{}", ${key})`)).toMatch(/missing or invalid 'alg' header: jwsbb: header "alg" not found$/);
    expect(strictError(`p := io.jwt.encode_sign_raw("{\\"alg\\":\\"HS256\\"}", "e", ${key})`)).toMatch(/type is JWT but payload is not JSON$/);
    expect(evalRule(`p := io.jwt.encode_sign_raw("{\\"alg\\":\\"HS256\\",\\"typ\\":\\"text\\"}", "e", ${key})`)).toMatch(/^eyJ.*\.ZQ\./);
  });
});
