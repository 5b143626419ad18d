/**
 * `crypto.x509.*` and `crypto.parse_private_keys`: certificates, chains, requests, key pairs and private
 * keys from PEM, base64 PEM or base64 DER, returned as OPA returns them (Go's JSON of the parsed values).
 * The hashes and HMACs are native.
 */
import * as crypto from "crypto";
import { BuiltinError, HostFamily } from "./errors";
import { ExactJson, goBase64Decode, pemDecode, sdkResult } from "./go-encoding";
import { builtinError, objectOperand, stringOperand } from "./support";
import { evaluationTimeNs } from "./identifiers";
import { Certificate, X509Error, parseCertificate, parseCertificates } from "./x509-cert";
import { parseCertificateRequest } from "./x509-csr";
import { privateKeyFromBlock, privateKeyJson } from "./x509-keys";

/** Runs a parsing step, turning its failure into a builtin error with the underlying Go message. */
function goCall<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof BuiltinError) throw e;
    throw builtinError(e instanceof Error ? e.message : String(e));
  }
}

const latin1 = (b: Buffer): string => b.toString("latin1");

/** OPA's `getX509CertsFromPem`: every CERTIFICATE block, concatenated and parsed. */
function certificatesFromPem(text: string): Certificate[] {
  const ders: Buffer[] = [];
  for (let rest = text; rest.length > 0; ) {
    const { block, rest: next } = pemDecode(rest);
    if (!block) break;
    if (block.type !== "CERTIFICATE") throw new X509Error(`PEM block type is '${block.type}', expected CERTIFICATE`);
    ders.push(block.bytes);
    rest = next;
  }
  return parseCertificates(Buffer.concat(ders));
}

/** OPA's `getX509CertsFromString`: PEM, or base64 of PEM or of DER. */
function certificatesFrom(input: string): Certificate[] {
  if (input.startsWith("-----BEGIN")) return certificatesFromPem(input);
  const bytes = goBase64Decode(input);
  return latin1(bytes).startsWith("-----BEGIN") ? certificatesFromPem(latin1(bytes)) : parseCertificates(bytes);
}

/** The certificate JSON with OPA's extra `URIStrings` (null without URIs, as Go leaves it nil). */
const withUriStrings = (c: Certificate): ExactJson => ({ ...c.json, URIStrings: c.json.URIs === null ? null : c.uriStrings });

interface VerifyOptions {
  dnsName?: string;
  currentTimeMs?: number;
  keyUsages: number[];
}

const KEY_USAGES: Record<string, number> = {
  KeyUsageAny: 0, KeyUsageServerAuth: 1, KeyUsageClientAuth: 2, KeyUsageCodeSigning: 3, KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5, KeyUsageIPSECTunnel: 6, KeyUsageIPSECUser: 7, KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9, KeyUsageMicrosoftServerGatedCrypto: 10, KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12, KeyUsageMicrosoftKernelCodeSigning: 13,
};
/** MD2, MD5 and SHA-1 signatures, which Go's verifier refuses, and DSA, which it cannot check. */
const REFUSED_SIGNATURES = new Set([0, 1, 2, 3, 7, 8, 9]);

/** OPA's `extractVerifyOpts`. */
function verifyOptions(o: Record<string, unknown>): VerifyOptions {
  const opts: VerifyOptions = { keyUsages: [] };
  for (const [k, v] of Object.entries(o)) {
    if (k === "DNSName") {
      if (typeof v !== "string") throw builtinError("'DNSName' should be a string");
      opts.dnsName = v.replace(/^"+|"+$/g, "");
    } else if (k === "CurrentTime") {
      if (typeof v !== "number") throw builtinError("'CurrentTime' should be a number");
      if (!Number.isInteger(v)) throw builtinError("'CurrentTime' should be a valid int64 number");
      opts.currentTimeMs = v / 1e6;
    } else if (k === "MaxConstraintComparisons") {
      if (typeof v !== "number") throw builtinError("'MaxConstraintComparisons' should be a number");
      if (!Number.isInteger(v)) throw builtinError("'MaxConstraintComparisons' should be a valid number");
    } else if (k === "KeyUsages") {
      if (!Array.isArray(v)) throw builtinError("'KeyUsages' should be an Array or Set");
      const names = v.filter((u): u is string => typeof u === "string").map((u) => u.replace(/^"+|"+$/g, ""));
      const invalid = names.filter((u) => !(u in KEY_USAGES));
      if (invalid.length > 0) throw builtinError(`invalid entries for 'KeyUsages' found: [${invalid.join(" ")}]`);
      opts.keyUsages = names.map((u) => KEY_USAGES[u]);
    } else {
      throw builtinError("invalid key option");
    }
  }
  return opts;
}

/** Go's `checkChainForKeyUsage`: each certificate with extended key usages must keep one requested usage. */
function chainAllowsUsages(chain: Certificate[], requested: number[]): boolean {
  if (requested.includes(0)) return true;
  let remaining = new Set(requested);
  for (const cert of [...chain].reverse()) {
    const usages = (cert.json.ExtKeyUsage as number[] | null) ?? [];
    if (usages.length === 0 && cert.json.UnknownExtKeyUsage === null) continue;
    if (usages.includes(0)) continue;
    remaining = new Set([...remaining].filter((u) => usages.includes(u)));
    if (remaining.size === 0) return false;
  }
  return true;
}

/**
 * OPA's `verifyX509CertificateChain`: the first certificate is the root, the last the leaf, those between
 * intermediates; the leaf must chain to the root as Go's `Certificate.Verify` checks it (signatures, CA
 * flags, validity at the given or the evaluation's time, path length, extended key usage, host name).
 */
function verifyChain(certs: Certificate[], opts: VerifyOptions): Certificate[] | undefined {
  if (certs.length < 2) return undefined;
  const nowMs = opts.currentTimeMs ?? Number(evaluationTimeNs() / 1_000_000n);
  const root = certs[0];
  const intermediates = certs.slice(1, -1);
  const leaf = certs[certs.length - 1];
  let node: Map<Certificate, crypto.X509Certificate>;
  try {
    node = new Map(certs.map((c) => [c, new crypto.X509Certificate(c.der)]));
  } catch {
    return undefined;
  }
  const valid = (c: Certificate, chain: Certificate[], asIssuer: boolean): boolean => {
    if (c.json.UnhandledCriticalExtensions !== null) return false;
    if (nowMs < c.notBefore || nowMs > c.notAfter) return false;
    if (asIssuer && c !== root && !(c.json.BasicConstraintsValid && c.json.IsCA)) return false;
    const maxPathLen = c.json.MaxPathLen as number;
    return !(c.json.BasicConstraintsValid && maxPathLen >= 0 && chain.length - 1 > maxPathLen);
  };
  const signedBy = (child: Certificate, parent: Certificate): boolean => {
    const p = parent.json;
    if ((p.Version === 3 && !p.BasicConstraintsValid) || (p.BasicConstraintsValid && !p.IsCA)) return false;
    if (p.KeyUsage !== 0 && !((p.KeyUsage as number) & 32)) return false;
    if (p.PublicKeyAlgorithm === 0 || REFUSED_SIGNATURES.has(child.json.SignatureAlgorithm as number)) return false;
    if (!child.rawIssuer.equals(parent.rawSubject)) return false;
    try {
      return node.get(child)!.verify(node.get(parent)!.publicKey);
    } catch {
      return false;
    }
  };
  if (opts.dnsName !== undefined && opts.dnsName !== "") {
    const x = node.get(leaf)!;
    const ok = /^[0-9.]+$|:/.test(opts.dnsName) ? x.checkIP(opts.dnsName) : x.checkHost(opts.dnsName, { subject: "never" });
    if (ok === undefined) return undefined;
  }
  const chains: Certificate[][] = [];
  const extend = (chain: Certificate[]): void => {
    const current = chain[chain.length - 1];
    for (const parent of [root, ...intermediates]) {
      if (chain.includes(parent) || !signedBy(current, parent)) continue;
      // Path lengths count the intermediates below the candidate: the chain without it.
      if (!valid(parent, chain, true)) continue;
      if (parent === root) chains.push([...chain, parent]);
      else extend([...chain, parent]);
    }
  };
  if (!valid(leaf, [], false)) return undefined;
  extend([leaf]);
  const usages = opts.keyUsages.length > 0 ? opts.keyUsages : [1];
  return chains.find((chain) => chainAllowsUsages(chain, usages));
}

/** `[valid, chain]`; undecodable certificates or a chain that does not verify are `[false, []]`, not errors. */
function parseAndVerify(input: unknown, options: Record<string, unknown> | undefined): unknown {
  const text = stringOperand(input, 1);
  let certs: Certificate[];
  try {
    certs = certificatesFrom(text);
  } catch {
    return [false, []];
  }
  const chain = verifyChain(certs, options === undefined ? { keyUsages: [] } : verifyOptions(options));
  if (!chain) return [false, []];
  // Only the plain variant adds `URIStrings`: OPA extends the certificates there and not with options.
  return sdkResult([true, chain.map((c) => (options === undefined ? withUriStrings(c) : c.json))]);
}

/** OPA's `getPrivateKeysFromPEMData`: every private key block, after an optional base64 layer. */
function privateKeysFrom(pemData: string): crypto.KeyObject[] {
  let text = pemData;
  try {
    text = latin1(goBase64Decode(pemData));
  } catch {
    text = pemData;
  }
  const keys: crypto.KeyObject[] = [];
  while (text.length > 0) {
    const { block, rest } = pemDecode(text);
    if (!block) break;
    text = rest;
    const key = privateKeyFromBlock(block.type, block.bytes);
    if (key) keys.push(key);
  }
  return keys;
}

/** Go's `tls.X509KeyPair` after OPA turns base64 and DER inputs into PEM. */
function keyPair(certText: string, keyText: string): ExactJson {
  const certDers: Buffer[] = [];
  const skipped: string[] = [];
  for (let rest = certText; ; ) {
    const { block, rest: next } = pemDecode(rest);
    if (!block) break;
    if (block.type === "CERTIFICATE") certDers.push(block.bytes);
    else skipped.push(block.type);
    rest = next;
  }
  if (certDers.length === 0) {
    if (skipped.length === 0) throw builtinError("tls: failed to find any PEM data in certificate input");
    if (skipped.length === 1 && skipped[0].endsWith("PRIVATE KEY")) {
      throw builtinError("tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched");
    }
    throw builtinError(`tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${skipped.join(" ")}]`);
  }
  let keyDer: Buffer | undefined;
  const skippedKeys: string[] = [];
  for (let rest = keyText; !keyDer; ) {
    const { block, rest: next } = pemDecode(rest);
    if (!block) {
      if (skippedKeys.length === 0) throw builtinError("tls: failed to find any PEM data in key input");
      if (skippedKeys.length === 1 && skippedKeys[0] === "CERTIFICATE") throw builtinError("tls: found a certificate rather than a key in the PEM for the private key");
      throw builtinError(`tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${skippedKeys.join(" ")}]`);
    }
    if (block.type === "PRIVATE KEY" || block.type.endsWith(" PRIVATE KEY")) keyDer = block.bytes;
    else skippedKeys.push(block.type);
    rest = next;
  }
  const leaf = goCall(() => parseCertificate(certDers[0]));
  const key = ["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY"].reduce<crypto.KeyObject | undefined>((found, type) => {
    if (found) return found;
    try {
      return privateKeyFromBlock(type, keyDer!);
    } catch {
      return undefined;
    }
  }, undefined);
  if (!key) throw builtinError("tls: failed to parse private key");
  const expected = ({ 1: "rsa", 3: "ec", 4: "ed25519" } as Record<number, string>)[leaf.json.PublicKeyAlgorithm as number];
  if (!expected) throw builtinError("tls: unknown public key algorithm");
  if (key.asymmetricKeyType !== expected) throw builtinError("tls: private key type does not match public key type");
  const spki = crypto.createPublicKey(key).export({ type: "spki", format: "der" });
  if (!spki.equals(Buffer.from(leaf.json.RawSubjectPublicKeyInfo as string, "base64"))) {
    throw builtinError("tls: private key does not match public key");
  }
  return {
    Certificate: certDers.map((d) => d.toString("base64")), PrivateKey: privateKeyJson(key),
    SupportedSignatureAlgorithms: null, OCSPStaple: null, SignedCertificateTimestamps: null, Leaf: leaf.json,
  };
}

/** OPA's `getTLSx509KeyPairFromString`: base64 inputs decoded, DER wrapped as PEM. */
function pemOrWrapped(input: string, type: string): string {
  const text = input.startsWith("-----BEGIN ") ? input : latin1(goCall(() => goBase64Decode(input)));
  return text.startsWith("-----BEGIN") ? text : `-----BEGIN ${type}-----\n${Buffer.from(text, "latin1").toString("base64")}\n-----END ${type}-----\n`;
}

export const builtins: HostFamily = {
  "crypto.x509.parse_certificates": (input: unknown) => {
    const text = stringOperand(input, 1);
    return sdkResult(goCall(() => certificatesFrom(text)).map(withUriStrings));
  },
  "crypto.x509.parse_and_verify_certificates": (input: unknown) => parseAndVerify(input, undefined),
  "crypto.x509.parse_and_verify_certificates_with_options": (input: unknown, options: unknown) => {
    stringOperand(input, 1);
    return parseAndVerify(input, objectOperand(options, 2));
  },
  "crypto.x509.parse_certificate_request": (input: unknown) => {
    const text = stringOperand(input, 1);
    let bytes = text.startsWith("-----BEGIN CERTIFICATE REQUEST-----") ? Buffer.from(text, "utf8") : goCall(() => goBase64Decode(text));
    const { block } = pemDecode(latin1(bytes));
    if (block && block.type !== "CERTIFICATE REQUEST") throw builtinError("invalid PEM-encoded certificate signing request");
    if (block) bytes = block.bytes;
    return sdkResult(goCall(() => parseCertificateRequest(bytes)));
  },
  "crypto.x509.parse_keypair": (cert: unknown, key: unknown) => {
    const certText = pemOrWrapped(stringOperand(cert, 1), "CERTIFICATE");
    const keyText = pemOrWrapped(stringOperand(key, 1), "PRIVATE KEY");
    return sdkResult(keyPair(certText, keyText));
  },
  "crypto.x509.parse_rsa_private_key": (input: unknown) => {
    let text = stringOperand(input, 1);
    if (text === "") throw builtinError("input PEM data was empty");
    if (!text.startsWith("-----BEGIN")) text = latin1(goCall(() => goBase64Decode(text)));
    const keys = goCall(() => privateKeysFrom(text));
    return keys.length === 0 ? null : goCall(() => keys[0].export({ format: "jwk" }));
  },
  "crypto.parse_private_keys": (input: unknown) => {
    const text = stringOperand(input, 1);
    if (text === "") return null;
    return sdkResult(goCall(() => privateKeysFrom(text)).map(privateKeyJson));
  },
};
