/**
 * The `format` checkers gojsonschema registers by default, with its definitions: dates and times as Go's
 * `time.Parse` takes them, addresses as Go's `net` and `net/mail` take them, URIs as `net/url.Parse` takes
 * them, regular expressions as RE2 takes them. Unknown formats and non-string values pass.
 */
import { RE2JS } from "re2js";
import { parseTime } from "./go-time-parse";
import { parseURL } from "./go-url";
import { parseIP } from "./net";

function parses(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (e) {
    // Every parser used here reports bad input by throwing an Error (TimeParseError, URLError, RE2 syntax).
    if (e instanceof Error) return false;
    throw e;
  }
}

const timeLayouts = (layouts: string[]) => (s: string) => layouts.some((l) => parses(() => parseTime(l, s)));

/** Go's `net/mail.ParseAddress`, for the forms it takes: `addr-spec` and `Display Name <addr-spec>`. */
function isEmail(s: string): boolean {
  const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
  const local = `(?:${atom}(?:\\.${atom})*|"(?:[^"\\\\]|\\\\.)*")`;
  const domain = `(?:${atom}(?:\\.${atom})*|\\[[^\\[\\]\\\\]*\\])`;
  const addrSpec = `${local}@${domain}`;
  return new RegExp(`^\\s*(?:${addrSpec}|[^<>]*<${addrSpec}>)\\s*$`).test(s);
}

const HOSTNAME =
  /^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]))*$/;
const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;
const JSON_POINTER = /^(?:\/(?:[^~/]|~0|~1)*)*$/;
const RELATIVE_JSON_POINTER = /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$/;
const URI_TEMPLATE = /^([^{]*({[^}]*})?)*$/;

const uriReference = (s: string) => !s.includes("\\") && parses(() => parseURL(s));
const uri = (s: string) => uriReference(s) && parseURL(s).scheme !== "";

const CHECKERS: Record<string, (s: string) => boolean> = {
  date: timeLayouts(["2006-01-02"]),
  time: timeLayouts(["15:04:05", "15:04:05Z07:00"]),
  "date-time": timeLayouts([
    "15:04:05",
    "15:04:05Z07:00",
    "2006-01-02",
    "2006-01-02T15:04:05Z07:00",
    "2006-01-02T15:04:05.999999999Z07:00",
  ]),
  email: isEmail,
  "idn-email": isEmail,
  hostname: (s) => HOSTNAME.test(s) && s.length < 256,
  ipv4: (s) => parseIP(s) !== null && s.includes("."),
  ipv6: (s) => parseIP(s) !== null && s.includes(":"),
  uri,
  iri: uri,
  "uri-reference": uriReference,
  "iri-reference": uriReference,
  "uri-template": (s) => uriReference(s) && URI_TEMPLATE.test(parseURL(s).path),
  uuid: (s) => UUID.test(s),
  regex: (s) => parses(() => RE2JS.compile(s)),
  "json-pointer": (s) => JSON_POINTER.test(s),
  "relative-json-pointer": (s) => RELATIVE_JSON_POINTER.test(s),
};

export function isFormat(format: string, value: unknown): boolean {
  const check = CHECKERS[format];
  return check === undefined || typeof value !== "string" || check(value);
}
