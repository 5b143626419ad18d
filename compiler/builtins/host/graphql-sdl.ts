/**
 * GraphQL type-system documents both ways: graphql-js SDL trees to gqlparser's `SchemaDocument` JSON (what
 * `graphql.parse_schema` returns), and gqlparser-shaped type definitions, once merged and checked, back to a
 * graphql-js SDL document from which `buildASTSchema` makes the schema that queries are validated against.
 */
import { Kind, isTypeDefinitionNode, isTypeExtensionNode } from "graphql";
import type { ConstValueNode, DefinitionNode, DocumentNode, FieldDefinitionNode } from "graphql";
import type { InputValueDefinitionNode, StringValueNode, TypeDefinitionNode, TypeExtensionNode } from "graphql";
import { at, directivesJson, typeJson, typeNode, valueJson, valueNode } from "./graphql-ast";
import { field, list, str, type Json, type JsonObject } from "./graphql-ast";

/** One type as gqlparser's validator sees it: the definition with its extensions' members appended. */
export interface MergedType {
  kind: string;
  name: string;
  src: Json;
  builtIn: boolean;
  fields: Json[];
  interfaces: string[];
  types: string[];
  enumValues: Json[];
  directives: Json[];
}

// ---------------------------------------------------------------------------------------------------------------
// graphql-js SDL → gqlparser `SchemaDocument` JSON

const description = (node: { description?: StringValueNode }): string => node.description?.value ?? "";

function argumentsJson(args: readonly InputValueDefinitionNode[] | undefined): Json[] {
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

function definitionJson(def: TypeDefinitionNode | TypeExtensionNode): JsonObject {
  const out: JsonObject = {
    Kind: "SCALAR",
    Description: "description" in def ? description(def) : "",
    Name: def.name.value,
    Directives: directivesJson(def.directives),
    Interfaces: [],
    Fields: [],
    Types: [],
    EnumValues: [],
    BuiltIn: false,
  };
  switch (def.kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION:
      out.Kind = def.kind.startsWith("Object") ? "OBJECT" : "INTERFACE";
      out.Interfaces = (def.interfaces ?? []).map((i) => i.name.value);
      out.Fields = fieldsJson(def.fields);
      break;
    case Kind.UNION_TYPE_DEFINITION:
    case Kind.UNION_TYPE_EXTENSION:
      out.Kind = "UNION";
      out.Types = (def.types ?? []).map((t) => t.name.value);
      break;
    case Kind.ENUM_TYPE_DEFINITION:
    case Kind.ENUM_TYPE_EXTENSION:
      out.Kind = "ENUM";
      out.EnumValues = (def.values ?? []).map((v) =>
        at({ Description: description(v), Name: v.name.value, Directives: directivesJson(v.directives) }, v),
      );
      break;
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
    case Kind.INPUT_OBJECT_TYPE_EXTENSION:
      out.Kind = "INPUT_OBJECT";
      out.Fields = fieldsJson(def.fields);
      break;
  }
  return at(out, def);
}

/** A parsed type-system document as gqlparser's `SchemaDocument`, before pruning. */
export function schemaDocumentJson(doc: DocumentNode): JsonObject {
  const out: { [K in "Schema" | "SchemaExtension" | "Directives" | "Definitions" | "Extensions"]: Json[] } = {
    Schema: [],
    SchemaExtension: [],
    Directives: [],
    Definitions: [],
    Extensions: [],
  };
  for (const def of doc.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) {
      const schema = at(
        {
          Description: def.kind === Kind.SCHEMA_DEFINITION ? description(def) : "",
          Directives: directivesJson(def.directives),
          OperationTypes: (def.operationTypes ?? []).map((o) =>
            at({ Operation: o.operation, Type: o.type.name.value }, o),
          ),
        },
        def,
      );
      (def.kind === Kind.SCHEMA_DEFINITION ? out.Schema : out.SchemaExtension).push(schema);
    } else if (def.kind === Kind.DIRECTIVE_DEFINITION) {
      out.Directives.push(
        at(
          {
            Description: description(def),
            Name: def.name.value,
            Arguments: argumentsJson(def.arguments),
            Locations: def.locations.map((l) => l.value),
            IsRepeatable: def.repeatable,
          },
          def,
        ),
      );
    } else if (isTypeDefinitionNode(def)) {
      out.Definitions.push(definitionJson(def));
    } else if (isTypeExtensionNode(def)) {
      out.Extensions.push(definitionJson(def));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Merged types → graphql-js SDL

export const nameNode = (value: string) => ({ kind: Kind.NAME, value } as const);

export function inputValueNodes(values: Json[]): InputValueDefinitionNode[] {
  return values.map((v) => {
    const defaultValue = field(v, "DefaultValue");
    return {
      kind: Kind.INPUT_VALUE_DEFINITION,
      name: nameNode(str(v, "Name")),
      type: typeNode(field(v, "Type")),
      // Default values are constants in SDL; only their presence and literal matter to validation.
      defaultValue: defaultValue ? (valueNode(defaultValue) as ConstValueNode) : undefined,
    };
  });
}

export function sdlDefinition(def: MergedType): DefinitionNode {
  const name = nameNode(def.name);
  const named = (names: string[]) => names.map((n) => ({ kind: Kind.NAMED_TYPE, name: nameNode(n) } as const));
  switch (def.kind) {
    case "OBJECT":
    case "INTERFACE": {
      const fields: FieldDefinitionNode[] = def.fields.map((f) => ({
        kind: Kind.FIELD_DEFINITION,
        name: nameNode(str(f, "Name")),
        arguments: inputValueNodes(list(f, "Arguments")),
        type: typeNode(field(f, "Type")),
      }));
      const kind = def.kind === "OBJECT" ? Kind.OBJECT_TYPE_DEFINITION : Kind.INTERFACE_TYPE_DEFINITION;
      return { kind, name, interfaces: named(def.interfaces), fields };
    }
    case "UNION":
      return { kind: Kind.UNION_TYPE_DEFINITION, name, types: named(def.types) };
    case "ENUM":
      return {
        kind: Kind.ENUM_TYPE_DEFINITION,
        name,
        values: def.enumValues.map((v) => ({ kind: Kind.ENUM_VALUE_DEFINITION, name: nameNode(str(v, "Name")) })),
      };
    case "INPUT_OBJECT":
      return { kind: Kind.INPUT_OBJECT_TYPE_DEFINITION, name, fields: inputValueNodes(def.fields) };
    default:
      return { kind: Kind.SCALAR_TYPE_DEFINITION, name };
  }
}
