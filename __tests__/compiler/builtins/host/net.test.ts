import { builtins, cidrContains, parseIP } from "../../../../compiler/builtins/host/net";
import { evalRule, strictError } from "./policy-runner";

describe("net.cidr_contains_matches", () => {
  test("pairs of keys whose CIDR contains the other's IP or CIDR", () => {
    expect(evalRule(`p := net.cidr_contains_matches("1.1.1.0/24", "1.1.1.1")`)).toEqual([["1.1.1.0/24", "1.1.1.1"]]);
    const pairs = evalRule(
      `p := net.cidr_contains_matches([["1.1.2.0/24", 1], "1.1.1.0/24"], ["1.1.1.1", "1.1.2.1", "10.0.0.1"])`,
    );
    expect(pairs).toEqual(
      expect.arrayContaining([
        [0, 1],
        [1, 0],
      ]),
    );
    expect(pairs).toHaveLength(2);
    expect(
      evalRule(`p := net.cidr_contains_matches({"k1": "1.1.1.1/24", "k2": ["1.1.1.2/24", 1]}, "1.1.1.128")`),
    ).toEqual(
      expect.arrayContaining([
        ["k1", "1.1.1.128"],
        ["k2", "1.1.1.128"],
      ]),
    );
  });

  test("bad elements are undefined, or OPA's operand error in strict mode", () => {
    expect(evalRule(`p := net.cidr_contains_matches(["1.1.1.0/24"], ["1.1.1.1", []])`)).toBeUndefined();
    expect(strictError(`p := net.cidr_contains_matches(["1.1.1.0/24"], ["1.1.1.1", []])`)).toBe(
      "eval_builtin_error: net.cidr_contains_matches: operand 2: element must be string or non-empty array",
    );
    expect(strictError(`p := net.cidr_contains_matches("1.1.1.1", "1.1.1.1")`)).toBe(
      "eval_builtin_error: net.cidr_contains_matches: invalid CIDR address: 1.1.1.1",
    );
  });
});

describe("address parsing and containment as Go's net package does them", () => {
  test.each([
    ["10.0.0.1", [10, 0, 0, 1]],
    ["010.0.0.1", null],
    ["256.0.0.1", null],
    ["::1", [...new Array(15).fill(0), 1]],
    ["::ffff:1.2.3.4", [...new Array(10).fill(0), 255, 255, 1, 2, 3, 4]],
    ["1:2:3:4:5:6:7:8:9", null],
    ["1::2::3", null],
  ])("%s", (text, bytes) => {
    expect(parseIP(text)).toEqual(bytes);
  });

  test("CIDRs contain addresses and whole CIDRs, across IPv4-mapped IPv6", () => {
    expect(cidrContains("10.0.0.0/8", "10.255.255.255")).toBe(true);
    expect(cidrContains("10.0.0.0/8", "11.0.0.0")).toBe(false);
    expect(cidrContains("10.0.0.0/8", "10.1.0.0/16")).toBe(true);
    expect(cidrContains("10.1.0.0/16", "10.0.0.0/8")).toBe(false);
    expect(cidrContains("2001:db8::/32", "2001:db8:ffff::1")).toBe(true);
    expect(cidrContains("10.0.0.0/8", "::ffff:10.1.2.3")).toBe(true);
    expect(() => cidrContains("10.0.0.0/33", "10.0.0.1")).toThrow("invalid CIDR address: 10.0.0.0/33");
    expect(() => cidrContains("10.0.0.0/8", "nope")).toThrow(
      "not a valid textual representation of an IP address or CIDR: nope",
    );
  });

  test("duplicate pairs appear once", () => {
    expect(builtins["net.cidr_contains_matches"](["10.0.0.0/8", "10.0.0.0/8"], "10.0.0.1")).toEqual([
      [0, "10.0.0.1"],
      [1, "10.0.0.1"],
    ]);
  });
});
