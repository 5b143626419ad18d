/**
 * PKCS #10 certificate requests parsed as Go's `x509.ParseCertificateRequest` does (on `encoding/asn1`,
 * whose error wording it keeps), into the JSON Go makes of `x509.CertificateRequest`.
 */
import { Der, TAG, asn1Value, ctx, oidString } from "./asn1";
import type { ExactJson } from "./go-encoding";
import { Extension, X509Error, b64, extensionJson, orNull, parseSans, readExtension } from "./x509-cert";
import { parseName, parsePublicKeyInfo, signatureAlgorithm } from "./x509-keys";

/** Go's `x509.ParseCertificateRequest` (PKCS #10), with `encoding/asn1`'s wording for malformed input. */
export function parseCertificateRequest(input: Buffer): Record<string, ExactJson> {
  const structure = (detail: string): X509Error => new X509Error(`asn1: structure error: ${detail}`);
  const outer = new Der(input).element();
  if (!outer || outer.tag !== TAG.SEQUENCE) throw structure("tags don't match");
  const csr = new Der(outer.content);
  const info = csr.element(TAG.SEQUENCE);
  const sigAlg = csr.element(TAG.SEQUENCE);
  const signature = csr.bitString();
  if (!info || !sigAlg || !signature) throw structure("tags don't match");
  const tbs = new Der(info.content);
  const version = tbs.integer();
  const subject = tbs.element(TAG.SEQUENCE);
  const spki = tbs.element(TAG.SEQUENCE);
  const attributes = tbs.optional(ctx(0, true));
  if (version === undefined || !subject || !spki || attributes === undefined) throw structure("tags don't match");
  const key = parsePublicKeyInfo(spki.full, (m) => new X509Error(m));
  const subjectName = parseName(subject.full, (m) => new X509Error(m), true);

  const attributeJson: ExactJson[] = [];
  let extensions: Extension[] = [];
  while (attributes && !attributes.empty()) {
    const attr = attributes.read(TAG.SEQUENCE);
    if (!attr) throw new X509Error("asn1: structure error: tags don't match");
    const type = attr.oid();
    const values = attr.element(TAG.SET);
    if (!type || !values) continue;
    if (oidString(type) === "1.2.840.113549.1.9.14") extensions = extensions.concat(requestedExtensions(values.content));
    const parsed = attributeValueSets(values.content);
    if (parsed) attributeJson.push({ Type: type, Value: parsed });
  }
  const fields: Record<string, ExactJson> = { DNSNames: null, EmailAddresses: null, IPAddresses: null, URIs: null };
  const san = extensions.find((e) => oidString(e.id) === "2.5.29.17");
  if (san) {
    const sans = parseSans(san.value);
    Object.assign(fields, { DNSNames: orNull(sans.DNSNames), EmailAddresses: orNull(sans.EmailAddresses), IPAddresses: orNull(sans.IPAddresses), URIs: orNull(sans.URIs) });
  }
  return {
    Raw: b64(outer.full), RawTBSCertificateRequest: b64(info.full), RawSubjectPublicKeyInfo: b64(spki.full), RawSubject: b64(subject.full),
    Version: Number(version), Signature: b64(signature.bytes), SignatureAlgorithm: signatureAlgorithm(sigAlg.content),
    PublicKeyAlgorithm: key.algorithm, PublicKey: key.json, Subject: subjectName.json, Attributes: orNull(attributeJson),
    Extensions: orNull(extensions.map(extensionJson)), ExtraExtensions: null, ...fields,
  };
}

/** The extensions an `extensionRequest` attribute asks for (its first value, a SEQUENCE OF Extension). */
function requestedExtensions(values: Buffer): Extension[] {
  const list = new Der(values).read(TAG.SEQUENCE);
  if (!list) throw new X509Error("asn1: structure error: tags don't match");
  const out: Extension[] = [];
  while (!list.empty()) {
    const ext = readExtension(list.read(TAG.SEQUENCE));
    if (out.some((x) => oidString(x.id) === oidString(ext.id))) {
      throw new X509Error("x509: certificate request contains duplicate requested extensions");
    }
    out.push(ext);
  }
  return out;
}

/**
 * An attribute's values as Go's deprecated `CertificateRequest.Attributes` holds them: sets of
 * `{Type, Value}` pairs, or nothing for attributes of another shape (Go skips those).
 */
function attributeValueSets(values: Buffer): ExactJson[] | undefined {
  const set = new Der(values);
  const sets: ExactJson[] = [];
  while (!set.empty()) {
    const seq = set.read(TAG.SEQUENCE);
    if (!seq) return undefined;
    const members: ExactJson[] = [];
    while (!seq.empty()) {
      const member = seq.read(TAG.SEQUENCE);
      const type = member?.oid();
      const value = member?.element();
      if (!type || !value) return undefined;
      members.push({ Type: type, Value: asn1Value(value) });
    }
    sets.push(members);
  }
  return sets;
}
