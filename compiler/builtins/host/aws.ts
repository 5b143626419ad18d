/**
 * `providers.aws.sign_req`: AWS Signature Version 4 for an `http.send` request object, as OPA signs it
 * (headers to sign, canonical request, `x-amz-*` headers, optional unsigned payload), with OPA's operand
 * checks and messages.
 */
import * as crypto from "crypto";
import { HostFamily, typeError } from "./errors";
import { goJsonMarshal } from "./go-encoding";
import { UTC, civilOf, formatTime } from "./go-time";
import { escapedPath, parseGoUrl } from "./go-net-url";
import { builtinError, numberOperand, objectOperand, operandError } from "./support";

/** The request keys `http.send` accepts; `sign_req` checks requests against the same list. */
const REQUEST_KEYS = new Set([
  "method", "url", "body", "enable_redirect", "force_json_decode", "force_yaml_decode", "headers", "raw_body",
  "tls_use_system_certs", "tls_ca_cert", "tls_ca_cert_file", "tls_ca_cert_env_variable", "tls_client_cert",
  "tls_client_cert_file", "tls_client_cert_env_variable", "tls_client_key", "tls_client_key_file",
  "tls_client_key_env_variable", "tls_insecure_skip_verify", "tls_server_name", "timeout", "cache", "force_cache",
  "force_cache_duration_seconds", "raise_error", "caching_mode", "max_retry_attempts",
]);
const CONFIG_KEYS = ["aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"];
/** Headers a proxy may change on the way, left out of the signature as the AWS SDK does. */
const UNSIGNED_HEADERS = new Set(["authorization", "user-agent", "x-amzn-trace-id"]);

/** A Rego set of strings as OPA prints it in messages: `{"a", "b"}`. */
function regoSet(names: string[]): string {
  return `{${[...names].sort().map((n) => JSON.stringify(n)).join(", ")}}`;
}

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** The parts of the request URL SigV4 signs, as Go's `url.Parse` reads them. */
function parseUrl(raw: string): { host: string; escapedPath: string; rawQuery: string } {
  const url = parseGoUrl(raw);
  if (!url) throw builtinError(`parse ${JSON.stringify(raw)}: invalid URL`);
  return { host: url.host, escapedPath: escapedPath(url), rawQuery: url.rawQuery };
}

const sha256Hex = (data: string | Buffer): string => crypto.createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string): Buffer => crypto.createHmac("sha256", key).update(data).digest();

function signRequest(reqArg: unknown, configArg: unknown, timeArg: unknown): Record<string, unknown> {
  const req = objectOperand(reqArg, 1);
  const config = objectOperand(configArg, 1);
  const missingConfig = CONFIG_KEYS.filter((k) => !(k in config));
  if (missingConfig.length > 0) throw operandError(2, `missing required AWS config parameters(s): ${regoSet(missingConfig)}`);
  const invalidConfig = CONFIG_KEYS.filter((k) => typeof config[k] !== "string");
  if (invalidConfig.length > 0) throw operandError(2, `invalid values for required AWS config parameters(s): ${regoSet(invalidConfig)}`);
  const timeNs = numberOperand(timeArg, 1);
  if (!Number.isInteger(timeNs) || Math.abs(timeNs) >= 2 ** 63) {
    throw operandError(3, "could not convert time_ns value into a unix timestamp");
  }

  const invalidKeys = Object.keys(req).filter((k) => !REQUEST_KEYS.has(k));
  if (invalidKeys.length > 0) throw operandError(1, `invalid request parameters(s): ${regoSet(invalidKeys)}`);
  const missingKeys = ["method", "url"].filter((k) => !(k in req));
  if (missingKeys.length > 0) throw operandError(1, `missing required request parameters(s): ${regoSet(missingKeys)}`);
  const headers = req.headers ?? {};
  if (headers === null || typeof headers !== "object" || Array.isArray(headers)) throw typeError(0, "object", headers);
  const invalidValues = ["method", "url"].filter((k) => typeof req[k] !== "string");
  if (invalidValues.length > 0) throw operandError(1, `invalid values for required request parameters(s): ${regoSet(invalidValues)}`);

  const url = parseUrl(req.url as string);
  const method = req.method as string;
  const body = "raw_body" in req ? text(req.raw_body) : "body" in req ? goJsonMarshal(req.body) : "";
  let unsignedPayload = false;
  if ("disable_payload_signing" in config) {
    if (typeof config.disable_payload_signing !== "boolean") {
      throw operandError(2, "invalid value for 'disable_payload_signing' in AWS config");
    }
    unsignedPayload = config.disable_payload_signing;
  }

  const service = config.aws_service as string;
  const region = config.aws_region as string;
  const now = civilOf(BigInt(timeNs), UTC);
  const date = formatTime(now, "20060102");
  const timestamp = formatTime(now, "20060102T150405Z");
  const contentSha256 = unsignedPayload ? "UNSIGNED-PAYLOAD" : sha256Hex(body);
  const awsHeaders: Record<string, string> = { host: url.host, "x-amz-date": timestamp };
  if (service === "s3" || service === "glacier") awsHeaders["x-amz-content-sha256"] = contentSha256;
  const sessionToken = text(config.aws_session_token);
  if (sessionToken !== "") awsHeaders["x-amz-security-token"] = sessionToken;

  const requestHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) requestHeaders[k] = text(v);
  const toSign = new Map(Object.entries(awsHeaders));
  for (const [k, v] of Object.entries(requestHeaders)) {
    if (!UNSIGNED_HEADERS.has(k.toLowerCase())) toSign.set(k.toLowerCase(), v);
  }
  const names = [...toSign.keys()].sort();
  const signedHeaders = names.join(";");
  const canonicalRequest = [method, url.escapedPath, url.rawQuery, ...names.map((n) => `${n}:${toSign.get(n)}`), "", signedHeaders, contentSha256].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", timestamp, scope, sha256Hex(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${text(config.aws_secret_access_key)}`, date);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  const signature = hmac(key, stringToSign).toString("hex");
  const authorization = `AWS4-HMAC-SHA256 Credential=${text(config.aws_access_key)}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;

  return { ...req, headers: { ...requestHeaders, Authorization: authorization, ...awsHeaders } };
}

export const builtins: HostFamily = {
  "providers.aws.sign_req": signRequest,
};
