/**
 * X.509 certificates and certificate requests parsed the way Go's `crypto/x509` does, into the JSON Go's
 * `encoding/json` makes of `x509.Certificate` and `x509.CertificateRequest` (what OPA returns): every field,
 * `null` for nil slices, base64 for bytes, big integers exact, Go's error messages for malformed input.
 */
import { Der, Element, TAG, ctx, derTime, oidString } from "./asn1";
import type { ExactJson } from "./go-encoding";
import { goUrl, ipString } from "./go-net-url";
import { Name, PublicKeyInfo, parseName, parsePublicKeyInfo, signatureAlgorithm } from "./x509-keys";

export class X509Error extends Error {}

export const b64 = (b: Buffer | undefined): string | null => (b === undefined ? null : b.toString("base64"));
export const orNull = <T>(list: T[]): T[] | null => (list.length === 0 ? null : list);

const EXT_KEY_USAGES: Record<string, number> = {
  "2.5.29.37.0": 0, "1.3.6.1.5.5.7.3.1": 1, "1.3.6.1.5.5.7.3.2": 2, "1.3.6.1.5.5.7.3.3": 3, "1.3.6.1.5.5.7.3.4": 4,
  "1.3.6.1.5.5.7.3.5": 5, "1.3.6.1.5.5.7.3.6": 6, "1.3.6.1.5.5.7.3.7": 7, "1.3.6.1.5.5.7.3.8": 8,
  "1.3.6.1.5.5.7.3.9": 9, "1.3.6.1.4.1.311.10.3.3": 10, "2.16.840.1.113730.4.1": 11, "1.3.6.1.4.1.311.2.1.22": 12,
  "1.3.6.1.4.1.311.61.1.1": 13,
};

export interface Extension {
  id: number[];
  critical: boolean;
  value: Buffer;
}

/** Subject alternative names, as `parseSANExtension` sorts them. */
interface AltNames {
  DNSNames: string[];
  EmailAddresses: string[];
  IPAddresses: string[];
  URIs: ExactJson[];
  URIStrings: string[];
}

export function parseSans(value: Buffer): AltNames {
  const out: AltNames = { DNSNames: [], EmailAddresses: [], IPAddresses: [], URIs: [], URIStrings: [] };
  const seq = new Der(value).read(TAG.SEQUENCE);
  if (!seq) throw new X509Error("x509: invalid subject alternative names");
  while (!seq.empty()) {
    const e = seq.element();
    if (!e) throw new X509Error("x509: invalid subject alternative name");
    const text = e.content.toString("latin1");
    switch (e.tag & 0x1f) {
      case 1: out.EmailAddresses.push(text); break;
      case 2: out.DNSNames.push(text); break;
      case 6: {
        const url = goUrl(text);
        if (!url) throw new X509Error(`x509: cannot parse URI ${JSON.stringify(text)}`);
        out.URIs.push(url.json);
        out.URIStrings.push(url.text);
        break;
      }
      case 7:
        if (e.content.length !== 4 && e.content.length !== 16) {
          throw new X509Error(`x509: cannot parse IP address of length ${e.content.length}`);
        }
        out.IPAddresses.push(ipString(e.content));
        break;
    }
  }
  return out;
}

function generalSubtrees(der: Der | null): { dns: string[]; ips: ExactJson[]; emails: string[]; uris: string[] } {
  const out = { dns: [] as string[], ips: [] as ExactJson[], emails: [] as string[], uris: [] as string[] };
  while (der && !der.empty()) {
    const e = der.read(TAG.SEQUENCE)?.element();
    if (!e) throw new X509Error("x509: invalid NameConstraints extension");
    const text = e.content.toString("latin1");
    if (e.tag === ctx(2)) out.dns.push(text);
    else if (e.tag === ctx(1)) out.emails.push(text);
    else if (e.tag === ctx(6)) out.uris.push(text);
    else if (e.tag === ctx(7)) {
      const half = e.content.length / 2;
      if (half !== 4 && half !== 16) throw new X509Error(`x509: IP constraint contained value of length ${e.content.length}`);
      out.ips.push({ IP: ipString(e.content.subarray(0, half)), Mask: e.content.subarray(half).toString("base64") });
    }
  }
  return out;
}

function oidList(der: Der | undefined, message: string): number[][] {
  if (!der) throw new X509Error(message);
  const out: number[][] = [];
  while (!der.empty()) {
    const oid = der.oid();
    if (!oid) throw new X509Error(message);
    out.push(oid);
  }
  return out;
}

/** Go's `processExtensions`: the fields each extension it knows fills in. */
function applyExtensions(cert: Record<string, ExactJson>, exts: Extension[], uriStrings: string[]): void {
  const unhandled: number[][] = [];
  for (const e of exts) {
    const id = oidString(e.id);
    const der = new Der(e.value);
    let known = true;
    if (id === "2.5.29.15") {
      const bits = der.bitString();
      if (!bits) throw new X509Error("x509: invalid key usage");
      let usage = 0;
      for (let i = 0; i < 9; i++) if ((bits.bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) usage |= 1 << i;
      cert.KeyUsage = usage;
    } else if (id === "2.5.29.19") {
      const seq = der.read(TAG.SEQUENCE);
      const isCA = seq?.peekTag() === TAG.BOOLEAN ? seq.boolean() : false;
      const pathLen = seq?.peekTag() === TAG.INTEGER ? seq.integer() : -1n;
      if (!seq || isCA === undefined || pathLen === undefined || pathLen < -1n) throw new X509Error("x509: invalid basic constraints");
      Object.assign(cert, { IsCA: isCA, MaxPathLen: Number(pathLen), BasicConstraintsValid: true, MaxPathLenZero: pathLen === 0n });
    } else if (id === "2.5.29.17") {
      const sans = parseSans(e.value);
      Object.assign(cert, { DNSNames: orNull(sans.DNSNames), EmailAddresses: orNull(sans.EmailAddresses), IPAddresses: orNull(sans.IPAddresses), URIs: orNull(sans.URIs) });
      uriStrings.push(...sans.URIStrings);
      known = sans.DNSNames.length + sans.EmailAddresses.length + sans.IPAddresses.length + sans.URIs.length > 0;
    } else if (id === "2.5.29.30") {
      const seq = der.read(TAG.SEQUENCE);
      const permitted = seq?.optional(ctx(0, true));
      const excluded = seq?.optional(ctx(1, true));
      if (!seq || permitted === undefined || excluded === undefined) throw new X509Error("x509: invalid NameConstraints extension");
      const p = generalSubtrees(permitted);
      const x = generalSubtrees(excluded);
      Object.assign(cert, {
        PermittedDNSDomainsCritical: e.critical, PermittedDNSDomains: orNull(p.dns), ExcludedDNSDomains: orNull(x.dns),
        PermittedIPRanges: orNull(p.ips), ExcludedIPRanges: orNull(x.ips), PermittedEmailAddresses: orNull(p.emails),
        ExcludedEmailAddresses: orNull(x.emails), PermittedURIDomains: orNull(p.uris), ExcludedURIDomains: orNull(x.uris),
      });
    } else if (id === "2.5.29.31") {
      const points: string[] = [];
      const seq = der.read(TAG.SEQUENCE);
      if (!seq) throw new X509Error("x509: invalid CRL distribution points");
      while (!seq.empty()) {
        const point = seq.read(TAG.SEQUENCE);
        if (!point) throw new X509Error("x509: invalid CRL distribution point");
        const names = point.optional(ctx(0, true))?.read(ctx(0, true));
        for (let uri = names?.element(ctx(6)); uri; uri = names?.element(ctx(6))) points.push(uri.content.toString("latin1"));
      }
      cert.CRLDistributionPoints = orNull(points);
    } else if (id === "2.5.29.35") {
      const akid = der.read(TAG.SEQUENCE);
      if (!akid) throw new X509Error("x509: invalid authority key identifier");
      const keyId = akid.peekTag() === ctx(0) ? akid.element()?.content : undefined;
      cert.AuthorityKeyId = b64(keyId);
    } else if (id === "2.5.29.37") {
      const oids = oidList(der.read(TAG.SEQUENCE), "x509: invalid extended key usages");
      cert.ExtKeyUsage = orNull(oids.filter((o) => oidString(o) in EXT_KEY_USAGES).map((o) => EXT_KEY_USAGES[oidString(o)]));
      cert.UnknownExtKeyUsage = orNull(oids.filter((o) => !(oidString(o) in EXT_KEY_USAGES)));
    } else if (id === "2.5.29.14") {
      const skid = der.element(TAG.OCTET_STRING);
      if (!skid) throw new X509Error("x509: invalid subject key identifier");
      cert.SubjectKeyId = b64(skid.content);
    } else if (id === "2.5.29.32") {
      const seq = der.read(TAG.SEQUENCE);
      const policies: number[][] = [];
      while (seq && !seq.empty()) {
        const oid = seq.read(TAG.SEQUENCE)?.oid();
        if (!oid) throw new X509Error("x509: invalid certificate policies");
        policies.push(oid);
      }
      cert.PolicyIdentifiers = policies;
      cert.Policies = orNull(policies.map(oidString));
    } else if (id === "2.5.29.36") {
      const seq = der.read(TAG.SEQUENCE);
      const explicit = seq?.peekTag() === ctx(0) ? seq.integer(ctx(0)) : null;
      const mapping = seq?.peekTag() === ctx(1) ? seq.integer(ctx(1)) : null;
      if (!seq || explicit === undefined || mapping === undefined) throw new X509Error("x509: invalid policy constraints extension");
      if (explicit !== null) Object.assign(cert, { RequireExplicitPolicy: Number(explicit), RequireExplicitPolicyZero: explicit === 0n });
      if (mapping !== null) Object.assign(cert, { InhibitPolicyMapping: Number(mapping), InhibitPolicyMappingZero: mapping === 0n });
    } else if (id === "2.5.29.33") {
      const seq = der.read(TAG.SEQUENCE);
      const mappings: ExactJson[] = [];
      while (seq && !seq.empty()) {
        const pair = seq.read(TAG.SEQUENCE);
        const [issuer, subject] = [pair?.oid(), pair?.oid()];
        if (!issuer || !subject) throw new X509Error("x509: invalid policy mappings extension");
        mappings.push({ IssuerDomainPolicy: oidString(issuer), SubjectDomainPolicy: oidString(subject) });
      }
      cert.PolicyMappings = orNull(mappings);
    } else if (id === "2.5.29.54") {
      const n = der.integer();
      if (n === undefined) throw new X509Error("x509: invalid inhibit any policy extension");
      Object.assign(cert, { InhibitAnyPolicy: Number(n), InhibitAnyPolicyZero: n === 0n });
    } else if (id === "1.3.6.1.5.5.7.1.1") {
      const ocsp: string[] = [];
      const issuers: string[] = [];
      const seq = der.read(TAG.SEQUENCE);
      if (!seq) throw new X509Error("x509: invalid authority info access");
      while (!seq.empty()) {
        const access = seq.read(TAG.SEQUENCE);
        const method = access?.oid();
        if (!access || !method) throw new X509Error("x509: invalid authority info access");
        if (access.peekTag() !== ctx(6)) continue;
        const location = access.element()?.content.toString("latin1");
        if (location === undefined) throw new X509Error("x509: invalid authority info access");
        if (oidString(method) === "1.3.6.1.5.5.7.48.1") ocsp.push(location);
        else if (oidString(method) === "1.3.6.1.5.5.7.48.2") issuers.push(location);
      }
      Object.assign(cert, { OCSPServer: orNull(ocsp), IssuingCertificateURL: orNull(issuers) });
    } else {
      known = false;
    }
    if (e.critical && !known) unhandled.push(e.id);
  }
  cert.UnhandledCriticalExtensions = orNull(unhandled);
}

export function readExtension(der: Der | undefined): Extension {
  const id = der?.oid();
  if (!der || !id) throw new X509Error("x509: malformed extension OID field");
  const critical = der.peekTag() === TAG.BOOLEAN ? der.boolean() : false;
  if (critical === undefined) throw new X509Error("x509: malformed extension critical field");
  const value = der.element(TAG.OCTET_STRING);
  if (!value) throw new X509Error("x509: malformed extension value field");
  return { id, critical, value: value.content };
}

export const extensionJson = (e: Extension): ExactJson => ({ Id: e.id, Critical: e.critical, Value: e.value.toString("base64") });

/** A parsed certificate: Go's JSON of it, plus what chain verification needs. */
export interface Certificate {
  json: Record<string, ExactJson>;
  der: Buffer;
  rawSubject: Buffer;
  rawIssuer: Buffer;
  notBefore: number;
  notAfter: number;
  uriStrings: string[];
}

function certificateFields(): Record<string, ExactJson> {
  const fields: Record<string, ExactJson> = { KeyUsage: 0, BasicConstraintsValid: false, IsCA: false, MaxPathLen: 0, MaxPathLenZero: false, PermittedDNSDomainsCritical: false };
  for (const f of ["Extensions", "ExtraExtensions", "UnhandledCriticalExtensions", "ExtKeyUsage", "UnknownExtKeyUsage", "SubjectKeyId", "AuthorityKeyId",
    "OCSPServer", "IssuingCertificateURL", "DNSNames", "EmailAddresses", "IPAddresses", "URIs", "PermittedDNSDomains", "ExcludedDNSDomains",
    "PermittedIPRanges", "ExcludedIPRanges", "PermittedEmailAddresses", "ExcludedEmailAddresses", "PermittedURIDomains", "ExcludedURIDomains",
    "CRLDistributionPoints", "PolicyIdentifiers", "Policies", "PolicyMappings"]) fields[f] = null;
  for (const f of ["InhibitAnyPolicy", "InhibitPolicyMapping", "RequireExplicitPolicy"]) Object.assign(fields, { [f]: 0, [`${f}Zero`]: false });
  return fields;
}

/** Go's `parseCertificate`: the first certificate of `der` (callers split concatenated certificates by `der`). */
export function parseCertificate(input: Buffer): Certificate {
  const outer = new Der(input).element(TAG.SEQUENCE);
  if (!outer) throw new X509Error("x509: malformed certificate");
  const cert = new Der(outer.content);
  const tbsElement = cert.element(TAG.SEQUENCE);
  if (!tbsElement) throw new X509Error("x509: malformed tbs certificate");
  const tbs = new Der(tbsElement.content);
  const versionDer = tbs.optional(ctx(0, true));
  const version = versionDer === null ? 0n : versionDer?.integer();
  if (version === undefined || version < 0n) throw new X509Error("x509: malformed version");
  if (version > 2n) throw new X509Error("x509: invalid version");
  const serial = tbs.integer();
  if (serial === undefined) throw new X509Error("x509: malformed serial number");
  if (serial < 0n) throw new X509Error("x509: negative serial number");
  const sigAlgInner = tbs.element(TAG.SEQUENCE);
  if (!sigAlgInner) throw new X509Error("x509: malformed signature algorithm identifier");
  const sigAlgOuter = cert.element(TAG.SEQUENCE);
  if (!sigAlgOuter) throw new X509Error("x509: malformed algorithm identifier");
  if (!sigAlgOuter.full.equals(sigAlgInner.full)) throw new X509Error("x509: inner and outer signature algorithm identifiers don't match");
  const issuer = tbs.element(TAG.SEQUENCE);
  if (!issuer) throw new X509Error("x509: malformed issuer");
  const validity = tbs.read(TAG.SEQUENCE);
  if (!validity) throw new X509Error("x509: malformed validity");
  const times = [validity.element(), validity.element()].map((e: Element | undefined) => e && derTime(e));
  if (times.some((t) => t === undefined)) throw new X509Error("x509: malformed UTCTime");
  const subject = tbs.element(TAG.SEQUENCE);
  if (!subject) throw new X509Error("x509: malformed issuer");
  const spki = tbs.element(TAG.SEQUENCE);
  if (!spki) throw new X509Error("x509: malformed spki");
  const key: PublicKeyInfo = parsePublicKeyInfo(spki.full, (m) => new X509Error(m));
  const issuerName: Name = parseName(issuer.full, (m) => new X509Error(m));
  const subjectName: Name = parseName(subject.full, (m) => new X509Error(m));

  const json = certificateFields();
  const extensions: Extension[] = [];
  const uriStrings: string[] = [];
  if (version >= 1n) {
    for (const [n, what] of [[1, "issuerUniqueID"], [2, "subjectUniqueID"]] as const) {
      if (tbs.peekTag() === ctx(n) && !tbs.element()) throw new X509Error(`x509: malformed ${what}`);
    }
    if (version === 2n) {
      const exts = tbs.optional(ctx(3, true));
      if (exts === undefined) throw new X509Error("x509: malformed extensions");
      const list = exts?.read(TAG.SEQUENCE);
      if (exts && !list) throw new X509Error("x509: malformed extensions");
      while (list && !list.empty()) {
        const ext = readExtension(list.read(TAG.SEQUENCE));
        if (extensions.some((x) => oidString(x.id) === oidString(ext.id))) {
          throw new X509Error(`x509: certificate contains duplicate extension with OID "${oidString(ext.id)}"`);
        }
        extensions.push(ext);
      }
      if (extensions.length > 0) json.Extensions = extensions.map(extensionJson);
      applyExtensions(json, extensions, uriStrings);
    }
  }
  const signature = cert.bitString();
  if (!signature) throw new X509Error("x509: malformed signature");

  Object.assign(json, {
    Raw: b64(outer.full), RawTBSCertificate: b64(tbsElement.full), RawSubjectPublicKeyInfo: b64(spki.full),
    RawSubject: b64(subject.full), RawIssuer: b64(issuer.full), Signature: b64(signature.bytes),
    SignatureAlgorithm: signatureAlgorithm(sigAlgInner.content), PublicKeyAlgorithm: key.algorithm, PublicKey: key.json,
    Version: Number(version) + 1, SerialNumber: serial, Issuer: issuerName.json, Subject: subjectName.json,
    NotBefore: times[0]!, NotAfter: times[1]!,
  });
  return {
    json, der: outer.full, rawSubject: subject.full, rawIssuer: issuer.full,
    notBefore: Date.parse(times[0]!), notAfter: Date.parse(times[1]!), uriStrings,
  };
}

/** Go's `x509.ParseCertificates`: concatenated DER certificates. */
export function parseCertificates(der: Buffer): Certificate[] {
  const out: Certificate[] = [];
  let rest = der;
  while (rest.length > 0) {
    const cert = parseCertificate(rest);
    out.push(cert);
    rest = rest.subarray(cert.der.length);
  }
  return out;
}
