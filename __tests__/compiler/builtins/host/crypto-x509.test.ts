import * as crypto from "crypto";
import * as fc from "fast-check";
import { hostBuiltins } from "../../../../compiler/builtins/host";
import { evalRule, strictError } from "./policy-runner";
import {
  basicConstraints, certificate, certificateRequest, extKeyUsage, keyUsage, name, pem, sanExtension,
} from "./x509-fixtures";

const rootKey = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const interKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-384" });
const leafKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const rootName = name([["O", "Example"], ["CN", "Example Root"]]);
const interName = name([["O", "Example"], ["CN", "Example Intermediate"]]);
const leafName = name([["C", "DE"], ["CN", "svc.example.org"]]);
const SERIAL = 0x7fedcba9876543210123456789abcdefn;
const FROM = new Date("2020-01-01T00:00:00Z");
const UNTIL = new Date("2049-12-31T00:00:00Z");
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

const root = certificate({
  serial: 1n, issuer: rootName, subject: rootName, notBefore: FROM, notAfter: UNTIL, publicKey: rootKey.publicKey,
  signer: rootKey.privateKey, extensions: [basicConstraints(true, 1), keyUsage([5, 6])],
});
const intermediate = certificate({
  serial: 2n, issuer: rootName, subject: interName, notBefore: FROM, notAfter: UNTIL, publicKey: interKey.publicKey,
  signer: rootKey.privateKey, extensions: [basicConstraints(true, 0), keyUsage([5])],
});
const leafExtensions = [
  basicConstraints(false), keyUsage([0]), extKeyUsage([SERVER_AUTH]),
  sanExtension({ dns: ["svc.example.org"], ips: [Buffer.from([10, 0, 0, 1]), Buffer.from("00000000000000000000000000000001", "hex")], uris: ["spiffe://example.org/svc"], emails: ["ops@example.org"] }),
];
const leaf = certificate({
  serial: SERIAL, issuer: interName, subject: leafName, notBefore: FROM, notAfter: new Date("2030-01-01T00:00:00Z"),
  publicKey: leafKey.publicKey, signer: interKey.privateKey, extensions: leafExtensions,
});
const chainPem = pem("CERTIFICATE", root) + pem("CERTIFICATE", intermediate) + pem("CERTIFICATE", leaf);
const rego = (s: string): string => JSON.stringify(s);

describe("crypto.x509.parse_certificates", () => {
  test("returns Go's JSON of the certificate, with OPA's URIStrings", () => {
    const [cert] = evalRule(`p := crypto.x509.parse_certificates(${rego(pem("CERTIFICATE", leaf))})`) as Array<Record<string, unknown>>;
    expect(cert).toMatchObject({
      Version: 3, SignatureAlgorithm: 10, PublicKeyAlgorithm: 3, KeyUsage: 1, ExtKeyUsage: [1], IsCA: false,
      BasicConstraintsValid: true, MaxPathLen: -1, NotBefore: "2020-01-01T00:00:00Z", NotAfter: "2030-01-01T00:00:00Z",
      DNSNames: ["svc.example.org"], IPAddresses: ["10.0.0.1", "::1"], EmailAddresses: ["ops@example.org"],
      URIStrings: ["spiffe://example.org/svc"], SubjectKeyId: null, UnhandledCriticalExtensions: null,
      Subject: { CommonName: "svc.example.org", Country: ["DE"], Organization: null, Names: [{ Type: [2, 5, 4, 6], Value: "DE" }, { Type: [2, 5, 4, 3], Value: "svc.example.org" }] },
      Issuer: { CommonName: "Example Intermediate", Organization: ["Example"] },
      Raw: leaf.toString("base64"),
    });
    expect((cert.URIs as Array<Record<string, unknown>>)[0]).toEqual({
      Scheme: "spiffe", Opaque: "", User: null, Host: "example.org", Path: "/svc", RawPath: "", OmitHost: false,
      ForceQuery: false, RawQuery: "", Fragment: "", RawFragment: "",
    });
    expect(cert.Extensions).toHaveLength(4);
    expect((cert.PublicKey as Record<string, unknown>).Curve).toEqual({});
  });

  test("keeps big integers exact: the serial number and an RSA modulus", () => {
    const modulus = BigInt(`0x${Buffer.from(rootKey.publicKey.export({ format: "jwk" }).n!, "base64url").toString("hex")}`);
    expect(evalRule(`p := crypto.x509.parse_certificates(${rego(pem("CERTIFICATE", leaf))})[0].SerialNumber == ${SERIAL}`)).toBe(true);
    expect(evalRule(`p := crypto.x509.parse_certificates(${rego(pem("CERTIFICATE", root))})[0].PublicKey.N == ${modulus}`)).toBe(true);
  });

  test("reads PEM chains, base64 PEM and base64 DER alike", () => {
    const cns = (input: string) => evalRule(`p := [c.Subject.CommonName | some c in crypto.x509.parse_certificates(${rego(input)})]`);
    expect(cns(chainPem)).toEqual(["Example Root", "Example Intermediate", "svc.example.org"]);
    expect(cns(Buffer.from(chainPem).toString("base64"))).toEqual(["Example Root", "Example Intermediate", "svc.example.org"]);
    expect(cns(Buffer.concat([root, leaf]).toString("base64"))).toEqual(["Example Root", "svc.example.org"]);
  });

  test("malformed input is an error with Go's message", () => {
    expect(strictError(`p := crypto.x509.parse_certificates("YmFkc3RyaW5n")`)).toBe(
      "eval_builtin_error: crypto.x509.parse_certificates: x509: malformed certificate",
    );
    expect(strictError(`p := crypto.x509.parse_certificates("foobar")`)).toMatch(/illegal base64 data at input byte 4$/);
    expect(evalRule(`p := crypto.x509.parse_certificates("foobar")`)).toBeUndefined();
  });
});

describe("crypto.x509.parse_and_verify_certificates", () => {
  const verify = (input: string, options?: string) =>
    evalRule(options === undefined
      ? `p := [r[0], [c.Subject.CommonName | some c in r[1]]] if r := crypto.x509.parse_and_verify_certificates(${rego(input)})`
      : `p := [r[0], [c.Subject.CommonName | some c in r[1]]] if r := crypto.x509.parse_and_verify_certificates_with_options(${rego(input)}, ${options})`);

  test("verifies root, intermediates, leaf and returns the chain from the leaf", () => {
    expect(verify(chainPem)).toEqual([true, ["svc.example.org", "Example Intermediate", "Example Root"]]);
  });

  test("a chain that does not lead to the given root, or a single certificate, does not verify", () => {
    const otherRoot = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const stranger = certificate({ serial: 9n, issuer: rootName, subject: rootName, notBefore: FROM, notAfter: UNTIL, publicKey: otherRoot.publicKey, signer: otherRoot.privateKey, extensions: [basicConstraints(true)] });
    expect(verify(pem("CERTIFICATE", stranger) + pem("CERTIFICATE", intermediate) + pem("CERTIFICATE", leaf))).toEqual([false, []]);
    expect(verify(pem("CERTIFICATE", leaf))).toEqual([false, []]);
    expect(verify("not a certificate")).toEqual([false, []]);
  });

  test("options set the time, the host name and the key usages checked", () => {
    expect(verify(chainPem, `{"CurrentTime": ${Date.UTC(2031, 0, 1) * 1e6}}`)).toEqual([false, []]);
    expect(verify(chainPem, `{"CurrentTime": ${Date.UTC(2025, 0, 1) * 1e6}, "DNSName": "svc.example.org"}`)).toEqual([true, ["svc.example.org", "Example Intermediate", "Example Root"]]);
    expect(verify(chainPem, `{"DNSName": "other.example.org"}`)).toEqual([false, []]);
    expect(verify(chainPem, `{"KeyUsages": ["KeyUsageClientAuth"]}`)).toEqual([false, []]);
    expect(verify(chainPem, `{"KeyUsages": ["KeyUsageServerAuth"]}`)).toEqual([true, ["svc.example.org", "Example Intermediate", "Example Root"]]);
    expect(strictError(`p := crypto.x509.parse_and_verify_certificates_with_options(${rego(chainPem)}, {"Color": "red"})`)).toMatch(/invalid key option$/);
  });
});

describe("crypto.x509.parse_certificate_request", () => {
  const csr = certificateRequest(leafName, leafKey, [sanExtension({ dns: ["svc.example.org", "www.example.org"] })]);

  test("returns Go's JSON of the request, from PEM or base64 DER", () => {
    for (const input of [pem("CERTIFICATE REQUEST", csr), csr.toString("base64")]) {
      expect(evalRule(`p := crypto.x509.parse_certificate_request(${rego(input)})`)).toMatchObject({
        Version: 0, SignatureAlgorithm: 10, PublicKeyAlgorithm: 3, Subject: { CommonName: "svc.example.org", Country: ["DE"] },
        DNSNames: ["svc.example.org", "www.example.org"], Extensions: [{ Id: [2, 5, 29, 17], Critical: false }],
      });
    }
  });

  test("malformed requests are errors", () => {
    expect(strictError(`p := crypto.x509.parse_certificate_request("YmFkc3RyaW5n")`)).toMatch(/asn1: structure error/);
    const certificatePem = Buffer.from(pem("CERTIFICATE", leaf)).toString("base64");
    expect(strictError(`p := crypto.x509.parse_certificate_request(${rego(certificatePem)})`)).toMatch(/invalid PEM-encoded certificate signing request$/);
    expect(strictError(`p := crypto.x509.parse_certificate_request(${rego(pem("CERTIFICATE", leaf))})`)).toMatch(/illegal base64 data at input byte 0$/);
  });
});

describe("private keys and key pairs", () => {
  const rsaPkcs1 = rootKey.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const ecSec1 = leafKey.privateKey.export({ type: "sec1", format: "pem" }).toString();
  const leafPkcs8 = leafKey.privateKey.export({ type: "pkcs8", format: "pem" }).toString();

  test("crypto.x509.parse_rsa_private_key gives the JWK, from PEM or base64 PEM", () => {
    const jwk = rootKey.privateKey.export({ format: "jwk" });
    expect(evalRule(`p := crypto.x509.parse_rsa_private_key(${rego(rsaPkcs1)})`)).toEqual(jwk);
    expect(evalRule(`p := crypto.x509.parse_rsa_private_key(${rego(Buffer.from(rsaPkcs1).toString("base64"))})`)).toEqual(jwk);
    expect(strictError(`p := crypto.x509.parse_rsa_private_key("")`)).toMatch(/input PEM data was empty$/);
  });

  test("crypto.parse_private_keys gives Go's JSON of every key, exact", () => {
    const d = BigInt(`0x${Buffer.from(rootKey.privateKey.export({ format: "jwk" }).d!, "base64url").toString("hex")}`);
    const keys = `crypto.parse_private_keys(${rego(rsaPkcs1 + ecSec1)})`;
    expect(evalRule(`p := [count(${keys}), ${keys}[0].E, ${keys}[0].D == ${d}, object.keys(${keys}[0].Precomputed), ${keys}[1].Curve]`)).toEqual([
      2, 65537, true, ["CRTValues", "Dp", "Dq", "Qinv"], {},
    ]);
    expect(evalRule(`p := [crypto.parse_private_keys(""), crypto.parse_private_keys("nope")]`)).toEqual([null, []]);
  });

  test("crypto.x509.parse_keypair pairs a certificate with its key and rejects another key", () => {
    const pair = evalRule(`p := crypto.x509.parse_keypair(${rego(pem("CERTIFICATE", leaf))}, ${rego(leafPkcs8)})`) as Record<string, unknown>;
    expect(pair.Certificate).toEqual([leaf.toString("base64")]);
    expect(pair).toMatchObject({ Leaf: { Subject: { CommonName: "svc.example.org" } }, PrivateKey: { Curve: {} }, OCSPStaple: null });
    expect(evalRule(`p := crypto.x509.parse_keypair(${rego(leaf.toString("base64"))}, ${rego(Buffer.from(leafPkcs8).toString("base64"))}).Certificate`)).toEqual([leaf.toString("base64")]);
    const otherKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(strictError(`p := crypto.x509.parse_keypair(${rego(pem("CERTIFICATE", leaf))}, ${rego(otherKey)})`)).toMatch(/tls: private key does not match public key$/);
    expect(strictError(`p := crypto.x509.parse_keypair(${rego(pem("CERTIFICATE", leaf))}, ${rego(rsaPkcs1)})`)).toMatch(/tls: private key type does not match public key type$/);
  });
});

describe("malformed DER", () => {
  const csr = certificateRequest(leafName, leafKey, [sanExtension({ dns: ["svc.example.org"] })]);
  const key = leafKey.privateKey.export({ type: "pkcs8", format: "der" });
  const mutated = fc
    .tuple(fc.constantFrom(leaf, root, csr, key), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat())
    .map(([der, edits, cut]) => {
      const bytes = Buffer.from(der);
      for (const [at, value] of edits) bytes[at % bytes.length] = value;
      return cut % 3 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
    });

  test("is a builtin error (undefined), never a crash of the evaluation", () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        hostBuiltins["crypto.x509.parse_certificates"](bytes.toString("base64"));
        hostBuiltins["crypto.x509.parse_and_verify_certificates"](pem("CERTIFICATE", bytes) + pem("CERTIFICATE", leaf));
        hostBuiltins["crypto.x509.parse_certificate_request"](bytes.toString("base64"));
        hostBuiltins["crypto.parse_private_keys"](pem("PRIVATE KEY", bytes));
        hostBuiltins["crypto.x509.parse_keypair"](pem("CERTIFICATE", leaf), pem("PRIVATE KEY", bytes));
        hostBuiltins["io.jwt.verify_es256"]("e30.e30.e30", pem("CERTIFICATE", bytes));
      }),
      { numRuns: 300 },
    );
  });
});
