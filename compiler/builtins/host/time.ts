/**
 * The `time.*` builtins: the evaluation's clock, Go layouts and durations, and calendar arithmetic in time
 * zones. Instants are int64 nanoseconds as in OPA; results beyond 2^53 reach the module exactly (see
 * `sdkResult`), and so do arguments, which the module sends wrapped (see `exact-number.ts`).
 */
import { HostFamily, typeError } from "./errors";
import { sdkResult } from "./go-encoding";
import { NAMED_LAYOUTS, UTC, Zone, civilOf, daysIn, formatTime, fromCivil, loadZone, weekdayName } from "./go-time";
import { parseDuration, parseTime } from "./go-time-parse";
import { builtinError, intOperand, stringOperand } from "./support";
import { evaluationTimeNs } from "./identifiers";
import { exactNumber } from "./exact-number";

const MIN_NS = -(1n << 63n);
const MAX_NS = (1n << 63n) - 1n;

/** OPA's `toSafeUnixNano`: instants outside int64 nanoseconds are an error, not a wrapped value. */
function safeNs(ns: bigint): unknown {
  if (ns < MIN_NS || ns > MAX_NS) throw builtinError("time outside of valid range");
  return sdkResult(ns);
}

/** Runs a Go-library step, turning its error into a builtin error with Go's message. */
function goCall<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw builtinError(e instanceof Error ? e.message : String(e));
  }
}

interface ZonedTime {
  ns: bigint;
  zone: Zone;
  layout: string;
}

const TZ_OPERAND = "either number (ns) or [number (ns), string (tz)]";

/** OPA's `tzTime`: `ns`, `[ns, tz]` or `[ns, tz, layout]`; the nanoseconds must be an exact int64. */
function zonedTime(arg: unknown): ZonedTime {
  let nsValue: unknown = exactNumber(arg);
  let zone = UTC;
  let layout = "";
  if (Array.isArray(arg)) {
    if (arg.length === 0) throw typeError(1, TZ_OPERAND, arg);
    nsValue = exactNumber(arg[0]);
    if (typeof nsValue !== "number" && typeof nsValue !== "bigint") throw typeError(1, "number", nsValue);
    if (arg.length > 1) {
      const name = stringOperand(arg[1], 1);
      zone = goCall(() => loadZone(name));
    }
    if (arg.length > 2) layout = stringOperand(arg[2], 1);
  } else if (typeof nsValue !== "number" && typeof nsValue !== "bigint") {
    throw typeError(1, TZ_OPERAND, arg);
  }
  if (typeof nsValue === "number" && !Number.isInteger(nsValue)) throw builtinError("timestamp too big");
  const ns = BigInt(nsValue as number | bigint);
  if (ns < MIN_NS || ns > MAX_NS) throw builtinError("timestamp too big");
  return { ns, zone, layout };
}

function layoutOf(name: string): string {
  return NAMED_LAYOUTS[name] ?? name;
}

/** `time.diff`: years, months, days, hours, minutes and seconds between two instants (icza's algorithm, as OPA). */
function diff(a: unknown, b: unknown): number[] {
  const t1 = zonedTime(a);
  const t2 = zonedTime(b);
  const zone = t1.zone;
  const [early, late] = t1.ns > t2.ns ? [t2.ns, t1.ns] : [t1.ns, t2.ns];
  const x = civilOf(early, zone);
  const y = civilOf(late, zone);
  let year = y.year - x.year;
  let month = y.month - x.month;
  let day = y.day - x.day;
  let hour = y.hour - x.hour;
  let min = y.minute - x.minute;
  let sec = y.second - x.second;
  if (sec < 0) { sec += 60; min--; }
  if (min < 0) { min += 60; hour--; }
  if (hour < 0) { hour += 24; day--; }
  if (day < 0) { day += daysIn(x.month, x.year); month--; }
  if (month < 0) { month += 12; year--; }
  return [year, month, day, hour, min, sec];
}

export const builtins: HostFamily = {
  "time.now_ns": () => sdkResult(evaluationTimeNs()),
  "time.parse_ns": (layout: unknown, value: unknown) => {
    const l = layoutOf(stringOperand(layout, 1));
    const v = stringOperand(value, 2);
    return safeNs(goCall(() => parseTime(l, v)));
  },
  "time.parse_rfc3339_ns": (value: unknown) => {
    const v = stringOperand(value, 1);
    return safeNs(goCall(() => parseTime(NAMED_LAYOUTS.RFC3339, v)));
  },
  "time.parse_duration_ns": (value: unknown) => {
    const v = stringOperand(value, 1);
    return sdkResult(goCall(() => parseDuration(v)));
  },
  "time.format": (arg: unknown) => {
    const t = zonedTime(arg);
    return formatTime(civilOf(t.ns, t.zone), t.layout === "" ? NAMED_LAYOUTS.RFC3339Nano : layoutOf(t.layout));
  },
  "time.date": (arg: unknown) => {
    const t = zonedTime(arg);
    const c = civilOf(t.ns, t.zone);
    return [c.year, c.month, c.day];
  },
  "time.clock": (arg: unknown) => {
    const t = zonedTime(arg);
    const c = civilOf(t.ns, t.zone);
    return [c.hour, c.minute, c.second];
  },
  "time.weekday": (arg: unknown) => {
    const t = zonedTime(arg);
    return weekdayName(civilOf(t.ns, t.zone).weekday);
  },
  "time.add_date": (arg: unknown, years: unknown, months: unknown, days: unknown) => {
    const t = zonedTime(arg);
    const y = intOperand(years, 2);
    const m = intOperand(months, 3);
    const d = intOperand(days, 4);
    const c = civilOf(t.ns, t.zone);
    return safeNs(fromCivil(c.year + y, c.month + m, c.day + d, c.hour, c.minute, c.second, c.nsec, t.zone));
  },
  "time.diff": diff,
};
