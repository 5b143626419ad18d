/**
 * Go's `time` package as the `time.*` builtins need it: instants as int64 nanoseconds, civil dates in a zone
 * (offsets from Node's Intl tz data) and `Format` with layouts in Go's reference-time notation. Parsing is in
 * `go-time-parse.ts`.
 */

export interface Zone {
  name: string;
  /** Offset east of UTC in seconds at a Unix second. */
  offsetAt(unixSec: number): number;
  /** The zone abbreviation Go would print for `MST`; Intl knows letters for some zones, else `+hhmm`. */
  abbreviationAt(unixSec: number): string;
}

export const UTC: Zone = { name: "UTC", offsetAt: () => 0, abbreviationAt: () => "UTC" };

const zones = new Map<string, Zone>();

function fixedAbbreviation(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 3600)).padStart(2, "0");
  const mm = Math.floor((abs % 3600) / 60);
  return `${sign}${hh}${mm === 0 ? "" : String(mm).padStart(2, "0")}`;
}

/** JS dates end 8.64e15 ms from the epoch: instants beyond take the zone's rules at that end. */
function jsDateMs(unixSec: number): number {
  return Math.max(-8.64e15, Math.min(8.64e15, Math.floor(unixSec) * 1000));
}

/** Go's `time.LoadLocation` over the tz database Node carries; `Local` is the process's zone. */
export function loadZone(name: string): Zone {
  if (name === "" || name === "UTC") return UTC;
  const cached = zones.get(name);
  if (cached) return cached;
  let civil: Intl.DateTimeFormat;
  let short: Intl.DateTimeFormat;
  try {
    const timeZone = name === "Local" ? undefined : name;
    civil = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric", era: "short",
    });
    short = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" });
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  const offsetAt = (unixSec: number): number => {
    const parts: Record<string, string> = {};
    for (const p of civil.formatToParts(jsDateMs(unixSec))) parts[p.type] = p.value;
    const year = parts.era === "BC" ? 1 - Number(parts.year) : Number(parts.year);
    const local = daysFromCivil(year, Number(parts.month), Number(parts.day)) * 86400 +
      Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second);
    return local - jsDateMs(unixSec) / 1000;
  };
  const zone: Zone = {
    name,
    offsetAt,
    abbreviationAt: (unixSec) => {
      const label = short.formatToParts(jsDateMs(unixSec)).find((p) => p.type === "timeZoneName")?.value ?? "";
      return /^[A-Z]{3,5}$/.test(label) && label !== "GMT" ? label : fixedAbbreviation(offsetAt(unixSec));
    },
  };
  zones.set(name, zone);
  return zone;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12, any day: overflow normalises). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** An instant in a zone, broken down as Go's `Time.Date`, `Clock` and friends report it. */
export interface Civil {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
  nsec: number; weekday: number; yday: number; offset: number; abbreviation: string;
}

export const NS = 1_000_000_000n;

export function civilOf(ns: bigint, zone: Zone): Civil {
  const unix = Number(ns >= 0n ? ns / NS : -((-ns + NS - 1n) / NS));
  const nsec = Number(ns - BigInt(unix) * NS);
  const offset = zone.offsetAt(unix);
  const local = unix + offset;
  const days = Math.floor(local / 86400);
  const secs = local - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return {
    year, month, day, hour: Math.floor(secs / 3600), minute: Math.floor((secs % 3600) / 60), second: secs % 60, nsec,
    weekday: (((days + 4) % 7) + 7) % 7, yday: days - daysFromCivil(year, 1, 1) + 1, offset,
    abbreviation: zone === UTC ? "UTC" : zone.abbreviationAt(unix),
  };
}

/** Go's `time.Date`: civil fields (overflowing ones normalised) in a zone, to nanoseconds since the epoch. */
export function fromCivil(year: number, month: number, day: number, hour: number, min: number, sec: number, nsec: number, zone: Zone): bigint {
  const m0 = month - 1;
  const y = year + Math.floor(m0 / 12);
  const m = ((m0 % 12) + 12) % 12 + 1;
  let unix = daysFromCivil(y, m, 1) + day - 1;
  unix = unix * 86400 + hour * 3600 + min * 60 + sec;
  // As Go does: the offset at the local reading taken as UTC, corrected once if that lands across a transition.
  let offset = zone.offsetAt(unix);
  if (offset !== 0) {
    const corrected = zone.offsetAt(unix - offset);
    if (corrected !== offset) offset = corrected;
  }
  return BigInt(unix - offset) * NS + BigInt(nsec);
}

export const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
export const LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];

export function weekdayName(day: number): string {
  return LONG_DAYS[day];
}

/** Go's named layouts, as OPA accepts them by name. */
export const NAMED_LAYOUTS: Readonly<Record<string, string>> = {
  ANSIC: "Mon Jan _2 15:04:05 2006",
  UnixDate: "Mon Jan _2 15:04:05 MST 2006",
  RubyDate: "Mon Jan 02 15:04:05 -0700 2006",
  RFC822: "02 Jan 06 15:04 MST",
  RFC822Z: "02 Jan 06 15:04 -0700",
  RFC850: "Monday, 02-Jan-06 15:04:05 MST",
  RFC1123: "Mon, 02 Jan 2006 15:04:05 MST",
  RFC1123Z: "Mon, 02 Jan 2006 15:04:05 -0700",
  RFC3339: "2006-01-02T15:04:05Z07:00",
  RFC3339Nano: "2006-01-02T15:04:05.999999999Z07:00",
};

/** Layout elements, longest first where one is a prefix of another (Go's `nextStdChunk`). */
const ELEMENTS = [
  "January", "Jan", "Monday", "Mon", "MST", "002", "01", "02", "03", "04", "05", "06", "15", "1", "2006", "2", "__2",
  "_2", "3", "4", "5", "PM", "pm", "-07:00:00", "-070000", "-07:00", "-0700", "-07", "Z07:00:00", "Z070000",
  "Z07:00", "Z0700", "Z07",
];

interface Chunk {
  prefix: string;
  /** The element, e.g. `Jan`, or `.000`/`,999` for fractional seconds; empty after the last element. */
  std: string;
  suffix: string;
}

export function isDigitAt(s: string, i: number): boolean {
  return i < s.length && s[i] >= "0" && s[i] <= "9";
}

export function nextChunk(layout: string): Chunk {
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    if ((c === "." || c === ",") && (layout[i + 1] === "0" || layout[i + 1] === "9")) {
      const digit = layout[i + 1];
      let j = i + 1;
      while (layout[j] === digit) j++;
      if (!isDigitAt(layout, j)) return { prefix: layout.slice(0, i), std: layout.slice(i, j), suffix: layout.slice(j) };
      continue;
    }
    for (const e of ELEMENTS) {
      if (!layout.startsWith(e, i)) continue;
      // `Jan`/`Mon` only when not followed by a lower-case letter; `_2006` is `_` then the year.
      if ((e === "Jan" || e === "Mon") && /[a-z]/.test(layout[i + 3] ?? "")) continue;
      if (e === "_2" && layout.startsWith("_2006", i)) continue;
      if (e === "2" && layout.startsWith("2006", i)) continue;
      return { prefix: layout.slice(0, i), std: e, suffix: layout.slice(i + e.length) };
    }
  }
  return { prefix: layout, std: "", suffix: "" };
}

const pad = (n: number, width: number): string => (n < 0 ? "-" + pad(-n, width) : String(n).padStart(width, "0"));

function formatOffset(std: string, offset: number): string {
  if (std.startsWith("Z") && offset === 0) return "Z";
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const colon = std.includes(":") ? ":" : "";
  let out = sign + pad(Math.floor(abs / 3600), 2);
  if (!/07$/.test(std)) out += colon + pad(Math.floor((abs % 3600) / 60), 2);
  if (/0000$|00:00$/.test(std)) out += colon + pad(abs % 60, 2);
  return out;
}

/** Go's `Time.Format`. */
export function formatTime(c: Civil, layout: string): string {
  let out = "";
  let rest = layout;
  while (rest.length > 0) {
    const { prefix, std, suffix } = nextChunk(rest);
    out += prefix;
    rest = suffix;
    if (std === "") break;
    const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
    switch (std) {
      case "2006": out += pad(c.year, 4); break;
      case "06": out += pad(((c.year % 100) + 100) % 100, 2); break;
      case "January": out += LONG_MONTHS[c.month - 1]; break;
      case "Jan": out += LONG_MONTHS[c.month - 1].slice(0, 3); break;
      case "1": out += c.month; break;
      case "01": out += pad(c.month, 2); break;
      case "Monday": out += LONG_DAYS[c.weekday]; break;
      case "Mon": out += LONG_DAYS[c.weekday].slice(0, 3); break;
      case "2": out += c.day; break;
      case "_2": out += String(c.day).padStart(2, " "); break;
      case "02": out += pad(c.day, 2); break;
      case "__2": out += String(c.yday).padStart(3, " "); break;
      case "002": out += pad(c.yday, 3); break;
      case "15": out += pad(c.hour, 2); break;
      case "3": out += hour12; break;
      case "03": out += pad(hour12, 2); break;
      case "4": out += c.minute; break;
      case "04": out += pad(c.minute, 2); break;
      case "5": out += c.second; break;
      case "05": out += pad(c.second, 2); break;
      case "PM": out += c.hour >= 12 ? "PM" : "AM"; break;
      case "pm": out += c.hour >= 12 ? "pm" : "am"; break;
      case "MST": out += c.abbreviation || formatOffset("-0700", c.offset); break;
      default:
        if (std[0] === "." || std[0] === ",") {
          const digits = pad(c.nsec, 9).slice(0, std.length - 1);
          if (std[1] === "0") out += std[0] + digits;
          else if (/[1-9]/.test(digits)) out += std[0] + digits.replace(/0+$/, "");
        } else {
          out += formatOffset(std, c.offset);
        }
    }
  }
  return out;
}
