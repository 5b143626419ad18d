/**
 * String builtins the Wasm runtime leaves to the host: `strings.render_template` (Go `text/template`, with a
 * missing key rendered as `<undefined>`, or an error in strict mode), `strings.split_n` (Go's
 * `strings.SplitN`) and `uri.parse`/`uri.is_valid` (Go's `net/url.Parse`).
 */
import { BuiltinError, typeError, type HostFamily } from "./errors";
import { renderTemplate } from "./go-template-exec";
import { TemplateError } from "./go-template";
import { hostname, parseURL, port, URLError } from "./go-url";

function stringArg(value: unknown, position: number): string {
  if (typeof value !== "string") throw typeError(position, "string", value);
  return value;
}

function render(template: unknown, vars: unknown): string {
  const text = stringArg(template, 1);
  if (vars === null || typeof vars !== "object" || Array.isArray(vars)) throw typeError(2, "object", vars);
  let result;
  try {
    result = renderTemplate(text, vars);
  } catch (e) {
    if (e instanceof TemplateError) throw new BuiltinError("eval_builtin_error", e.message);
    throw e;
  }
  // OPA stops at a missing key in strict mode; otherwise the key renders as <undefined>.
  if (result.missingKey !== undefined) throw new BuiltinError("eval_builtin_error", result.missingKey, result.text);
  return result.text;
}

/** Go's `strings.SplitN`: at most `n` parts, the last holding the rest; all of them for `n < 0`; none for 0. */
function splitN(s: unknown, sep: unknown, count: unknown): string[] {
  const text = stringArg(s, 1);
  const separator = stringArg(sep, 2);
  if (typeof count !== "number") throw typeError(3, "number", count);
  if (!Number.isInteger(count)) {
    throw new BuiltinError("eval_type_error", "operand 3 must be integer number but got floating-point number");
  }
  if (count === 0) return [];
  if (separator === "") {
    const chars = Array.from(text);
    if (count < 0 || count >= chars.length) return chars;
    return [...chars.slice(0, count - 1), chars.slice(count - 1).join("")];
  }
  if (count < 0) return text.split(separator);
  const parts: string[] = [];
  let rest = text;
  while (parts.length < count - 1) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  parts.push(rest);
  return parts;
}

function uriParse(value: unknown): Record<string, string> {
  const text = stringArg(value, 1);
  let url;
  try {
    url = parseURL(text);
  } catch (e) {
    if (e instanceof URLError) throw new BuiltinError("eval_builtin_error", e.message);
    throw e;
  }
  const out: Record<string, string> = {};
  const put = (key: string, v: string) => {
    if (v !== "") out[key] = v;
  };
  put("scheme", url.scheme);
  put("hostname", hostname(url));
  put("port", port(url));
  if (url.path !== "") {
    out.path = url.path;
    // raw_path is always there with a path, so a policy can normalise paths itself.
    out.raw_path = url.rawPath || url.path;
  }
  put("raw_query", url.rawQuery);
  put("fragment", url.fragment);
  return out;
}

function uriIsValid(value: unknown): boolean {
  // An empty string is a valid relative reference, but OPA rejects it as surprising in policies.
  if (typeof value !== "string" || value === "") return false;
  try {
    parseURL(value);
    return true;
  } catch (e) {
    if (e instanceof URLError) return false;
    throw e;
  }
}

export const builtins: HostFamily = {
  "strings.render_template": render,
  "strings.split_n": splitN,
  "uri.parse": uriParse,
  "uri.is_valid": uriIsValid,
};
