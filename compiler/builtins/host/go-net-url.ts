/**
 * The parts of Go's `net/url` and `net` that certificate output and request signing show: `url.Parse` into
 * the fields Go's JSON prints for a `*url.URL`, `EscapedPath`, `String`, and `net.IP.String`.
 */
import type { ExactJson } from "./go-encoding";

type EscapeMode = "path" | "fragment" | "host";

/** Go's `shouldEscape` for the modes a parsed URL uses. */
function shouldEscape(c: string, mode: EscapeMode): boolean {
  if (/[A-Za-z0-9\-_.~]/.test(c)) return false;
  if (mode === "host" && "!$&'()*+,;=:[]<>\"".includes(c)) return false;
  if ("$&+,/:;=?@".includes(c)) return mode === "path" ? c === "?" : mode === "fragment" ? false : true;
  if (mode === "fragment" && "!()*".includes(c)) return false;
  return true;
}

function escape(s: string, mode: EscapeMode): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && !shouldEscape(c, mode) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

class UrlError extends Error {}

/** Go's `unescape`: `%XX` sequences to bytes; a malformed escape is an error. */
function unescape(s: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(s, "utf8");
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x25) {
      bytes.push(raw[i]);
      continue;
    }
    const hex = raw.subarray(i + 1, i + 3).toString("latin1");
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new UrlError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Go's `validEncoded`: `s` needs no further escaping to be a path. */
function validEncoded(s: string): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]".includes(c) || c === "%") continue;
    if (shouldEscape(c, "path")) return false;
  }
  return true;
}

export interface GoUrl {
  scheme: string;
  opaque: string;
  hasUser: boolean;
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
}

/** Go's `url.Parse`; `undefined` where Go reports an error. */
export function parseGoUrl(raw: string): GoUrl | undefined {
  if (/[\x00-\x1f\x7f]/.test(raw)) return undefined;
  const hash = raw.indexOf("#");
  let rest = hash < 0 ? raw : raw.slice(0, hash);
  const u: GoUrl = { scheme: "", opaque: "", hasUser: false, host: "", path: "", rawPath: "", omitHost: false, forceQuery: false, rawQuery: "", fragment: "" };
  try {
    if (hash >= 0) u.fragment = unescape(raw.slice(hash + 1));
    if (rest === "*") return { ...u, path: "*" };
    const scheme = /^([A-Za-z][A-Za-z0-9+\-.]*)?:/.exec(rest);
    if (scheme && scheme[1] === undefined) return undefined;
    if (scheme) {
      u.scheme = scheme[1].toLowerCase();
      rest = rest.slice(scheme[0].length);
    }
    if (rest.endsWith("?") && rest.indexOf("?") === rest.length - 1) {
      u.forceQuery = true;
      rest = rest.slice(0, -1);
    } else if (rest.includes("?")) {
      u.rawQuery = rest.slice(rest.indexOf("?") + 1);
      rest = rest.slice(0, rest.indexOf("?"));
    }
    if (!rest.startsWith("/")) {
      if (u.scheme !== "") return { ...u, opaque: rest };
      if (rest.split("/")[0].includes(":")) return undefined;
    }
    if (rest.startsWith("//") && (u.scheme !== "" || !rest.startsWith("///"))) {
      const slash = rest.indexOf("/", 2);
      const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
      rest = slash < 0 ? "" : rest.slice(slash);
      const at = authority.lastIndexOf("@");
      u.hasUser = at >= 0;
      u.host = unescape(authority.slice(at + 1));
    } else if (u.scheme !== "" && rest.startsWith("/")) {
      u.omitHost = true;
    }
    u.path = unescape(rest);
    u.rawPath = escape(u.path, "path") === rest ? "" : rest;
    return u;
  } catch (e) {
    if (e instanceof UrlError) return undefined;
    throw e;
  }
}

/** Go's `URL.EscapedPath`: the path as written when that is a valid encoding of it, else Go's escaping. */
export function escapedPath(u: GoUrl): string {
  if (u.rawPath !== "" && validEncoded(u.rawPath)) {
    try {
      if (unescape(u.rawPath) === u.path) return u.rawPath;
    } catch {
      // An invalid raw path falls back to escaping the decoded one.
    }
  }
  return u.path === "*" ? "*" : escape(u.path, "path");
}

/** Go's `URL.String` (user info, which certificates do not carry in practice, prints as `@`). */
export function urlString(u: GoUrl): string {
  let out = u.scheme !== "" ? `${u.scheme}:` : "";
  if (u.opaque !== "") {
    out += u.opaque;
  } else {
    if ((u.scheme !== "" || u.host !== "" || u.hasUser) && !(u.omitHost && u.host === "" && !u.hasUser)) {
      if (u.host !== "" || u.path !== "" || u.hasUser) out += "//";
      if (u.hasUser) out += "@";
      out += escape(u.host, "host");
    }
    const path = escapedPath(u);
    if (path !== "" && path[0] !== "/" && u.host !== "") out += "/";
    if (out === "" && path.split("/")[0].includes(":")) out += "./";
    out += path;
  }
  if (u.forceQuery || u.rawQuery !== "") out += `?${u.rawQuery}`;
  if (u.fragment !== "") out += `#${escape(u.fragment, "fragment")}`;
  return out;
}

/** A URI as Go's JSON prints a `*url.URL` (a struct of its fields), and as its `String()`. */
export function goUrl(raw: string): { json: ExactJson; text: string } | undefined {
  const u = parseGoUrl(raw);
  if (!u) return undefined;
  const json = {
    Scheme: u.scheme, Opaque: u.opaque, User: u.hasUser ? {} : null, Host: u.host, Path: u.path, RawPath: u.rawPath,
    OmitHost: u.omitHost, ForceQuery: u.forceQuery, RawQuery: u.rawQuery, Fragment: u.fragment, RawFragment: "",
  };
  return { json, text: urlString(u) };
}

/** Go's `net.IP.String`: dotted IPv4 (also for IPv4-mapped IPv6), else RFC 5952 IPv6. */
export function ipString(ip: Buffer): string {
  if (ip.length === 4) return Array.from(ip).join(".");
  if (ip.length === 16 && ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff) {
    return Array.from(ip.subarray(12)).join(".");
  }
  if (ip.length !== 16) return `?${ip.toString("hex")}`;
  const groups = Array.from({ length: 8 }, (_, i) => ip.readUInt16BE(i * 2));
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}
