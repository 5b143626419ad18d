/**
 * `graphql.*`: parsing GraphQL queries and schemas into the gqlparser-shaped ASTs OPA returns, and validating
 * queries against schemas. Parsing is graphql-js's (`graphql` on npm), its messages reworded as gqlparser words
 * them; schemas are checked by gqlparser's rules (`graphql-schema.ts`) and queries by graphql-js's validation
 * rules, which gqlparser mirrors, plus gqlparser's root-operation rule.
 */
import { GraphQLError, Kind, Lexer, parse, Source, specifiedRules, TokenKind, validate } from "graphql";
import type { DocumentNode, GraphQLSchema, ValidationRule } from "graphql";
import { BuiltinError, jsonTypeName, type HostFamily } from "./errors";
import { prune, queryDocumentJson, queryDocumentNode, type Json, type JsonObject } from "./graphql-ast";
import { GraphQLSchemaError, loadSchema } from "./graphql-schema";
import { schemaDocumentJson } from "./graphql-sdl";

type DocumentKind = "query" | "schema";

/** gqlparser's message for a syntax error, positioned as OPA reports it. */
function syntaxError(message: string, line: number, column: number): BuiltinError {
  return new BuiltinError("eval_builtin_error", `${message} in GraphQL string at location ${line}:${column}`);
}

/** graphql-js words syntax errors a little differently from gqlparser; this maps its wording onto gqlparser's. */
function gqlparserWording(error: GraphQLError, source: string): string {
  let message = error.message.replace(/^Syntax Error: /, "").replace(/\.$/, "");
  message = message.replace(/"(\.\.\.|[!$&():=@[\]{|}])"/g, "$1");
  if (/^Unexpected variable "\$[^"]*" in constant value$/.test(message)) return "Unexpected $";
  const offset = error.positions?.[0];
  if (offset !== undefined && /^Expected Name, found [})]$/.test(message)) {
    // gqlparser's list parsers report an empty `{}` or `()` as an empty list rather than a missing name.
    const before = source.slice(0, offset).replace(/[\s,]+$/, "");
    if (before.endsWith(message.endsWith("}") ? "{" : "("))
      return `expected at least one definition, found ${message.slice(-1)}`;
  }
  return message;
}

function isEmptyDocument(text: string): boolean {
  try {
    return new Lexer(new Source(text)).advance().kind === TokenKind.EOF;
  } catch {
    return false;
  }
}

/** Parses a query or schema document; gqlparser accepts an empty document and rejects the other kind's definitions. */
function parseDocument(text: string, kind: DocumentKind): DocumentNode {
  if (isEmptyDocument(text)) return { kind: Kind.DOCUMENT, definitions: [] };
  let doc: DocumentNode;
  try {
    doc = parse(text, { allowLegacyFragmentVariables: true });
  } catch (e) {
    if (!(e instanceof GraphQLError)) throw e;
    const where = e.locations?.[0] ?? { line: 0, column: 0 };
    throw syntaxError(gqlparserWording(e, text), where.line, where.column);
  }
  for (const def of doc.definitions) {
    const executable = def.kind === Kind.OPERATION_DEFINITION || def.kind === Kind.FRAGMENT_DEFINITION;
    if (executable === (kind === "query")) continue;
    const start = def.loc?.startToken;
    const token = start?.kind === TokenKind.NAME ? `Name "${start.value}"` : start?.kind ?? "";
    throw syntaxError(`Unexpected ${token}`, start?.line ?? 0, start?.column ?? 0);
  }
  return doc;
}

interface QueryDocument {
  /** gqlparser's shape, unpruned (what is returned, after pruning). */
  json: Json;
  /** The same document for graphql-js's validation. */
  node: DocumentNode;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function operandError(position: number, got: unknown): BuiltinError {
  return new BuiltinError(
    "eval_type_error",
    `operand ${position} must be one of {string, object} but got ${jsonTypeName(got)}`,
  );
}

// OPA numbers these operands from 0, unlike every other builtin's errors; kept so strict messages match.
function queryOperand(value: unknown): QueryDocument {
  if (typeof value === "string") {
    const node = parseDocument(value, "query");
    return { json: queryDocumentJson(node), node };
  }
  if (isObject(value)) return { json: value, node: queryDocumentNode(value) };
  throw operandError(0, value);
}

function schemaOperand(value: unknown, position: number): Json {
  if (typeof value === "string") return schemaDocumentJson(parseDocument(value, "schema"));
  if (isObject(value)) return value;
  throw operandError(position, value);
}

function buildSchema(doc: Json): GraphQLSchema {
  try {
    return loadSchema(doc);
  } catch (e) {
    if (!(e instanceof GraphQLSchemaError)) throw e;
    const where = e.where ? `${e.where.line}:${e.where.column}` : "";
    throw new BuiltinError(
      "eval_builtin_error",
      `Error in gqlparser SchemaDocument to Schema conversion: input:${where}: ${e.message}`,
    );
  }
}

/** gqlparser's `KnownRootType`: graphql-js validation silently skips operations the schema has no root for. */
const knownRootType: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(
        new GraphQLError(`Schema does not support operation type "${node.operation}"`, { nodes: node }),
      );
    }
  },
});

function validateQuery(schema: GraphQLSchema, query: QueryDocument): void {
  const errors = validate(schema, query.node, [knownRootType, ...specifiedRules]);
  if (errors.length === 0) return;
  // OPA splits gqlparser's joined error list at the first error's position and trims the last period.
  const where = errors[0].locations?.[0];
  const text = errors
    .map((e, i) =>
      i === 0 ? e.message : `input:${e.locations?.[0]?.line ?? 0}:${e.locations?.[0]?.column ?? 0}: ${e.message}`,
    )
    .join("\n")
    .replace(/\.$/, "");
  throw new BuiltinError(
    "eval_builtin_error",
    where ? `${text} in GraphQL string at location ${where.line}:${where.column}` : text,
  );
}

/** Parses and validates; the pruned query and schema ASTs on success, a `BuiltinError` otherwise. */
function parseAndValidate(query: unknown, schema: unknown): [Json, Json] {
  const queryDoc = queryOperand(query);
  const schemaDoc = schemaOperand(schema, 1);
  validateQuery(buildSchema(schemaDoc), queryDoc);
  return [prune(queryDoc.json), prune(schemaDoc)];
}

/** Runs `f`, mapping any builtin error to `fallback`: the `is_valid`-style builtins never fail. */
function orElse<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BuiltinError) return fallback;
    throw e;
  }
}

function stringOperand(value: unknown): string {
  if (typeof value !== "string") {
    throw new BuiltinError("eval_type_error", `operand 1 must be string but got ${jsonTypeName(value)}`);
  }
  return value;
}

export const builtins: HostFamily = {
  "graphql.parse": (query, schema) => parseAndValidate(query, schema),
  "graphql.parse_and_verify": (query, schema) =>
    orElse((): Json[] => [true, ...parseAndValidate(query, schema)], [false, {}, {}]),
  "graphql.parse_query": (query) => prune(queryDocumentJson(parseDocument(stringOperand(query), "query"))),
  "graphql.parse_schema": (schema) => prune(schemaDocumentJson(parseDocument(stringOperand(schema), "schema"))),
  "graphql.is_valid": (query, schema) =>
    orElse(() => {
      parseAndValidate(query, schema);
      return true;
    }, false),
  "graphql.schema_is_valid": (schema) =>
    orElse(() => {
      buildSchema(schemaOperand(schema, 0));
      return true;
    }, false),
};
