/**
 * The byte-level checks behind "duplicate key" and "invalid UTF-8" refusals: what they must catch (a repeated key
 * however it is written, at any depth, in wide objects) and what they must let through (the same key in sibling
 * objects, braces and quotes inside strings, valid multi-byte text), since either mistake changes the exit code.
 */
import { checkIntegrity } from "../../gate/integrity";

const check = (text: string | Buffer) => checkIntegrity(Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8"));

describe("duplicate keys", () => {
  it.each<[string, string, string]>([
    ["at the top", '{"a": 1, "b": 2, "a": 3}', "$.a"],
    ["in an object inside arrays", '{"x": [[{"k": 1}, {"k": 2, "k": 3}]]}', "$.x[0][1].k"],
    ["written once with an escape", '{"tags": {"job": 1, "j\\u006fb": 2}}', "$.tags.job"],
    ["named by a key that is not an identifier", '{"tags": {"groundtruth:job-types": "a", "groundtruth:job-types": "b"}}', '$.tags["groundtruth:job-types"]'],
    ["in an object of 500 keys", `{${Array.from({ length: 500 }, (_, i) => `"k${i}": ${i}`).join(", ")}, "k321": 0}`, "$.k321"],
  ])("are found %s, with the path of the key", (_name, text, path) => {
    expect(check(text)).toMatchObject({ path, message: expect.stringMatching(/appears twice in one object/) });
  });

  it.each<[string, string]>([
    ["the same key in sibling objects", '{"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 3}, {"k": 4}]}'],
    ["a key after a nested object closes", '{"a": {"b": {}}, "b": 1}'],
    ["braces, brackets, commas and escaped quotes inside strings", '{"a": "{\\"a\\": 1, [", "b": "}],\\\\", "c": 1}'],
    ["keys that differ only in case", '{"Key": 1, "key": 2}'],
    ["10,000 distinct keys", `{${Array.from({ length: 10_000 }, (_, i) => `"k${i}": ${i}`).join(",")}}`],
  ])("are not reported for %s", (_name, text) => {
    expect(check(text)).toBeNull();
  });
});

describe("UTF-8", () => {
  it("lets multi-byte text through", () => {
    expect(check('{"name": "étiquetage 画像 🐱"}')).toBeNull();
  });

  it.each<[string, number[], string]>([
    ["a lone continuation byte", [0x80], "byte 0x80"],
    ["a truncated sequence", [0xe6, 0x97], "byte 0xe6"],
    ["an overlong encoding of /", [0xc0, 0xaf], "byte 0xc0"],
    ["an encoded surrogate", [0xed, 0xb0, 0x80], "byte 0xed"],
  ])("refuses %s, naming the byte and the path", (_name, bad, byte) => {
    const bytes = Buffer.concat([Buffer.from('{"a": {"b": "x'), Buffer.from(bad), Buffer.from('"}}')]);
    expect(check(bytes)).toMatchObject({ path: "$.a.b", message: expect.stringContaining(`invalid UTF-8 (${byte} at line 1, column`) });
  });
});
