import { civilOf, formatTime, loadZone, UTC } from "../../../../compiler/builtins/host/go-time";
import { parseDuration, parseTime } from "../../../../compiler/builtins/host/go-time-parse";
import { evalRule, loadRule, strictError } from "./policy-runner";

/** 2022-12-02T18:40:53.141828608Z: a multiple of 256 ns, so the SDK's doubles carry it exactly. */
const NS = "1670006453141828608";

describe("time.now_ns", () => {
  test("is one value throughout an evaluation and moves on between evaluations", async () => {
    const policy = loadRule("p := [count({time.now_ns() | numbers.range(1, 50)[_]}), time.now_ns()]");
    const [first] = policy.evaluate() as Array<{ result: [number, number] }>;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [second] = policy.evaluate() as Array<{ result: [number, number] }>;
    expect(first.result[0]).toBe(1);
    expect(second.result[1]).toBeGreaterThan(first.result[1]);
    expect(Math.abs(first.result[1] / 1e6 - Date.now())).toBeLessThan(60_000);
  });
});

describe("parsing", () => {
  test("time.parse_ns reads Go layouts, named layouts and zone offsets, exactly to the nanosecond", () => {
    expect(evalRule(`p := time.parse_ns("2006-01-02T15:04:05.999999999Z07:00", "2020-01-01T00:00:00.123456789+01:00") == 1577833200123456789`)).toBe(true);
    expect(evalRule(`p := time.parse_ns("RFC822Z", "02 Jun 17 19:00 -0700")`)).toBe(1496455200000000000);
    expect(evalRule(`p := time.parse_ns("Jan _2 2006 3:04PM", "Feb  5 2018 7:00PM")`)).toBe(1517857200000000000);
    // An abbreviation Go cannot resolve in UTC names a zone of offset zero.
    expect(evalRule(`p := time.parse_ns("2006-01-02 15:04 MST", "2020-06-01 12:00 PST")`)).toBe(1591012800000000000);
  });

  test("time.parse_rfc3339_ns covers the int64 range and rejects what lies beyond", () => {
    expect(evalRule(`p := time.parse_rfc3339_ns("2262-04-11T23:47:16.854775807Z") == 9223372036854775807`)).toBe(true);
    expect(evalRule(`p := time.parse_rfc3339_ns("1677-09-21T00:12:43.145224192Z") == -9223372036854775808`)).toBe(true);
    expect(strictError(`p := time.parse_rfc3339_ns("2262-04-11T23:47:16.854775808Z")`)).toBe(
      "eval_builtin_error: time.parse_rfc3339_ns: time outside of valid range",
    );
  });

  test("parse errors carry Go's wording", () => {
    expect(strictError(`p := time.parse_ns("2006-01-02", "20x0-01-01")`)).toMatch(
      /time.parse_ns: parsing time "20x0-01-01" as "2006-01-02": cannot parse "20x0-01-01" as "2006"$/,
    );
    expect(strictError(`p := time.parse_ns("2006-01-02", "2020-13-01")`)).toMatch(/parsing time "2020-13-01": month out of range$/);
    expect(strictError(`p := time.parse_ns("2006-01-02", "2021-02-29")`)).toMatch(/parsing time "2021-02-29": day out of range$/);
    expect(strictError(`p := time.parse_ns("2006", "2006x")`)).toMatch(/parsing time "2006x": extra text: "x"$/);
    expect(evalRule(`p := time.parse_ns("2006", "x")`)).toBeUndefined();
  });

  test("time.parse_duration_ns follows Go's ParseDuration", () => {
    expect(evalRule(`p := [time.parse_duration_ns("1h2m3.5s"), time.parse_duration_ns("-1.5h"), time.parse_duration_ns("1µs"), time.parse_duration_ns("0")]`)).toEqual([
      3723500000000, -5400000000000, 1000, 0,
    ]);
    expect(strictError(`p := time.parse_duration_ns("3x")`)).toMatch(/time: unknown unit "x" in duration "3x"$/);
    expect(strictError(`p := time.parse_duration_ns("1")`)).toMatch(/time: missing unit in duration "1"$/);
    expect(() => parseDuration("9223372037s")).toThrow('time: invalid duration "9223372037s"');
    expect(parseDuration("9223372036s")).toBe(9223372036000000000n);
  });
});

describe("calendar and formatting", () => {
  test("time.format uses RFC3339Nano by default, zones and Go layouts (named or not)", () => {
    expect(evalRule(`p := time.format(${NS})`)).toBe("2022-12-02T18:40:53.141828608Z");
    expect(evalRule(`p := time.format([${NS}, "Asia/Kolkata"])`)).toBe("2022-12-03T00:10:53.141828608+05:30");
    expect(evalRule(`p := time.format([${NS}, "America/New_York", "Mon Jan _2 3:04PM .000 -0700 2006"])`)).toBe("Fri Dec  2 1:40PM .141 -0500 2022");
    expect(evalRule(`p := time.format([${NS}, "UTC", "RFC1123Z"])`)).toBe("Fri, 02 Dec 2022 18:40:53 +0000");
  });

  test("time.date, time.clock and time.weekday read the civil time in the zone, daylight saving included", () => {
    const july = 1656676800000000000; // 2022-07-01T12:00:00Z
    expect(evalRule(`p := [time.date(${july}), time.clock([${july}, "America/New_York"]), time.weekday([${july}, "Asia/Tokyo"])]`)).toEqual([
      [2022, 7, 1], [8, 0, 0], "Friday",
    ]);
    expect(evalRule(`p := time.clock([${NS}, "America/New_York"])`)).toEqual([13, 40, 53]);
  });

  test("time.add_date normalises as Go's time.Date does and keeps nanoseconds", () => {
    const jan31 = 1706659200000000000; // 2024-01-31T00:00:00Z
    expect(evalRule(`p := time.date(time.add_date(${jan31}, 0, 1, 0))`)).toEqual([2024, 3, 2]);
    expect(evalRule(`p := time.add_date(1585852421000000512, -1, -1, -1) == 1551465221000000512`)).toBe(true);
    expect(strictError(`p := time.add_date(0, 2262, 1, 1)`)).toMatch(/time outside of valid range$/);
  });

  test("time.diff counts calendar units between instants", () => {
    expect(evalRule(`p := time.diff(time.parse_ns("2006-01-02", "2004-02-29"), time.parse_ns("2006-01-02", "2005-03-01"))`)).toEqual([1, 0, 1, 0, 0, 0]);
    expect(evalRule(`p := time.diff([0, "UTC"], [3661000000000, "Asia/Shanghai"])`)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  test("bad instants and zones are errors with OPA's messages", () => {
    expect(strictError(`p := time.date(1582977600 * 10e12)`)).toBe("eval_builtin_error: time.date: timestamp too big");
    expect(strictError(`p := time.date([0, "Mars/Olympus_Mons"])`)).toMatch(/unknown time zone Mars\/Olympus_Mons$/);
    expect(strictError(`p := time.weekday(input.t)`, { t: "monday" })).toBe(
      "eval_type_error: time.weekday: operand 1 must be either number (ns) or [number (ns), string (tz)] but got string",
    );
    expect(evalRule(`p := time.date([0, "Mars/Olympus_Mons"])`)).toBeUndefined();
  });
});

describe("Go layouts, directly", () => {
  const at = (ns: bigint, zone = UTC) => civilOf(ns, zone);

  test.each([
    ["Kitchen", "3:04PM", "6:40PM"],
    ["ANSIC", "Mon Jan _2 15:04:05 2006", "Fri Dec  2 18:40:53 2022"],
    ["year day", "2006.002 __2", "2022.336 336"],
    ["trimmed fraction", "05.999", "53.141"],
    ["comma fraction", "05,000000", "53,141828"],
    ["ISO 8601 zone", "Z07:00", "Z"],
  ])("formats %s", (_name, layout, expected) => {
    expect(formatTime(at(BigInt(NS)), layout)).toBe(expected);
  });

  test("formats numeric zone offsets and abbreviations in named zones", () => {
    const c = at(BigInt(NS), loadZone("Asia/Kolkata"));
    expect(formatTime(c, "-07:00:00 -0700 -07 Z0700")).toBe("+05:30:00 +0530 +05 +0530");
    expect(formatTime(at(BigInt(NS), loadZone("America/New_York")), "MST")).toBe("EST");
  });

  test("parses fractional seconds the layout does not mention, and day-of-year", () => {
    expect(parseTime("2006-01-02 15:04:05", "2020-01-01 00:00:01.5")).toBe(1577836801500000000n);
    expect(parseTime("2006 002", "2020 060")).toBe(parseTime("2006-01-02", "2020-02-29"));
  });
});
