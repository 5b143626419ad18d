/**
 * Takes CORS rules as users write them (aws-cdk's `CorsRule` shape) and produces validated rules, their canonical
 * identity for de-duplication, and the `cors_rule` blocks of `aws_s3_bucket_cors_configuration`.
 * The checks are the ones S3's PutBucketCors applies, so a bad rule fails at synth instead of at apply; their limits
 * come from s3-cors-limits.json, which the policy gate reads too.
 */
import { IConstruct } from "constructs";
import { Token } from "cdktf";
import { S3BucketCorsConfigurationCorsRule } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { ValidationError } from "./validation-error";
import S3_LIMITS from "./s3-cors-limits.json";

/** The HTTP methods S3 accepts in a CORS rule's `AllowedMethods`. */
export enum HttpMethods {
  GET = "GET",
  PUT = "PUT",
  HEAD = "HEAD",
  POST = "POST",
  DELETE = "DELETE",
}

/** One CORS rule of an S3 bucket. */
export interface CorsRule {
  /**
   * Unique identifier for the rule, at most 255 characters.
   * @default - no identifier
   */
  readonly id?: string;
  /** Methods a cross-origin request may use. At least one. */
  readonly allowedMethods: HttpMethods[];
  /** Origins allowed to make cross-origin requests; each may contain at most one `*` wildcard. At least one. */
  readonly allowedOrigins: string[];
  /**
   * Headers a preflight request may ask for in `Access-Control-Request-Headers`; each may contain at most one `*`.
   * @default - no headers
   */
  readonly allowedHeaders?: string[];
  /**
   * Response headers the browser lets scripts read.
   * @default - none
   */
  readonly exposedHeaders?: string[];
  /**
   * Seconds a browser may cache the preflight response.
   * @default - no max age
   */
  readonly maxAge?: number;
}

/** S3 rejects a CORS configuration with more rules than this. */
export const MAX_CORS_RULES: number = S3_LIMITS.max_rules;

const ALLOWED_METHODS = S3_LIMITS.allowed_methods.join(", ");

/** Throws a ValidationError naming `prop` when the rule would be rejected by S3. */
export function validateCorsRule(scope: IConstruct, prop: string, rule: CorsRule): void {
  if (Token.isUnresolved(rule)) {
    return;
  }
  const methods = rule.allowedMethods ?? [];
  if (!Token.isUnresolved(methods)) {
    if (methods.length === 0) {
      throw new ValidationError(scope, `${prop}.allowedMethods`, "a rule needs at least one method", ALLOWED_METHODS);
    }
    for (const method of methods) {
      if (!Token.isUnresolved(method) && !S3_LIMITS.allowed_methods.includes(method)) {
        throw new ValidationError(
          scope,
          `${prop}.allowedMethods`,
          `S3 does not accept the method "${method}"`,
          ALLOWED_METHODS,
        );
      }
    }
  }
  const origins = rule.allowedOrigins ?? [];
  if (!Token.isUnresolved(origins)) {
    if (origins.length === 0) {
      throw new ValidationError(
        scope,
        `${prop}.allowedOrigins`,
        "a rule needs at least one origin",
        'origins such as "*" or "https://*.example.com", each with at most one "*"',
      );
    }
    checkWildcards(scope, `${prop}.allowedOrigins`, origins, S3_LIMITS.max_wildcards_per_origin, 'origins such as "*" or "https://*.example.com"');
  }
  if (rule.allowedHeaders !== undefined && !Token.isUnresolved(rule.allowedHeaders)) {
    checkWildcards(scope, `${prop}.allowedHeaders`, rule.allowedHeaders, S3_LIMITS.max_wildcards_per_allowed_header, 'header names such as "*" or "x-amz-*"');
  }
  if (rule.maxAge !== undefined && !Token.isUnresolved(rule.maxAge)) {
    if (!Number.isInteger(rule.maxAge) || rule.maxAge < 0) {
      throw new ValidationError(scope, `${prop}.maxAge`, `${rule.maxAge} is not a whole number of seconds`, "integers >= 0");
    }
  }
  if (rule.id !== undefined && !Token.isUnresolved(rule.id) && rule.id.length > S3_LIMITS.max_id_length) {
    throw new ValidationError(scope, `${prop}.id`, `${rule.id.length} characters is too long`, `at most ${S3_LIMITS.max_id_length} characters`);
  }
}

function checkWildcards(scope: IConstruct, prop: string, values: string[], max: number, allowed: string): void {
  for (const value of values) {
    if (Token.isUnresolved(value)) {
      continue;
    }
    if (value.split("*").length - 1 > max) {
      const most = max === 1 ? "one" : String(max);
      throw new ValidationError(scope, prop, `"${value}" has more than ${most} "*" wildcard`, `${allowed}, each with at most ${most} "*"`);
    }
  }
}

/**
 * A string that is equal for two rules exactly when S3 treats them the same: methods and origins as sets, header
 * names as case-insensitive sets.
 */
export function corsRuleIdentity(rule: CorsRule): string {
  const set = (values: readonly string[] | undefined, fold: boolean): string[] =>
    [...new Set((values ?? []).map((v) => (fold ? v.toLowerCase() : v)))].sort();
  return JSON.stringify([
    rule.id ?? null,
    set(rule.allowedMethods, false),
    set(rule.allowedOrigins, false),
    set(rule.allowedHeaders, true),
    set(rule.exposedHeaders, true),
    rule.maxAge ?? null,
  ]);
}

/** The rule as a `cors_rule` block of the AWS provider, with repeated list items removed. */
export function toProviderCorsRule(rule: CorsRule): S3BucketCorsConfigurationCorsRule {
  const unique = <T>(values: readonly T[] | undefined): T[] | undefined =>
    values === undefined || Token.isUnresolved(values) ? (values as T[] | undefined) : [...new Set(values)];
  return {
    id: rule.id,
    allowedMethods: unique(rule.allowedMethods) ?? [],
    allowedOrigins: unique(rule.allowedOrigins) ?? [],
    allowedHeaders: nonEmpty(unique(rule.allowedHeaders)),
    exposeHeaders: nonEmpty(unique(rule.exposedHeaders)),
    maxAgeSeconds: rule.maxAge,
  };
}

function nonEmpty(values: string[] | undefined): string[] | undefined {
  return values !== undefined && values.length === 0 ? undefined : values;
}
