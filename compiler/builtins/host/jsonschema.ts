/**
 * `json.verify_schema` and `json.match_schema`: JSON Schema validation as gojsonschema (OPA's library)
 * performs it, keyword by keyword in its order, with its error objects (`error`, `type`, `field`, `desc`) and
 * its choice of which branch's errors to report for a failed `anyOf`/`oneOf` (the closest one, by score).
 */
import { BuiltinError, type HostFamily } from "./errors";
import { canonicalJson, compileSchema, SchemaError, type Json, type SubSchema } from "./jsonschema-compile";
import { isFormat } from "./jsonschema-formats";
import { goFloat } from "./go-template-funcs";

interface ResultError {
  type: string;
  context: string[];
  description: string;
}

/** gojsonschema's `Result`: errors plus a score that ranks failed alternatives by how much of them matched. */
class Result {
  errors: ResultError[] = [];
  score = 0;

  add(type: string, context: string[], description: string): void {
    this.errors.push({ type, context, description });
    this.score -= 2;
  }

  merge(other: Result): void {
    this.errors.push(...other.errors);
    this.score += other.score;
  }

  get valid(): boolean {
    return this.errors.length === 0;
  }
}

/** The field an error names: the context path below `(root)`, or `(root)` itself. */
const fieldOf = (context: string[]): string => (context.length > 1 ? context.slice(1).join(".") : context[0]);

function jsonType(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v === "object" ? "object" : typeof v;
}

/** Whether `value / divisor` is an integer, computed on the decimal digits as gojsonschema's rationals do. */
function isMultipleOf(value: number, divisor: number): boolean {
  const decimal = (n: number): [bigint, number] => {
    const [mantissa, exponent] = n.toExponential().split("e");
    const digits = mantissa.replace(".", "");
    const scale = (mantissa.split(".")[1]?.length ?? 0) - Number(exponent);
    return scale >= 0 ? [BigInt(digits), scale] : [BigInt(digits) * 10n ** BigInt(-scale), 0];
  };
  const [a, p] = decimal(value);
  const [b, q] = decimal(divisor);
  return (a * 10n ** BigInt(q)) % (b * 10n ** BigInt(p)) === 0n;
}

function validate(schema: SubSchema, node: Json, result: Result, context: string[]): void {
  const fail = (type: string, description: string) => result.add(type, context, description);
  if (schema.pass !== undefined) {
    if (!schema.pass) fail("false", "False always fails validation");
    return;
  }
  if (schema.ref) {
    validate(schema.ref(), node, result, context);
    return;
  }
  const type = jsonType(node);
  const typed = schema.types.length > 0;
  const allowed = schema.types.includes(type) || (type === "integer" && schema.types.includes("number"));
  if (typed && !allowed) {
    const expected = schema.types.length > 1 ? `[${schema.types.join(",")}]` : schema.types[0];
    fail("invalid_type", `Invalid type. Expected: ${expected}, given: ${type}`);
    return;
  }
  validateCombinators(schema, node, result, context);
  if (typeof node === "number") validateNumber(schema, node, result, context);
  if (Array.isArray(node)) validateArray(schema, node, result, context);
  if (type === "object") validateObject(schema, node as Record<string, Json>, result, context);
  validateCommon(schema, node, result, context);
  if (typeof node === "string") validateString(schema, node, result, context);
  if (type === "object") {
    for (const child of schema.properties) {
      const obj = node as Record<string, Json>;
      if (Object.prototype.hasOwnProperty.call(obj, child.property)) {
        validate(child, obj[child.property], result, [...context, child.property]);
      }
    }
  }
  result.score++;
}

function sub(schema: SubSchema, node: Json, context: string[]): Result {
  const result = new Result();
  validate(schema, node, result, context);
  return result;
}

function validateCombinators(schema: SubSchema, node: Json, result: Result, context: string[]): void {
  const fail = (type: string, description: string) => result.add(type, context, description);
  if (schema.anyOf.length > 0) {
    let best: Result | undefined;
    let matched = false;
    for (const alternative of schema.anyOf) {
      const r = sub(alternative, node, context);
      if (r.valid) {
        matched = true;
        break;
      }
      if (!best || r.score > best.score) best = r;
    }
    if (!matched) {
      fail("number_any_of", "Must validate at least one schema (anyOf)");
      if (best) result.merge(best);
    }
  }
  if (schema.oneOf.length > 0) {
    let matches = 0;
    let best: Result | undefined;
    for (const alternative of schema.oneOf) {
      const r = sub(alternative, node, context);
      if (r.valid) matches++;
      else if (matches === 0 && (!best || r.score > best.score)) best = r;
    }
    if (matches !== 1) {
      fail("number_one_of", "Must validate one and only one schema (oneOf)");
      if (matches === 0 && best) result.merge(best);
    }
  }
  if (schema.allOf.length > 0) {
    let matches = 0;
    for (const part of schema.allOf) {
      const r = sub(part, node, context);
      if (r.valid) matches++;
      result.merge(r);
    }
    if (matches !== schema.allOf.length) fail("number_all_of", "Must validate all the schemas (allOf)");
  }
  if (schema.not && sub(schema.not, node, context).valid) fail("number_not", "Must not validate the schema (not)");
  if (schema.dependencies.size > 0 && jsonType(node) === "object") {
    const obj = node as Record<string, Json>;
    for (const key of Object.keys(obj)) {
      const dependency = schema.dependencies.get(key);
      if (Array.isArray(dependency)) {
        for (const needed of dependency) {
          if (!(needed in obj)) fail("missing_dependency", `Has a dependency on ${needed}`);
        }
      } else if (dependency) {
        validate(dependency, node, result, context);
      }
    }
  }
  if (schema.ifSchema) {
    const condition = sub(schema.ifSchema, node, context).valid;
    const branch = condition ? schema.thenSchema : schema.elseSchema;
    if (branch) {
      const r = sub(branch, node, context);
      if (!r.valid) {
        fail(
          condition ? "condition_then" : "condition_else",
          condition ? 'Must validate "then" as "if" was valid' : 'Must validate "else" as "if" was not valid',
        );
        result.merge(r);
      }
    }
  }
  result.score++;
}

function validateCommon(schema: SubSchema, node: Json, result: Result, context: string[]): void {
  const field = fieldOf(context);
  if (schema.constValue !== undefined && canonicalJson(node) !== schema.constValue) {
    result.add("const", context, `${field} does not match: ${schema.constValue}`);
  }
  if (schema.enumValues !== undefined && !schema.enumValues.includes(canonicalJson(node))) {
    const allowed = schema.enumValues.length > 0 ? schema.enumValues.join(", ") : "(none)";
    result.add("enum", context, `${field} must be one of the following: ${allowed}`);
  }
  if (schema.format !== undefined && schema.format !== "" && !isFormat(schema.format, node)) {
    result.add("format", context, `Does not match format '${schema.format}'`);
  }
  result.score++;
}

function validateNumber(schema: SubSchema, n: number, result: Result, context: string[]): void {
  const fail = (type: string, description: string) => result.add(type, context, description);
  if (schema.multipleOf !== undefined && !isMultipleOf(n, schema.multipleOf)) {
    fail("multiple_of", `Must be a multiple of ${goFloat(schema.multipleOf)}`);
  }
  if (schema.maximum !== undefined && n > schema.maximum) {
    fail("number_lte", `Must be less than or equal to ${goFloat(schema.maximum)}`);
  }
  if (schema.exclusiveMaximum !== undefined && n >= schema.exclusiveMaximum) {
    fail("number_lt", `Must be less than ${goFloat(schema.exclusiveMaximum)}`);
  }
  if (schema.minimum !== undefined && n < schema.minimum) {
    fail("number_gte", `Must be greater than or equal to ${goFloat(schema.minimum)}`);
  }
  if (schema.exclusiveMinimum !== undefined && n <= schema.exclusiveMinimum) {
    fail("number_gt", `Must be greater than ${goFloat(schema.exclusiveMinimum)}`);
  }
  result.score++;
}

function validateString(schema: SubSchema, s: string, result: Result, context: string[]): void {
  const length = Array.from(s).length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    result.add("string_gte", context, `String length must be greater than or equal to ${schema.minLength}`);
  }
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    result.add("string_lte", context, `String length must be less than or equal to ${schema.maxLength}`);
  }
  if (schema.pattern && !schema.pattern.re.matcher(s).find()) {
    result.add("pattern", context, `Does not match pattern '${schema.pattern.source}'`);
  }
  result.score++;
}

function validateArray(schema: SubSchema, items: Json[], result: Result, context: string[]): void {
  const at = (i: number) => [...context, String(i)];
  if (schema.itemsIsSingleSchema) {
    items.forEach((item, i) => result.merge(sub(schema.items[0], item, at(i))));
  } else if (schema.items.length > 0) {
    const positional = Math.min(schema.items.length, items.length);
    for (let i = 0; i < positional; i++) result.merge(sub(schema.items[i], items[i], at(i)));
    if (schema.items.length < items.length) {
      const extra = schema.additionalItems;
      if (extra === false) result.add("array_no_additional_items", context, "No additional items allowed on array");
      if (typeof extra === "object") {
        for (let i = schema.items.length; i < items.length; i++) result.merge(sub(extra, items[i], at(i)));
      }
    }
  }
  if (schema.minItems !== undefined && items.length < schema.minItems) {
    result.add("array_min_items", context, `Array must have at least ${schema.minItems} items`);
  }
  if (schema.maxItems !== undefined && items.length > schema.maxItems) {
    result.add("array_max_items", context, `Array must have at most ${schema.maxItems} items`);
  }
  if (schema.uniqueItems) {
    const seen = new Map<string, number>();
    items.forEach((item, j) => {
      const text = canonicalJson(item);
      const i = seen.get(text);
      if (i !== undefined) result.add("unique", context, `array items[${i},${j}] must be unique`);
      seen.set(text, j);
    });
  }
  if (schema.contains) {
    let best: Result | undefined;
    let found = false;
    for (let i = 0; i < items.length && !found; i++) {
      const r = sub(schema.contains, items[i], at(i));
      if (r.valid) found = true;
      else if (!best || r.score > best.score) best = r;
    }
    if (!found) {
      result.add("contains", context, "At least one of the items must match");
      if (best) result.merge(best);
    }
  }
  result.score++;
}

function validateObject(schema: SubSchema, obj: Record<string, Json>, result: Result, context: string[]): void {
  const keys = Object.keys(obj);
  if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
    result.add("array_min_properties", context, `Must have at least ${schema.minProperties} properties`);
  }
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    result.add("array_max_properties", context, `Must have at most ${schema.maxProperties} properties`);
  }
  for (const required of schema.required) {
    if (Object.prototype.hasOwnProperty.call(obj, required)) result.score++;
    else result.add("required", context, `${required} is required`);
  }
  for (const key of keys) {
    const declared = schema.properties.some((p) => p.property === key);
    let patterned = false;
    for (const { re, schema: patternSchema } of schema.patternProperties) {
      if (!re.matcher(key).find()) continue;
      patterned = true;
      result.merge(sub(patternSchema, obj[key], [...context, key]));
    }
    if (patterned) result.score++;
    if (declared || patterned) continue;
    const extra = schema.additionalProperties;
    if (extra === false)
      result.add("additional_property_not_allowed", context, `Additional property ${key} is not allowed`);
    if (typeof extra === "object") result.merge(sub(extra, obj[key], [...context, key]));
  }
  if (schema.propertyNames) {
    for (const key of keys) {
      const r = sub(schema.propertyNames, key, context);
      if (!r.valid) {
        result.add("invalid_property_name", context, `Property name of "${key}" does not match`);
        result.merge(r);
      }
    }
  }
  result.score++;
}

/** A schema or document operand: JSON text, or an object or array taken as the JSON it is. */
function loadJson(value: unknown): Json {
  if (typeof value === "string") {
    try {
      return JSON.parse(value) as Json;
    } catch {
      throw new SchemaError("invalid JSON string");
    }
  }
  if (value !== null && typeof value === "object") return value as Json;
  throw new SchemaError("wrong type, expected string or object");
}

function verifySchema(schema: unknown): [boolean, string | null] {
  try {
    compileSchema(loadJson(schema));
    return [true, null];
  } catch (e) {
    if (e instanceof SchemaError) return [false, `jsonschema: ${e.message}`];
    throw e;
  }
}

function matchSchema(document: unknown, schema: unknown): [boolean, Json[]] {
  try {
    const doc = loadJson(document);
    const result = sub(compileSchema(loadJson(schema)), doc, ["(root)"]);
    const errors = result.errors.map((e) => {
      const field = fieldOf(e.context);
      return { error: `${field}: ${e.description}`, type: e.type, field, desc: e.description };
    });
    return [result.valid, errors];
  } catch (e) {
    if (e instanceof SchemaError) throw new BuiltinError("eval_builtin_error", e.message);
    throw e;
  }
}

export const builtins: HostFamily = {
  "json.match_schema": matchSchema,
  "json.verify_schema": verifySchema,
};
