/**
 * GraphQL documents in the shape OPA's `graphql.*` builtins use: the JSON of the Go structs of the gqlparser
 * library OPA embeds (`Operations`, `SelectionSet`, `Kind: 7`, …). Converts `graphql` (graphql-js) syntax trees
 * to that shape, reads that shape back from policy values, and turns query documents in that shape into
 * graphql-js trees for validation.
 */
import { Kind, OperationTypeNode, type ASTNode, type DefinitionNode, type DocumentNode } from "graphql";
import type { ConstDirectiveNode, ConstValueNode, DirectiveNode, SelectionNode, TypeNode } from "graphql";
import type { ArgumentNode, ListTypeNode, NamedTypeNode, ValueNode, VariableDefinitionNode } from "graphql";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** gqlparser's `ValueKind` numbering. */
const VALUE_KIND: Partial<Record<Kind, number>> = {
  [Kind.VARIABLE]: 0,
  [Kind.INT]: 1,
  [Kind.FLOAT]: 2,
  [Kind.STRING]: 3,
  [Kind.BOOLEAN]: 5,
  [Kind.NULL]: 6,
  [Kind.ENUM]: 7,
  [Kind.LIST]: 8,
  [Kind.OBJECT]: 9,
};
const BLOCK_STRING_KIND = 4;

/** Source positions of converted nodes, kept aside so they never reach the JSON a policy sees. */
export const positions = new WeakMap<object, { line: number; column: number }>();

/** Records where `out`'s syntax node starts (for gqlparser-style error positions) and returns `out`. */
export function at<T extends object>(out: T, node: ASTNode): T {
  const loc = node.loc;
  if (loc) positions.set(out, { line: loc.startToken.line, column: loc.startToken.column });
  return out;
}

export function typeJson(node: TypeNode): JsonObject {
  switch (node.kind) {
    case Kind.NAMED_TYPE:
      return at({ NamedType: node.name.value, Elem: null, NonNull: false }, node);
    case Kind.LIST_TYPE:
      return at({ NamedType: "", Elem: typeJson(node.type), NonNull: false }, node);
    case Kind.NON_NULL_TYPE:
      return at({ ...typeJson(node.type), NonNull: true }, node);
  }
}

export function valueJson(node: ValueNode | ConstValueNode): JsonObject {
  const make = (raw: string, kind: number, children: Json[] = []): JsonObject =>
    at({ Raw: raw, Children: children, Kind: kind, ExpectedTypeHasDefault: false }, node);
  switch (node.kind) {
    case Kind.VARIABLE:
      return make(node.name.value, 0);
    case Kind.STRING:
      return make(node.value, node.block ? BLOCK_STRING_KIND : 3);
    case Kind.BOOLEAN:
      return make(String(node.value), 5);
    case Kind.NULL:
      return make("null", 6);
    case Kind.LIST:
      return make(
        "",
        8,
        node.values.map((v) => ({ Name: "", Value: valueJson(v) })),
      );
    case Kind.OBJECT:
      return make(
        "",
        9,
        node.fields.map((f) => ({ Name: f.name.value, Value: valueJson(f.value) })),
      );
    default:
      return make(node.value, VALUE_KIND[node.kind] ?? 0);
  }
}

export function directivesJson(nodes: readonly DirectiveNode[] | undefined): Json[] {
  return (nodes ?? []).map((d) =>
    at(
      {
        Name: d.name.value,
        Arguments: (d.arguments ?? []).map((a) => at({ Name: a.name.value, Value: valueJson(a.value) }, a)),
        Location: "",
      },
      d,
    ),
  );
}

function variablesJson(nodes: readonly VariableDefinitionNode[] | undefined): Json[] {
  return (nodes ?? []).map((v) =>
    at(
      {
        Variable: v.variable.name.value,
        Type: typeJson(v.type),
        DefaultValue: v.defaultValue ? valueJson(v.defaultValue) : null,
        Directives: directivesJson(v.directives),
        Used: false,
      },
      v,
    ),
  );
}

function selectionsJson(nodes: readonly SelectionNode[] | undefined): Json[] {
  return (nodes ?? []).map((s): JsonObject => {
    switch (s.kind) {
      case Kind.FIELD:
        return at(
          {
            Alias: s.alias?.value ?? s.name.value,
            Name: s.name.value,
            Arguments: (s.arguments ?? []).map((a) => at({ Name: a.name.value, Value: valueJson(a.value) }, a)),
            Directives: directivesJson(s.directives),
            SelectionSet: selectionsJson(s.selectionSet?.selections),
          },
          s,
        );
      case Kind.FRAGMENT_SPREAD:
        return at({ Name: s.name.value, Directives: directivesJson(s.directives) }, s);
      case Kind.INLINE_FRAGMENT:
        return at(
          {
            TypeCondition: s.typeCondition?.name.value ?? "",
            Directives: directivesJson(s.directives),
            SelectionSet: selectionsJson(s.selectionSet.selections),
          },
          s,
        );
    }
  });
}

/** A parsed executable document as gqlparser's `QueryDocument`, before pruning. */
export function queryDocumentJson(doc: DocumentNode): JsonObject {
  const operations: Json[] = [];
  const fragments: Json[] = [];
  for (const def of doc.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) {
      operations.push(
        at(
          {
            Operation: def.operation,
            Name: def.name?.value ?? "",
            VariableDefinitions: variablesJson(def.variableDefinitions),
            Directives: directivesJson(def.directives),
            SelectionSet: selectionsJson(def.selectionSet.selections),
          },
          def,
        ),
      );
    } else if (def.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.push(
        at(
          {
            Name: def.name.value,
            VariableDefinition: variablesJson(def.variableDefinitions),
            TypeCondition: def.typeCondition.name.value,
            Directives: directivesJson(def.directives),
            SelectionSet: selectionsJson(def.selectionSet.selections),
          },
          def,
        ),
      );
    }
  }
  return { Operations: operations, Fragments: fragments };
}

/**
 * OPA's pruning of gqlparser JSON: drops `Position`, nulls and (after pruning) empty arrays and objects, keeping
 * empty strings and `false`.
 */
export function prune(value: Json): Json {
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value) {
      if (item === null) continue;
      const pruned = prune(item);
      if (isEmptyCollection(pruned)) continue;
      out.push(pruned);
    }
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === "Position" || item === null) continue;
      const pruned = prune(item);
      if (isEmptyCollection(pruned)) continue;
      out[key] = pruned;
    }
    return out;
  }
  return value;
}

function isEmptyCollection(v: Json): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return v !== null && typeof v === "object" && Object.keys(v).length === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading policy values in gqlparser's shape (Go's json.Unmarshal: missing keys are zero values).

export function field(obj: Json | undefined, key: string): Json | undefined {
  return obj !== null && typeof obj === "object" && !Array.isArray(obj) ? obj[key] : undefined;
}
export function str(obj: Json | undefined, key: string): string {
  const v = field(obj, key);
  return typeof v === "string" ? v : "";
}
export function bool(obj: Json | undefined, key: string): boolean {
  return field(obj, key) === true;
}
export function list(obj: Json | undefined, key: string): Json[] {
  const v = field(obj, key);
  return Array.isArray(v) ? v : [];
}
export function strings(obj: Json | undefined, key: string): string[] {
  return list(obj, key).filter((s): s is string => typeof s === "string");
}

// ---------------------------------------------------------------------------------------------------------------
// gqlparser JSON → graphql-js syntax trees (no locations), for validating documents given as objects.

const name = (value: string) => ({ kind: Kind.NAME, value } as const);

export function typeNode(t: Json | undefined): TypeNode {
  const elem = field(t, "Elem");
  const inner: ListTypeNode | NamedTypeNode =
    elem !== undefined && elem !== null
      ? { kind: Kind.LIST_TYPE, type: typeNode(elem) }
      : { kind: Kind.NAMED_TYPE, name: name(str(t, "NamedType")) };
  if (!bool(t, "NonNull")) return inner;
  return { kind: Kind.NON_NULL_TYPE, type: inner };
}

export function valueNode(v: Json | undefined): ValueNode {
  const raw = str(v, "Raw");
  const children = list(v, "Children");
  switch (field(v, "Kind") ?? 0) {
    case 0:
      return { kind: Kind.VARIABLE, name: name(raw) };
    case 1:
      return { kind: Kind.INT, value: raw };
    case 2:
      return { kind: Kind.FLOAT, value: raw };
    case 3:
      return { kind: Kind.STRING, value: raw };
    case BLOCK_STRING_KIND:
      return { kind: Kind.STRING, value: raw, block: true };
    case 5:
      return { kind: Kind.BOOLEAN, value: raw === "true" };
    case 6:
      return { kind: Kind.NULL };
    case 8:
      return { kind: Kind.LIST, values: children.map((c) => valueNode(field(c, "Value"))) };
    case 9:
      return {
        kind: Kind.OBJECT,
        fields: children.map((c) => ({
          kind: Kind.OBJECT_FIELD,
          name: name(str(c, "Name")),
          value: valueNode(field(c, "Value")),
        })),
      };
    default:
      return { kind: Kind.ENUM, value: raw };
  }
}

function argumentNodes(args: Json[]): ArgumentNode[] {
  return args.map((a) => ({ kind: Kind.ARGUMENT, name: name(str(a, "Name")), value: valueNode(field(a, "Value")) }));
}

export function directiveNodes(dirs: Json[]): DirectiveNode[] {
  return dirs.map((d) => ({
    kind: Kind.DIRECTIVE,
    name: name(str(d, "Name")),
    arguments: argumentNodes(list(d, "Arguments")),
  }));
}

function variableNodes(vars: Json[]): VariableDefinitionNode[] {
  return vars.map((v) => {
    const defaultValue = field(v, "DefaultValue");
    return {
      kind: Kind.VARIABLE_DEFINITION,
      variable: { kind: Kind.VARIABLE, name: name(str(v, "Variable")) },
      type: typeNode(field(v, "Type")),
      defaultValue: defaultValue ? (valueNode(defaultValue) as ConstValueNode) : undefined,
      // Variable definitions only take constant directive arguments; the parser guaranteed that for strings.
      directives: directiveNodes(list(v, "Directives")) as ConstDirectiveNode[],
    };
  });
}

/** Which selection an object is; gqlparser keeps `TypeCondition` on inline fragments and `Alias` on fields. */
function selectionNode(s: Json): SelectionNode {
  const directives = directiveNodes(list(s, "Directives"));
  const selectionSet = { kind: Kind.SELECTION_SET, selections: list(s, "SelectionSet").map(selectionNode) } as const;
  if (field(s, "TypeCondition") !== undefined) {
    const condition = str(s, "TypeCondition");
    return {
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: condition ? { kind: Kind.NAMED_TYPE, name: name(condition) } : undefined,
      directives,
      selectionSet,
    };
  }
  const isField = ["Alias", "Arguments", "SelectionSet"].some((k) => field(s, k) !== undefined);
  if (!isField) return { kind: Kind.FRAGMENT_SPREAD, name: name(str(s, "Name")), directives };
  const alias = str(s, "Alias");
  return {
    kind: Kind.FIELD,
    alias: alias && alias !== str(s, "Name") ? name(alias) : undefined,
    name: name(str(s, "Name")),
    arguments: argumentNodes(list(s, "Arguments")),
    directives,
    selectionSet: selectionSet.selections.length > 0 ? selectionSet : undefined,
  };
}

const OPERATION_TYPES: Record<string, OperationTypeNode> = {
  query: OperationTypeNode.QUERY,
  mutation: OperationTypeNode.MUTATION,
  subscription: OperationTypeNode.SUBSCRIPTION,
};

/** A query document given as a policy object, as a graphql-js document. */
export function queryDocumentNode(doc: Json): DocumentNode {
  const definitions: DefinitionNode[] = [];
  for (const op of list(doc, "Operations")) {
    const opName = str(op, "Name");
    definitions.push({
      kind: Kind.OPERATION_DEFINITION,
      operation: OPERATION_TYPES[str(op, "Operation")] ?? OperationTypeNode.QUERY,
      name: opName ? name(opName) : undefined,
      variableDefinitions: variableNodes(list(op, "VariableDefinitions")),
      directives: directiveNodes(list(op, "Directives")),
      selectionSet: { kind: Kind.SELECTION_SET, selections: list(op, "SelectionSet").map(selectionNode) },
    });
  }
  for (const frag of list(doc, "Fragments")) {
    definitions.push({
      kind: Kind.FRAGMENT_DEFINITION,
      name: name(str(frag, "Name")),
      typeCondition: { kind: Kind.NAMED_TYPE, name: name(str(frag, "TypeCondition")) },
      directives: directiveNodes(list(frag, "Directives")),
      selectionSet: { kind: Kind.SELECTION_SET, selections: list(frag, "SelectionSet").map(selectionNode) },
    });
  }
  return { kind: Kind.DOCUMENT, definitions };
}
