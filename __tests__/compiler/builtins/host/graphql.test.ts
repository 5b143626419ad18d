import { builtins } from "../../../../compiler/builtins/host/graphql";
import { evalRule, strictError } from "./policy-runner";

const schema = `
  type Employee { id: String!  salary: Int! }
  schema { query: Query }
  type Query { employeeByID(id: String): Employee }
`;
const query = `query { employeeByID(id: "alice") { salary } }`;
const rego = (s: string) => JSON.stringify(s);

describe("graphql.parse_query and graphql.parse_schema", () => {
  test("return gqlparser's AST: aliases filled in, values with their kind, no positions or empty members", () => {
    expect(
      evalRule(
        `p := graphql.parse_query(${rego(
          `query Q($v: [Int!]!) { a: f(x: $v, y: "s", z: [1, 2.5]) @skip(if: true) { g } }`,
        )})`,
      ),
    ).toEqual({
      Operations: [
        {
          Name: "Q",
          Operation: "query",
          VariableDefinitions: [
            {
              Variable: "v",
              Used: false,
              Type: { NamedType: "", NonNull: true, Elem: { NamedType: "Int", NonNull: true } },
            },
          ],
          SelectionSet: [
            {
              Alias: "a",
              Name: "f",
              Arguments: [
                { Name: "x", Value: { Kind: 0, Raw: "v", ExpectedTypeHasDefault: false } },
                { Name: "y", Value: { Kind: 3, Raw: "s", ExpectedTypeHasDefault: false } },
                {
                  Name: "z",
                  Value: {
                    Kind: 8,
                    Raw: "",
                    ExpectedTypeHasDefault: false,
                    Children: [
                      { Name: "", Value: { Kind: 1, Raw: "1", ExpectedTypeHasDefault: false } },
                      { Name: "", Value: { Kind: 2, Raw: "2.5", ExpectedTypeHasDefault: false } },
                    ],
                  },
                },
              ],
              Directives: [
                {
                  Name: "skip",
                  Location: "",
                  Arguments: [{ Name: "if", Value: { Kind: 5, Raw: "true", ExpectedTypeHasDefault: false } }],
                },
              ],
              SelectionSet: [{ Alias: "g", Name: "g" }],
            },
          ],
        },
      ],
    });
  });

  test("schema definitions keep their kind, description and BuiltIn flag", () => {
    const ast = evalRule(`p := graphql.parse_schema(${rego(`"Staff" type Employee implements Node { id: ID! }`)})`);
    expect(ast).toEqual({
      Definitions: [
        {
          Kind: "OBJECT",
          Name: "Employee",
          Description: "Staff",
          BuiltIn: false,
          Interfaces: ["Node"],
          Fields: [{ Name: "id", Description: "", Type: { NamedType: "ID", NonNull: true } }],
        },
      ],
    });
  });

  test("an empty document parses to an empty AST, as gqlparser allows", () => {
    expect(evalRule(`p := graphql.parse_query("  # only a comment")`)).toEqual({});
  });

  test("syntax errors are undefined, or an error with gqlparser's wording and position in strict mode", () => {
    expect(evalRule(`p := graphql.parse_query("{__typename{...}}")`)).toBeUndefined();
    expect(strictError(`p := graphql.parse_query("{__typename{...}}")`)).toBe(
      "eval_builtin_error: graphql.parse_query: Expected {, found } in GraphQL string at location 1:16",
    );
    expect(strictError(`p := graphql.parse_query("type T { a: Int }")`)).toBe(
      'eval_builtin_error: graphql.parse_query: Unexpected Name "type" in GraphQL string at location 1:1',
    );
    expect(strictError(`p := graphql.parse_schema(1)`)).toBe(
      "eval_type_error: graphql.parse_schema: operand 1 must be string but got number",
    );
  });
});

describe("graphql.parse, graphql.parse_and_verify, graphql.is_valid", () => {
  test("a valid query yields both ASTs; the object forms are accepted back", () => {
    const [q, s] = evalRule(`p := graphql.parse(${rego(query)}, ${rego(schema)})`) as [object, object];
    expect(q).toEqual(evalRule(`p := graphql.parse_query(${rego(query)})`));
    expect(s).toEqual(evalRule(`p := graphql.parse_schema(${rego(schema)})`));
    expect(
      evalRule(`p := graphql.is_valid(graphql.parse_query(${rego(query)}), graphql.parse_schema(${rego(schema)}))`),
    ).toBe(true);
    expect(evalRule(`p := graphql.parse_and_verify(${rego(query)}, ${rego(schema)})`)).toEqual([true, q, s]);
  });

  test("validation failures: false, [false, {}, {}], or the first error with its position in strict mode", () => {
    const bad = `{ employeeByID(id: "alice") { name } }`;
    expect(evalRule(`p := graphql.is_valid(${rego(bad)}, ${rego(schema)})`)).toBe(false);
    expect(evalRule(`p := graphql.parse_and_verify(${rego(bad)}, ${rego(schema)})`)).toEqual([false, {}, {}]);
    expect(evalRule(`p := graphql.parse(${rego(bad)}, ${rego(schema)})`)).toBeUndefined();
    expect(strictError(`p := graphql.parse(${rego(bad)}, ${rego(schema)})`)).toBe(
      'eval_builtin_error: graphql.parse: Cannot query field "name" on type "Employee" in GraphQL string at location 1:31',
    );
  });

  test("operations the schema has no root for are invalid (gqlparser's KnownRootType)", () => {
    expect(evalRule(`p := graphql.is_valid("mutation { x }", "type Query { x: Int }")`)).toBe(false);
    expect(strictError(`p := graphql.parse("mutation { x }", "type Query { x: Int }")`)).toBe(
      'eval_builtin_error: graphql.parse: Schema does not support operation type "mutation" in GraphQL string at location 1:1',
    );
  });
});

describe("graphql.schema_is_valid follows gqlparser's schema rules", () => {
  test.each([
    ["extensions of undefined types define them", "extend type User { id: ID! }  type Query { u: User }", true],
    [
      "an interface implemented transitively must be listed",
      "interface A { id: ID! } interface B implements A { id: ID! } type C implements B { id: ID! }",
      false,
    ],
    ["input fields cannot be objects", "type P { a: Int } input I { p: P }", false],
    ["unions of undefined types", "union U = Nope", false],
    ["redeclared built-in scalars", "scalar String", false],
    ["schema extension with a directive only", "type Query { x: Int } directive @d on SCHEMA extend schema @d", true],
  ])("%s", (_name, sdl, valid) => {
    expect(evalRule(`p := graphql.schema_is_valid(${rego(sdl)})`)).toBe(valid);
  });

  test("a schema error names gqlparser's check and position in strict mode", () => {
    expect(strictError(`p := graphql.parse("{ x }", "type Query { x: Nope }")`)).toBe(
      "eval_builtin_error: graphql.parse: Error in gqlparser SchemaDocument to Schema conversion: input:1:17: Undefined type Nope.",
    );
  });
});

describe("direct calls", () => {
  test("non-string, non-object operands are type errors for parse and false for is_valid", () => {
    expect(() => builtins["graphql.parse"](1, "type Query { x: Int }")).toThrow(
      "operand 0 must be one of {string, object} but got number",
    );
    expect(builtins["graphql.is_valid"]([], "type Query { x: Int }")).toBe(false);
    expect(builtins["graphql.schema_is_valid"](null)).toBe(false);
  });

  test("an empty selection set is worded as gqlparser's empty list", () => {
    expect(() => builtins["graphql.parse_query"]("{...{__typename{...{}}}}")).toThrow(
      "expected at least one definition, found } in GraphQL string at location 1:21",
    );
  });
});
