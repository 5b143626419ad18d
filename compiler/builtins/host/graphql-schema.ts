/**
 * GraphQL schemas for OPA's `graphql.*` builtins: schema documents in gqlparser's JSON shape, checked the way
 * gqlparser's `ValidateSchemaDocument` checks them (its prelude merged in, extensions of undefined types
 * allowed, its messages), then built into a graphql-js schema against which queries are validated.
 */
import { buildASTSchema, Kind, OperationTypeNode } from "graphql";
import type { DefinitionNode, DirectiveLocation, GraphQLSchema, OperationTypeDefinitionNode } from "graphql";
import { bool, field, list, positions, str, strings, type Json } from "./graphql-ast";
import { inputValueNodes, nameNode, sdlDefinition, type MergedType } from "./graphql-sdl";

/** A schema that gqlparser would reject, with its message and (when known) position. */
export class GraphQLSchemaError extends Error {
  constructor(message: string, readonly where?: { line: number; column: number }) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// gqlparser's schema checks

interface TypeRef {
  named: string;
  elem: TypeRef | null;
  nonNull: boolean;
}

function typeRef(t: Json | undefined): TypeRef {
  const elem = field(t, "Elem");
  return { named: str(t, "NamedType"), elem: elem ? typeRef(elem) : null, nonNull: bool(t, "NonNull") };
}
const innerName = (t: TypeRef): string => (t.elem ? innerName(t.elem) : t.named);
const typeString = (t: TypeRef): string => (t.elem ? `[${typeString(t.elem)}]` : t.named) + (t.nonNull ? "!" : "");

interface Schema {
  types: Map<string, MergedType>;
  directives: Map<string, Json>;
  possibleTypes: Map<string, string[]>;
  roots: Partial<Record<OperationTypeNode, string>>;
}

const PRELUDE_TYPES: Record<string, string> = {
  Int: "SCALAR",
  Float: "SCALAR",
  String: "SCALAR",
  Boolean: "SCALAR",
  ID: "SCALAR",
  __Schema: "OBJECT",
  __Type: "OBJECT",
  __Field: "OBJECT",
  __InputValue: "OBJECT",
  __EnumValue: "OBJECT",
  __Directive: "OBJECT",
  __TypeKind: "ENUM",
  __DirectiveLocation: "ENUM",
};
const PRELUDE_DIRECTIVES: Record<string, string[]> = {
  include: ["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"],
  skip: ["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"],
  deprecated: ["FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE"],
  specifiedBy: ["SCALAR"],
};
const INPUT_KINDS = ["SCALAR", "ENUM", "INPUT_OBJECT"];
const OUTPUT_KINDS = ["SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM"];

function fail(message: string, node?: Json): never {
  const where = node !== null && typeof node === "object" ? positions.get(node) : undefined;
  throw new GraphQLSchemaError(message, where);
}

const quote = (s: string): string => JSON.stringify(s);

function checkName(name: string, node: Json): void {
  if (name.startsWith("__")) {
    fail(`Name "${name}" must not begin with "__", which is reserved by GraphQL introspection.`, node);
  }
}

function typeDef(src: Json, builtIn: boolean): MergedType {
  return {
    kind: str(src, "Kind"),
    name: str(src, "Name"),
    src,
    builtIn,
    fields: [...list(src, "Fields")],
    interfaces: strings(src, "Interfaces"),
    types: strings(src, "Types"),
    enumValues: [...list(src, "EnumValues")],
    directives: [...list(src, "Directives")],
  };
}

/** Merges the prelude and `doc`, applies extensions and checks everything gqlparser checks, in its order. */
function checkSchema(doc: Json): Schema {
  const types = new Map<string, MergedType>();
  for (const [name, kind] of Object.entries(PRELUDE_TYPES)) {
    types.set(name, typeDef({ Kind: kind, Name: name }, true));
  }
  for (const def of list(doc, "Definitions")) {
    const name = str(def, "Name");
    if (types.has(name)) fail(`Cannot redeclare type ${name}.`, def);
    types.set(name, typeDef(def, false));
  }
  for (const ext of list(doc, "Extensions")) {
    const name = str(ext, "Name");
    let def = types.get(name);
    if (!def) {
      def = typeDef({ Kind: str(ext, "Kind"), Name: name }, false);
      def.src = ext;
      types.set(name, def);
    }
    if (def.kind !== str(ext, "Kind")) {
      fail(`Cannot extend type ${name} because the base type is a ${def.kind}, not ${str(ext, "Kind")}.`, ext);
    }
    def.directives.push(...list(ext, "Directives"));
    def.interfaces.push(...strings(ext, "Interfaces"));
    def.fields.push(...list(ext, "Fields"));
    def.types.push(...strings(ext, "Types"));
    def.enumValues.push(...list(ext, "EnumValues"));
  }

  const possibleTypes = new Map<string, string[]>();
  const addPossible = (abstract: string, concrete: string) =>
    possibleTypes.set(abstract, [...(possibleTypes.get(abstract) ?? []), concrete]);
  for (const def of types.values()) {
    if (def.kind === "UNION") def.types.forEach((t) => addPossible(def.name, t));
    if (def.kind === "OBJECT" || def.kind === "INPUT_OBJECT" || def.kind === "INTERFACE") {
      def.interfaces.forEach((i) => addPossible(i, def.name));
      if (def.kind !== "INTERFACE") addPossible(def.name, def.name);
    }
  }

  const directives = new Map<string, Json>();
  for (const [name, locations] of Object.entries(PRELUDE_DIRECTIVES)) {
    directives.set(name, { Name: name, Locations: locations, Arguments: [] });
  }
  for (const dir of list(doc, "Directives")) {
    const name = str(dir, "Name");
    if (directives.has(name)) {
      if (name in PRELUDE_DIRECTIVES) continue;
      fail(`Cannot redeclare directive ${name}.`, dir);
    }
    directives.set(name, dir);
  }

  const schemaDefs = list(doc, "Schema");
  if (schemaDefs.length > 1) {
    fail("Cannot have multiple schema entry points, consider schema extensions instead.", schemaDefs[1]);
  }
  const roots: Schema["roots"] = {};
  for (const schemaDef of [...schemaDefs, ...list(doc, "SchemaExtension")]) {
    for (const entry of list(schemaDef, "OperationTypes")) {
      const operation = str(entry, "Operation") as OperationTypeNode;
      if (!types.has(str(entry, "Type"))) {
        fail(`Schema root ${operation} refers to a type ${str(entry, "Type")} that does not exist.`, entry);
      }
      roots[operation] = str(entry, "Type");
    }
  }

  const schema: Schema = { types, directives, possibleTypes, roots };
  for (const name of [...types.keys()].sort()) {
    const def = types.get(name);
    if (def && !def.builtIn) checkDefinition(schema, def);
  }
  for (const name of [...directives.keys()].sort()) {
    const dir = directives.get(name);
    if (name in PRELUDE_DIRECTIVES || dir === undefined) continue;
    checkName(name, dir);
    checkArguments(schema, list(dir, "Arguments"), name);
  }

  if (schemaDefs.length === 0) {
    for (const [operation, typeName] of [
      [OperationTypeNode.QUERY, "Query"],
      [OperationTypeNode.MUTATION, "Mutation"],
      [OperationTypeNode.SUBSCRIPTION, "Subscription"],
    ] as const) {
      if (!roots[operation] && types.has(typeName)) roots[operation] = typeName;
    }
  }
  return schema;
}

function checkTypeRef(schema: Schema, t: Json | undefined, node: Json): TypeRef {
  const ref = typeRef(t);
  if (!schema.types.has(innerName(ref))) fail(`Undefined type ${innerName(ref)}.`, t ?? node);
  return ref;
}

function checkArguments(schema: Schema, args: Json[], directive: string | null): void {
  for (const arg of args) {
    const name = str(arg, "Name");
    checkName(name, arg);
    const ref = checkTypeRef(schema, field(arg, "Type"), arg);
    const def = schema.types.get(innerName(ref));
    if (def && !INPUT_KINDS.includes(def.kind)) {
      fail(`cannot use ${typeString(ref)} as argument ${name} because ${def.kind} is not a valid input type`, arg);
    }
    checkDirectives(schema, list(arg, "Directives"), "ARGUMENT_DEFINITION", directive);
  }
}

function checkDirectives(schema: Schema, uses: Json[], location: string, current: string | null): void {
  for (const use of uses) {
    const name = str(use, "Name");
    checkName(name, use);
    if (current !== null && name === current) fail(`Directive ${current} cannot refer to itself.`, use);
    const def = schema.directives.get(name);
    if (def === undefined) fail(`Undefined directive ${name}.`, use);
    if (!strings(def, "Locations").includes(location)) {
      fail(`Directive ${name} is not applicable on ${location}.`, use);
    }
  }
}

function checkDefinition(schema: Schema, def: MergedType): void {
  for (const f of def.fields) {
    checkName(str(f, "Name"), f);
    checkTypeRef(schema, field(f, "Type"), f);
    checkArguments(schema, list(f, "Arguments"), null);
    const location = def.kind === "INPUT_OBJECT" ? "INPUT_FIELD_DEFINITION" : "FIELD_DEFINITION";
    checkDirectives(schema, list(f, "Directives"), location, null);
  }
  for (const t of def.types) {
    const member = schema.types.get(t);
    if (!member) fail(`Undefined type ${quote(t)}.`, def.src);
    if (member.kind !== "OBJECT") fail(`${def.kind} type ${quote(t)} must be OBJECT.`, def.src);
  }
  for (const i of def.interfaces) checkImplements(schema, def, i);

  const fieldKinds = (allowed: string[], what: string) => {
    if (def.fields.length === 0) fail(`${def.kind} ${def.name}: must define one or more ${what}.`, def.src);
    for (const f of def.fields) {
      const target = schema.types.get(innerName(typeRef(field(f, "Type"))));
      if (target && !allowed.includes(target.kind)) {
        const subject = def.kind === "INPUT_OBJECT" ? `${target.kind} ${str(f, "Name")}` : `${def.kind} ${def.name}`;
        fail(`${subject}: field must be one of ${allowed.join(", ")}.`, f);
      }
    }
  };
  if (def.kind === "OBJECT" || def.kind === "INTERFACE") fieldKinds(OUTPUT_KINDS, "fields");
  if (def.kind === "INPUT_OBJECT") fieldKinds(INPUT_KINDS, "input fields");
  if (def.kind === "ENUM") {
    if (def.enumValues.length === 0) fail(`ENUM ${def.name}: must define one or more unique enum values.`, def.src);
    const reserved = def.enumValues.map((v) => str(v, "Name")).find((n) => ["true", "false", "null"].includes(n));
    if (reserved !== undefined) fail(`ENUM ${def.name}: non-enum value ${reserved}.`, def.src);
  }
  const seen = new Set<string>();
  for (const f of def.fields) {
    if (seen.has(str(f, "Name"))) fail(`Field ${def.name}.${str(f, "Name")} can only be defined once.`, f);
    seen.add(str(f, "Name"));
  }
  checkName(def.name, def.src);
  checkDirectives(schema, def.directives, def.kind, null);
}

function isCovariant(schema: Schema, required: TypeRef, actual: TypeRef): boolean {
  if (required.nonNull && !actual.nonNull) return false;
  if (required.named !== "") {
    return required.named === actual.named || (schema.possibleTypes.get(required.named) ?? []).includes(actual.named);
  }
  if (required.elem && !actual.elem) return false;
  return required.elem !== null && actual.elem !== null && isCovariant(schema, required.elem, actual.elem);
}

function isCompatible(required: TypeRef, actual: TypeRef): boolean {
  if (required.named !== actual.named) return false;
  if (required.elem && (!actual.elem || !isCompatible(required.elem, actual.elem))) return false;
  return actual.nonNull ? required.nonNull : true;
}

function checkImplements(schema: Schema, def: MergedType, name: string): void {
  const intf = schema.types.get(name);
  if (!intf) fail(`Undefined type ${quote(name)}.`, def.src);
  if (intf.kind !== "INTERFACE") fail(`${quote(name)} is a non interface type ${intf.kind}.`, def.src);
  const prefix = `For ${def.name} to implement ${name}`;
  for (const required of intf.fields) {
    const fieldName = str(required, "Name");
    const found = def.fields.find((f) => str(f, "Name") === fieldName);
    if (!found) fail(`${prefix} it must have a field called ${fieldName}.`, def.src);
    const requiredType = typeRef(field(required, "Type"));
    if (!isCovariant(schema, requiredType, typeRef(field(found, "Type")))) {
      fail(`${prefix} the field ${fieldName} must have type ${typeString(requiredType)}.`, found);
    }
    const foundArgs = list(found, "Arguments");
    for (const arg of list(required, "Arguments")) {
      const match = foundArgs.find((a) => str(a, "Name") === str(arg, "Name"));
      const argPrefix = `${prefix} the field ${fieldName} must have the same arguments but`;
      if (!match) fail(`${argPrefix} it is missing ${str(arg, "Name")}.`, found);
      if (!isCompatible(typeRef(field(arg, "Type")), typeRef(field(match, "Type")))) {
        fail(`${argPrefix} ${str(arg, "Name")} has the wrong type.`, match);
      }
    }
    for (const arg of foundArgs) {
      const declared = list(required, "Arguments").some((a) => str(a, "Name") === str(arg, "Name"));
      if (!declared && typeRef(field(arg, "Type")).nonNull && !field(arg, "DefaultValue")) {
        fail(
          `${prefix} any additional arguments on ${fieldName} must be optional or have a default value but ${str(
            arg,
            "Name",
          )} is required.`,
          arg,
        );
      }
    }
  }
  for (const transitive of intf.interfaces) {
    if (def.interfaces.includes(transitive)) continue;
    if (transitive === def.name) {
      fail(`Type ${def.name} cannot implement ${name} because it would create a circular reference.`, def.src);
    }
    fail(`Type ${def.name} must implement ${transitive} because it is implemented by ${name}.`, def.src);
  }
}

/** A schema document (gqlparser JSON) checked as gqlparser checks it and built for query validation. */
export function loadSchema(doc: Json): GraphQLSchema {
  const schema = checkSchema(doc);
  const definitions: DefinitionNode[] = [];
  for (const def of schema.types.values()) if (!def.builtIn) definitions.push(sdlDefinition(def));
  for (const [name, dir] of schema.directives) {
    if (name in PRELUDE_DIRECTIVES) continue;
    definitions.push({
      kind: Kind.DIRECTIVE_DEFINITION,
      name: nameNode(name),
      arguments: inputValueNodes(list(dir, "Arguments")),
      repeatable: bool(dir, "IsRepeatable"),
      locations: strings(dir, "Locations").map((l) => nameNode(l as DirectiveLocation)),
    });
  }
  const operationTypes = Object.entries(schema.roots).map(
    ([operation, type]): OperationTypeDefinitionNode => ({
      kind: Kind.OPERATION_TYPE_DEFINITION,
      operation: operation as OperationTypeNode,
      type: { kind: Kind.NAMED_TYPE, name: nameNode(type) },
    }),
  );
  if (operationTypes.length > 0) definitions.push({ kind: Kind.SCHEMA_DEFINITION, operationTypes });
  // gqlparser's checks above stand in for graphql-js's own schema validation, which differs from them.
  return buildASTSchema({ kind: Kind.DOCUMENT, definitions }, { assumeValid: true, assumeValidSDL: true });
}
