/**
 * Integers beyond 2^53 reaching host builtins. OPA's time builtins take int64 nanoseconds; the SDK passes
 * host arguments through JSON.parse, which would round 1670006453141828752 to …828800. Expected values are
 * OPA's (conformance case time/test-time-0971 "time/format": "2022-12-02T18:40:53.141828752Z").
 */
import { valueOf } from "./run-policy";

const policy = `package t
ns := 1670006453141828752
formatted := time.format(ns)
formatted_tz := time.format([ns, "UTC", "RFC3339Nano"])
next_day_exact if time.add_date(ns, 0, 0, 1) == 1670092853141828752
date := time.date([ns, "UTC"])
diff := time.diff(ns, ns - 1)
small := time.format(0)
`;

describe("host builtins see int64 nanoseconds exactly", () => {
  it.each<[string, unknown]>([
    ["formatted", "2022-12-02T18:40:53.141828752Z"],
    ["formatted_tz", "2022-12-02T18:40:53.141828752Z"],
    ["next_day_exact", true],
    ["date", [2022, 12, 2]],
    ["diff", [0, 0, 0, 0, 0, 0]],
    ["small", "1970-01-01T00:00:00Z"],
  ])("%s is %j", (rule, want) => expect(valueOf(policy, `t/${rule}`)).toEqual(want));

  it("still rejects a non-number instant (type error: undefined)", () => {
    expect(valueOf(`package t\np := time.format(input.s)`, "t/p", { s: { __rego_exact_number__: "x" } })).toBeUndefined();
  });
});
