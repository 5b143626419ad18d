/**
 * Go's `net/url.Parse`, which OPA's `uri.*` builtins and JSON Schema's `uri`-family formats rest on: its
 * lenient grammar (opaque URLs, scheme-less references), its checks (control characters, bad `%` escapes,
 * colons in a first relative segment, non-numeric ports, characters a host may not hold) and its wording.
 */

export interface GoURL {
  scheme: string;
  opaque: string;
  user: string | null;
  host: string;
  path: string;
  /** The path as written when it differs from Go's escaping of `path`, else "". */
  rawPath: string;
  rawQuery: string;
  fragment: string;
}

export class URLError extends Error {}

type Mode = "path" | "host" | "userinfo" | "fragment";

/** Go's `shouldEscape`: whether byte `c` must be %-escaped in the given part of a URL. */
function shouldEscape(c: number, mode: Mode): boolean {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9]/.test(ch)) return false;
  if (mode === "host" && "!$&'()*+,;=:[]<>\"".includes(ch)) return false;
  if ("-_.~".includes(ch)) return false;
  if ("$&+,/:;=?@".includes(ch)) {
    if (mode === "path") return ch === "?";
    if (mode === "userinfo") return ch === "@" || ch === "/" || ch === "?" || ch === ":";
    return mode !== "fragment" && mode !== "host";
  }
  if (mode === "fragment" && "!()*".includes(ch)) return false;
  return true;
}

const isHex = (c: string): boolean => /^[0-9A-Fa-f]$/.test(c);

/** Go's `unescape`: decodes %XX escapes (as UTF-8 bytes), rejecting malformed ones and, in hosts, bad bytes. */
function unescape(s: string, mode: Mode): string {
  const bytes = Buffer.from(s, "utf8");
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x25) {
      const escape = bytes.subarray(i, i + 3).toString("latin1");
      if (i + 2 >= bytes.length || !isHex(escape[1]) || !isHex(escape[2])) {
        throw new URLError(`invalid URL escape ${JSON.stringify(escape)}`);
      }
      if (mode === "host" && parseInt(escape[1], 16) < 8 && escape !== "%25") {
        throw new URLError(`invalid URL escape ${JSON.stringify(escape)}`);
      }
      out.push(parseInt(escape.slice(1), 16));
      i += 2;
    } else {
      if (mode === "host" && c < 0x80 && shouldEscape(c, mode)) {
        throw new URLError(`invalid character ${JSON.stringify(String.fromCharCode(c))} in host name`);
      }
      out.push(c);
    }
  }
  return Buffer.from(out).toString("utf8");
}

/** Go's `escape` for paths, used to decide whether the written path needs keeping as `RawPath`. */
function escapePath(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    out += shouldEscape(b, "path") ? `%${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b);
  }
  return out;
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ["", raw];
      continue;
    }
    if (c === ":") {
      if (i === 0) throw new URLError("missing protocol scheme");
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ["", raw];
  }
  return ["", raw];
}

const validOptionalPort = (port: string): boolean => port === "" || /^:\d*$/.test(port);

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close < 0) throw new URLError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new URLError(`invalid port ${JSON.stringify(colonPort)} after host`);
    const zone = host.slice(0, close).indexOf("%25");
    if (zone >= 0) {
      return (
        unescape(host.slice(0, zone), "host") +
        unescape(host.slice(zone, close), "host") +
        unescape(host.slice(close), "host")
      );
    }
  } else {
    const colon = host.lastIndexOf(":");
    if (colon >= 0 && !validOptionalPort(host.slice(colon))) {
      throw new URLError(`invalid port ${JSON.stringify(host.slice(colon))} after host`);
    }
  }
  return unescape(host, "host");
}

function parseAuthority(authority: string): { user: string | null; host: string } {
  const at = authority.lastIndexOf("@");
  const host = parseHost(authority.slice(at + 1));
  if (at < 0) return { user: null, host };
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new URLError("net/url: invalid userinfo");
  return { user: unescape(userinfo, "userinfo"), host };
}

function parseWithoutFragment(raw: string): GoURL {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new URLError("net/url: invalid control character in URL");
  const url: GoURL = {
    scheme: "",
    opaque: "",
    user: null,
    host: "",
    path: "",
    rawPath: "",
    rawQuery: "",
    fragment: "",
  };
  if (raw === "*") return { ...url, path: "*" };
  let rest: string;
  [url.scheme, rest] = getScheme(raw);
  url.scheme = url.scheme.toLowerCase();
  if (rest.endsWith("?") && rest.split("?").length === 2) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf("?");
    if (q >= 0) [rest, url.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith("/")) {
    if (url.scheme !== "") return { ...url, opaque: rest };
    if (rest.split("/")[0].includes(":")) throw new URLError("first path segment in URL cannot contain colon");
  }
  if ((url.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const slash = authority.indexOf("/");
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    ({ user: url.user, host: url.host } = parseAuthority(authority));
  }
  url.path = unescape(rest, "path");
  url.rawPath = escapePath(url.path) === rest ? "" : rest;
  return url;
}

/** Go's `url.Parse`; failures throw `URLError` worded as Go's `*url.Error`. */
export function parseURL(raw: string): GoURL {
  const hash = raw.indexOf("#");
  const main = hash < 0 ? raw : raw.slice(0, hash);
  let url: GoURL;
  try {
    url = parseWithoutFragment(main);
  } catch (e) {
    throw e instanceof URLError ? new URLError(`parse ${JSON.stringify(main)}: ${e.message}`) : e;
  }
  if (hash >= 0) {
    try {
      url.fragment = unescape(raw.slice(hash + 1), "fragment");
    } catch (e) {
      throw e instanceof URLError ? new URLError(`parse ${JSON.stringify(raw)}: ${e.message}`) : e;
    }
  }
  return url;
}

/** Go's `splitHostPort`: a trailing `:digits` is the port; brackets around an IPv6 host are dropped. */
function splitHostPort(hostPort: string): { host: string; port: string } {
  let host = hostPort;
  let portDigits = "";
  const colon = host.lastIndexOf(":");
  if (colon >= 0 && validOptionalPort(host.slice(colon))) {
    [host, portDigits] = [host.slice(0, colon), host.slice(colon + 1)];
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { host, port: portDigits };
}

/** Go's `URL.Hostname`: the host without port or IPv6 brackets. */
export function hostname(url: GoURL): string {
  return splitHostPort(url.host).host;
}

/** Go's `URL.Port`. */
export function port(url: GoURL): string {
  return splitHostPort(url.host).port;
}
