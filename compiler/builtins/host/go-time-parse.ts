/**
 * Go's `time.Parse` (in UTC, as OPA calls it) and `time.ParseDuration`, with Go's error wording: the layout
 * elements `go-time.ts` formats, read back, and durations such as `1h2m3.5s`.
 */
import {
  LONG_DAYS, LONG_MONTHS, NS, UTC, civilFromDays, daysFromCivil, daysIn, fromCivil, isDigitAt, nextChunk,
} from "./go-time";

export class TimeParseError extends Error {}

/** Thrown while reading one layout element that the value does not match: becomes Go's `cannot parse`. */
const MISMATCH = Symbol("layout element mismatch");

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Go's `time.Parse` in UTC: nanoseconds since the epoch (a bigint: the range exceeds doubles' precision). */
export function parseTime(layout: string, value: string): bigint {
  const cannot = (valueElem: string, layoutElem: string): TimeParseError =>
    new TimeParseError(`parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`);
  const outOfRange = (what: string): TimeParseError => new TimeParseError(`parsing time ${quote(value)}: ${what} out of range`);
  let year = 0, month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0;
  let pm = false, am = false, utc = false, zoneOffset: number | undefined;
  let rest = layout;
  let v = value;
  const num = (fixed: boolean, width = 2): number => {
    if (!isDigitAt(v, 0)) throw MISMATCH;
    let n = 1;
    while (n < width && isDigitAt(v, n)) n++;
    if (fixed && n < width) throw MISMATCH;
    const out = Number(v.slice(0, n));
    v = v.slice(n);
    return out;
  };
  const fraction = (n: number): number => {
    const digits = v.slice(1, Math.min(n, 10));
    v = v.slice(n);
    return Number(digits.padEnd(9, "0"));
  };
  for (;;) {
    const { prefix, std, suffix } = nextChunk(rest);
    const stdText = rest.slice(prefix.length, rest.length - suffix.length);
    for (let i = 0; i < prefix.length; i++) {
      if (prefix[i] === " ") {
        if (v.length > 0 && v[0] !== " ") throw cannot(v, prefix);
        while (prefix[i + 1] === " ") i++;
        v = v.replace(/^ +/, "");
      } else if (v[0] === prefix[i]) v = v.slice(1);
      else throw cannot(v, prefix);
    }
    if (std === "") {
      if (v.length > 0) throw new TimeParseError(`parsing time ${quote(value)}: extra text: ${quote(v)}`);
      break;
    }
    rest = suffix;
    const before = v;
    let range = "";
    try {
      switch (std) {
        case "2006":
          if (v.length < 4 || !/^\d{4}/.test(v)) throw MISMATCH;
          year = Number(v.slice(0, 4)); v = v.slice(4); break;
        case "06": year = num(true); year += year >= 69 ? 1900 : 2000; break;
        case "January": case "Jan": case "Monday": case "Mon": {
          const names = std.startsWith("J") ? LONG_MONTHS : LONG_DAYS;
          const list = std.length === 3 ? names.map((x) => x.slice(0, 3)) : names;
          const i = list.findIndex((x) => v.slice(0, x.length).toLowerCase() === x.toLowerCase());
          if (i < 0) throw MISMATCH;
          v = v.slice(list[i].length);
          if (names === LONG_MONTHS) month = i + 1;
          break;
        }
        case "1": case "01": month = num(std === "01"); if (month < 1 || month > 12) range = "month"; break;
        case "2": case "_2": case "02":
          if (std === "_2" && v[0] === " ") v = v.slice(1);
          day = num(std === "02"); break;
        case "__2": case "002":
          if (std === "__2") v = v.replace(/^ {1,2}/, "");
          yday = num(std === "002", 3); break;
        case "15": hour = num(false); if (hour > 23) range = "hour"; break;
        case "3": case "03": hour = num(std === "03"); if (hour > 12) range = "hour"; break;
        case "4": case "04": min = num(std === "04"); if (min > 59) range = "minute"; break;
        case "5": case "05": {
          sec = num(std === "05");
          if (sec > 59) { range = "second"; break; }
          if (v.length >= 2 && (v[0] === "." || v[0] === ",") && isDigitAt(v, 1)) {
            const next = nextChunk(rest).std;
            if (next[0] === "." || next[0] === ",") break;
            let n = 2;
            while (isDigitAt(v, n)) n++;
            nsec = fraction(n);
          }
          break;
        }
        case "PM": case "pm": {
          const p = v.slice(0, 2);
          if (p === (std === "PM" ? "PM" : "pm")) pm = true;
          else if (p === (std === "PM" ? "AM" : "am")) am = true;
          else throw MISMATCH;
          v = v.slice(2);
          break;
        }
        case "MST": {
          if (v.startsWith("UTC")) { utc = true; v = v.slice(3); break; }
          const n = zoneNameLength(v);
          if (n === 0) throw MISMATCH;
          v = v.slice(n);
          break;
        }
        default:
          if (std[0] === "." || std[0] === ",") {
            if (std[1] === "0") {
              if (v.length < std.length || v[0] !== std[0] || !/^\d+$/.test(v.slice(1, std.length))) throw MISMATCH;
              nsec = fraction(std.length);
            } else if (v.length >= 2 && (v[0] === "." || v[0] === ",") && isDigitAt(v, 1)) {
              let n = 1;
              while (isDigitAt(v, n)) n++;
              nsec = fraction(n);
            }
            break;
          }
          if (std[0] === "Z" && v[0] === "Z") { utc = true; v = v.slice(1); break; }
          const shape = std.replace(/^Z/, "-");
          [zoneOffset, range] = parseOffset(shape, v);
          v = v.slice(shape.length);
      }
    } catch (e) {
      if (e !== MISMATCH) throw e;
      throw cannot(before, stdText);
    }
    if (range !== "") throw outOfRange(range);
  }
  if (pm && hour < 12) hour += 12;
  else if (am && hour === 12) hour = 0;
  if (yday >= 0) {
    let d = 0, m = 0;
    const leap = daysIn(2, year) === 29;
    if (leap && yday === 60) { m = 2; d = 29; } else if (leap && yday > 60) yday--;
    if (yday < 1 || yday > 365) throw new TimeParseError(`parsing time ${quote(value)}: day-of-year out of range`);
    if (m === 0) {
      // Month and day as in a common year: the leap day was dealt with above.
      const date = civilFromDays(daysFromCivil(1970, 1, 1) + yday - 1);
      m = date.month; d = date.day;
    }
    if (month >= 0 && month !== m) throw new TimeParseError(`parsing time ${quote(value)}: day-of-year does not match month`);
    if (day >= 0 && day !== d) throw new TimeParseError(`parsing time ${quote(value)}: day-of-year does not match day`);
    month = m; day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw new TimeParseError(`parsing time ${quote(value)}: day out of range`);
  const local = fromCivil(year, month, day, hour, min, sec, nsec, UTC);
  // A zone abbreviation Go cannot resolve in UTC only names a fabricated zone: the reading stays UTC.
  return zoneOffset === undefined || utc ? local : local - BigInt(zoneOffset) * NS;
}

/** Go's `parseTimeZone`: the length of a zone abbreviation (`MST`, `CEST`, `GMT+3`, `ChST`), 0 if none. */
function zoneNameLength(v: string): number {
  if (v.length < 3) return 0;
  if (v.startsWith("ChST") || v.startsWith("MeST")) return 4;
  const signed = (s: string): number => {
    const m = /^[+-](\d+)/.exec(s);
    return m && Number(m[1]) <= 23 ? m[0].length : 0;
  };
  if (v.startsWith("GMT")) return 3 + signed(v.slice(3));
  if (v[0] === "+" || v[0] === "-") return signed(v);
  const upper = /^[A-Z]{0,6}/.exec(v)![0].length;
  if (upper === 3) return 3;
  if (upper === 4 && (v[3] === "T" || v.startsWith("WITA"))) return 4;
  if (upper === 5 && v[4] === "T") return 5;
  return 0;
}

/** A numeric zone offset shaped like `layoutElem` (`-0700`, `-07:00`, `-07`, with seconds): seconds, range error. */
function parseOffset(layoutElem: string, v: string): [number, string] {
  if (v.length < layoutElem.length) throw MISMATCH;
  const text = v.slice(0, layoutElem.length);
  for (let i = 1; i < layoutElem.length; i++) {
    if ((layoutElem[i] === ":") !== (text[i] === ":") || (layoutElem[i] !== ":" && !isDigitAt(text, i))) throw MISMATCH;
  }
  const digits = text.slice(1).replace(/:/g, "").padEnd(6, "0");
  const hh = Number(digits.slice(0, 2)), mm = Number(digits.slice(2, 4)), ss = Number(digits.slice(4, 6));
  // Go accepts offsets of 24 hours, 60 minutes and 60 seconds, as some people write them.
  const range = ss > 60 ? "time zone offset second" : mm > 60 ? "time zone offset minute" : hh > 24 ? "time zone offset hour" : "";
  const offset = hh * 3600 + mm * 60 + ss;
  if (text[0] === "+") return [offset, range];
  if (text[0] === "-") return [-offset, range];
  throw MISMATCH;
}

const UNITS: Record<string, bigint> = {
  ns: 1n, us: 1000n, "\u00b5s": 1000n, "\u03bcs": 1000n, ms: 1_000_000n, s: NS, m: 60n * NS, h: 3600n * NS,
};
const MAX_INT64 = (1n << 63n) - 1n;

/** Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, in nanoseconds. */
export function parseDuration(text: string): bigint {
  const invalid = (): Error => new Error(`time: invalid duration ${quote(text)}`);
  let s = text;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") { neg = s[0] === "-"; s = s.slice(1); }
  if (s === "0") return 0n;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s);
    if (!m || (m[1] === "" && (m[2] === undefined || m[2] === ""))) throw invalid();
    s = s.slice(m[0].length);
    const unitMatch = /^[^.0-9]*/.exec(s)![0];
    if (unitMatch === "") throw new Error(`time: missing unit in duration ${quote(text)}`);
    s = s.slice(unitMatch.length);
    const unit = UNITS[unitMatch];
    if (unit === undefined) throw new Error(`time: unknown unit ${quote(unitMatch)} in duration ${quote(text)}`);
    let v = m[1] === "" ? 0n : BigInt(m[1]);
    if (v > (1n << 63n) / unit) throw invalid();
    v *= unit;
    const frac = (m[2] ?? "").slice(0, 18);
    if (/[1-9]/.test(frac)) v += BigInt(Math.trunc(Number(frac) * (Number(unit) / 10 ** frac.length)));
    total += v;
    if (total > 1n << 63n) throw invalid();
  }
  if (neg) return -total;
  if (total > MAX_INT64) throw invalid();
  return total;
}
