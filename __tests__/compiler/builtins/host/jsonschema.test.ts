import { builtins } from "../../../../compiler/builtins/host/jsonschema";
import { evalRule, strictError } from "./policy-runner";

const match = (doc: unknown, schema: unknown) =>
  builtins["json.match_schema"](doc, schema) as [boolean, Array<Record<string, string>>];
const errors = (doc: unknown, schema: unknown) => match(doc, schema)[1].map((e) => e.error);

describe("json.verify_schema", () => {
  test("[true, null] for a valid schema, [false, gojsonschema's message] otherwise", () => {
    expect(evalRule(`p := json.verify_schema({"type": "boolean"})`)).toEqual([true, null]);
    expect(evalRule(`p := json.verify_schema("{\\"type\\": \\"nope\\"}")`)).toEqual([
      false,
      "jsonschema: has a primitive type that is NOT VALID -- given: /nope/ Expected valid values are:[array boolean integer number null object string]",
    ]);
    expect(evalRule(`p := json.verify_schema("{")`)).toEqual([false, "jsonschema: invalid JSON string"]);
  });

  test.each([
    [{ minLength: -1 }, "minLength must be greater than or equal to 0"],
    [{ minLength: 1.5 }, "minLength must be of an integer"],
    [{ type: ["string", "string"] }, "string type is duplicated"],
    [{ required: ["a", "a"] }, "required items must be unique"],
    [{ pattern: "(?<=a)" }, "pattern must be a valid regex"],
    [{ $ref: "#/definitions/none" }, "Object has no key 'definitions'"],
    [{ $ref: "http://example.com/s.json" }, "Reference http://example.com/s.json must be canonical"],
    [
      { $schema: "http://json-schema.org/draft-04/schema#", exclusiveMinimum: 1 },
      "Invalid type. Expected: boolean, given: exclusiveMinimum",
    ],
  ])("%j is rejected: %s", (schema, message) => {
    expect(builtins["json.verify_schema"](schema)).toEqual([false, `jsonschema: ${message}`]);
  });
});

describe("json.match_schema", () => {
  test("[true, []] on success; errors as objects naming the field otherwise", () => {
    const schema = `{"properties": {"id": {"type": "integer"}}, "required": ["id"]}`;
    expect(evalRule(`p := json.match_schema({"id": 5}, ${schema})`)).toEqual([true, []]);
    expect(evalRule(`p := json.match_schema("{\\"id\\": \\"x\\"}", ${schema})`)).toEqual([
      false,
      [
        {
          error: "id: Invalid type. Expected: integer, given: string",
          type: "invalid_type",
          field: "id",
          desc: "Invalid type. Expected: integer, given: string",
        },
      ],
    ]);
  });

  test("an invalid schema is undefined, or the schema error in strict mode", () => {
    expect(evalRule(`p := json.match_schema({}, {"type": 1})`)).toBeUndefined();
    expect(strictError(`p := json.match_schema({}, {"type": 1})`)).toBe(
      "eval_builtin_error: json.match_schema: Invalid type. Expected: type, given: string/array of strings",
    );
  });

  test("keywords report as gojsonschema reports them", () => {
    const schema = {
      type: "object",
      properties: { a: { enum: ["x", "y"] }, b: { items: { maximum: 3 }, uniqueItems: true }, c: { const: { k: 1 } } },
      required: ["d"],
      additionalProperties: false,
    };
    expect(errors({ a: "z", b: [4, 4], c: { k: 2 }, e: 1 }, schema)).toEqual([
      "(root): d is required",
      "(root): Additional property e is not allowed",
      'a: a must be one of the following: "x", "y"',
      "b.0: Must be less than or equal to 3",
      "b.1: Must be less than or equal to 3",
      "b: array items[0,1] must be unique",
      'c: c does not match: {"k":1}',
    ]);
  });

  test("a failed anyOf reports the closest alternative's errors", () => {
    expect(errors("5", { anyOf: [{ type: "string" }, { type: "integer", minimum: 10 }] })).toEqual([
      "(root): Must validate at least one schema (anyOf)",
      "(root): Must be greater than or equal to 10",
    ]);
  });

  test("$ref to definitions, recursion and $id-relative references", () => {
    const tree = {
      $id: "http://x/tree",
      properties: { kids: { items: { $ref: "#" } }, v: { $ref: "defs#/definitions/pos" } },
    };
    const withDefs = { ...tree, definitions: { d: { $id: "defs", definitions: { pos: { minimum: 0 } } } } };
    expect(match({ v: 1, kids: [{ v: 2, kids: [] }] }, withDefs)[0]).toBe(true);
    expect(errors({ kids: [{ v: -1 }] }, withDefs)).toEqual(["kids.0.v: Must be greater than or equal to 0"]);
  });

  test("numbers: integer vs number, exact multipleOf, Go's number formatting", () => {
    expect(match("1.0", { type: "integer" })[0]).toBe(true);
    expect(match("0.3", { multipleOf: 0.1 })[0]).toBe(true);
    expect(errors("0.35", { multipleOf: 0.1 })).toEqual(["(root): Must be a multiple of 0.1"]);
    expect(errors("5000000", { maximum: 1000000 })).toEqual(["(root): Must be less than or equal to 1e+06"]);
    expect(
      errors("2", { $schema: "http://json-schema.org/draft-04/schema#", minimum: 2, exclusiveMinimum: true }),
    ).toEqual(["(root): Must be greater than 2"]);
  });

  test("draft 7 conditionals and formats", () => {
    const schema = { if: { properties: { t: { const: "ip" } } }, then: { properties: { v: { format: "ipv4" } } } };
    expect(match({ t: "ip", v: "10.0.0.1" }, schema)[0]).toBe(true);
    expect(errors({ t: "ip", v: "10.0.0" }, schema)).toEqual([
      '(root): Must validate "then" as "if" was valid',
      "v: Does not match format 'ipv4'",
    ]);
    expect(match('"2021-02-28T10:00:00Z"', { format: "date-time" })[0]).toBe(true);
    expect(match('"2021-02-30"', { format: "date" })[0]).toBe(false);
    expect(match('"a@b.example"', { format: "email" })[0]).toBe(true);
    expect(match('"http://x/%zz"', { format: "uri" })[0]).toBe(false);
    expect(match('"whatever"', { format: "not-a-format" })[0]).toBe(true);
  });
});
