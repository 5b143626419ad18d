/**
 * GraphQL schemas for OPA's `graphql.*` builtins: schema documents in gqlparser's JSON shape, checked the way
 * gqlparser's `ValidateSchemaDocument` checks them (its prelude merged in, extensions of undefined types
 * allowed, its messages), then built into a graphql-js schema against which queries are validated.
 */
import { buildASTSchema, Kind, OperationTypeNode, type DefinitionNode, type DocumentNode } from "graphql";
import type { ConstValueNode, FieldDefinitionNode, GraphQLSchema, InputValueDefinitionNode } from "graphql";
import type { DirectiveLocation, InputValueDefinitionNode as ArgNode, StringValueNode } from "graphql";
import { at, directivesJson, typeJson, typeNode, valueJson, valueNode } from "./graphql-ast";
import { bool, field, list, positions, str, strings, type Json, type JsonObject } from "./graphql-ast";

/** A schema that gqlparser would reject, with its message and (when known) position. */
export class GraphQLSchemaError extends Error {
  constructor(
    message: string,
    readonly where?: { line: number; column: number },
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// graphql-js SDL → gqlparser `SchemaDocument` JSON

const description = (node: { description?: StringValueNode }): string => node.description?.value ?? "";

function argumentsJson(args: readonly ArgNode[] | undefined): Json[] {
  return (args ?? []).map((a) =>
    at(
      {
        Description: description(a),
        Name: a.name.value,
        DefaultValue: a.defaultValue ? valueJson(a.defaultValue) : null,
        Type: typeJson(a.type),
        Directives: directivesJson(a.directives),
      },
      a,
    ),
  );
}

function fieldsJson(fields: readonly (FieldDefinitionNode | InputValueDefinitionNode)[] | undefined): Json[] {
  return (fields ?? []).map((f) =>
    at(
      {
        Description: description(f),
        Name: f.name.value,
        Arguments: f.kind === Kind.FIELD_DEFINITION ? argumentsJson(f.arguments) : [],
        DefaultValue: f.kind === Kind.INPUT_VALUE_DEFINITION && f.defaultValue ? valueJson(f.defaultValue) : null,
        Type: typeJson(f.type),
        Directives: directivesJson(f.directives),
      },
      f,
    ),
  );
}

const DEFINITION_KINDS: Partial<Record<Kind, string>> = {
  [Kind.SCALAR_TYPE_DEFINITION]: "SCALAR",
  [Kind.SCALAR_TYPE_EXTENSION]: "SCALAR",
  [Kind.OBJECT_TYPE_DEFINITION]: "OBJECT",
  [Kind.OBJECT_TYPE_EXTENSION]: "OBJECT",
  [Kind.INTERFACE_TYPE_DEFINITION]: "INTERFACE",
  [Kind.INTERFACE_TYPE_EXTENSION]: "INTERFACE",
  [Kind.UNION_TYPE_DEFINITION]: "UNION",
  [Kind.UNION_TYPE_EXTENSION]: "UNION",
  [Kind.ENUM_TYPE_DEFINITION]: "ENUM",
  [Kind.ENUM_TYPE_EXTENSION]: "ENUM",
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: "INPUT_OBJECT",
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: "INPUT_OBJECT",
};

function definitionJson(def: DefinitionNode): JsonObject | undefined {
  const kind = DEFINITION_KINDS[def.kind];
  if (!kind || !("name" in def) || !def.name) return undefined;
  const get = <K extends string>(key: K): unknown => (def as unknown as Record<K, unknown>)[key];
  const named = (key: string) => ((get(key) ?? []) as Array<{ name: { value: string } }>).map((n) => n.name.value);
  const enumValues = (get("values") ?? []) as Array<{ name: { value: string }; description?: StringValueNode }>;
  return at(
    {
      Kind: kind,
      Description: "description" in def ? description(def) : "",
      Name: def.name.value,
      Directives: directivesJson(get("directives") as never),
      Interfaces: named("interfaces"),
      Fields: fieldsJson(get("fields") as FieldDefinitionNode[] | undefined),
      Types: named("types"),
      EnumValues: enumValues.map((v) =>
        at({ Description: description(v), Name: v.name.value, Directives: directivesJson(get.call(v, "directives") as never) }, v as never),
      ),
      BuiltIn: false,
    },
    def,
  );
}
