import { builtins, jsonEqual } from "../../../../compiler/builtins/host/json-patch";
import { evalRule, strictError } from "./policy-runner";

const patch = (doc: unknown, ops: unknown) => builtins["json.patch"](doc, ops);

describe("json.patch", () => {
  test("applies RFC 6902 operations in order", () => {
    expect(
      evalRule(`p := json.patch({"a": {"b": [1, 2]}, "c": 1}, [
        {"op": "add", "path": "/a/b/1", "value": 9},
        {"op": "remove", "path": "/c"},
        {"op": "copy", "from": "/a/b", "path": "/d"},
        {"op": "move", "from": "/d/0", "path": "/e"},
        {"op": "replace", "path": "/a/b/-1", "value": 0},
        {"op": "test", "path": "/e", "value": 1}
      ])`),
    ).toBeUndefined();
    expect(
      evalRule(`p := json.patch({"a": {"b": [1, 2]}, "c": 1}, [
        {"op": "add", "path": "/a/b/1", "value": 9},
        {"op": "remove", "path": "/c"},
        {"op": "copy", "from": "/a/b", "path": "/d"},
        {"op": "move", "from": "/d/0", "path": "/e"},
        {"op": "replace", "path": "/a/b/2", "value": 0},
        {"op": "test", "path": "/e", "value": 1}
      ])`),
    ).toEqual({ a: { b: [1, 9, 0] }, d: [9, 2], e: 1 });
  });

  test("paths may omit the leading slash or be arrays of segments, and escape ~ and /", () => {
    expect(patch({ "a/b": { "~": 1 } }, [{ op: "replace", path: "a~1b/~0", value: 2 }])).toEqual({ "a/b": { "~": 2 } });
    expect(patch({ a: [[0]] }, [{ op: "add", path: ["a", 0, "-"], value: 1 }])).toEqual({ a: [[0, 1]] });
    expect(patch([], [{ op: "add", path: "/-", value: "x" }])).toEqual(["x"]);
    expect(patch({ a: 1 }, [{ op: "add", path: "", value: [1] }])).toEqual([1]);
  });

  test("a failing operation makes the result undefined, even in strict mode", () => {
    expect(evalRule(`p := json.patch([1, 2], [{"op": "remove", "path": "/01"}])`)).toBeUndefined();
    expect(
      evalRule(`p := json.patch({"a": 1}, [{"op": "test", "path": "/a", "value": 2}])`, { strict: true }),
    ).toBeUndefined();
    for (const ops of [
      [{ op: "add", path: "/bar/8", value: 5 }],
      [{ op: "remove", path: "/missing" }],
      [{ op: "add", path: "/bar/1e0", value: 1 }],
      [{ op: "spam", path: "/x" }],
      [{ op: "add", path: "/x" }],
      [{ op: "move", path: "/x" }],
      ["not an object"],
    ]) {
      expect(patch({ bar: [1, 2] }, ops)).toBeUndefined();
    }
  });

  test("a patch list that is not an array is a type error", () => {
    expect(strictError(`p := json.patch({}, {"op": "add"})`)).toBe(
      "eval_type_error: json.patch: operand 2 must be array but got object",
    );
  });
});

test("jsonEqual compares as Rego does: numbers by value, objects regardless of key order", () => {
  expect(jsonEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1.0, { b: 2 }] })).toBe(true);
  expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  expect(jsonEqual("10", 10)).toBe(false);
});
