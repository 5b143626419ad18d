/**
 * `net.cidr_contains_matches`: every pair of (CIDR or IP) from two collections where the first contains the
 * second, keyed as OPA keys them. Addresses are parsed as Go's `net.ParseIP`/`net.ParseCIDR` parse them (no
 * leading zeros in IPv4 fields, `::` for at least one zero group, IPv4-mapped IPv6 nets treated as IPv4).
 */
import { BuiltinError, typeError, type HostFamily } from "./errors";

/** An address as Go's `net.IP`: 4 bytes for IPv4, 16 for IPv6. */
type IP = number[];

interface IPNet {
  ip: IP;
  /** Prefix length within `bits`. */
  prefix: number;
  bits: number;
}

function parseIPv4(s: string): IP | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out: IP = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part[0] === "0")) return null;
    const n = Number(part);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): IP | null {
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (text: string): number[] | null => {
    if (text === "") return [];
    const out: number[] = [];
    const fields = text.split(":");
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (i === fields.length - 1 && f.includes(".")) {
        const v4 = parseIPv4(f);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(f)) {
        out.push(parseInt(f, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** Go's `net.ParseIP`. */
export function parseIP(s: string): IP | null {
  return s.includes(":") ? parseIPv6(s) : parseIPv4(s);
}

/** Go's `IP.To4`: the IPv4 form of an IPv4 or IPv4-mapped IPv6 address. */
function to4(ip: IP): IP | null {
  if (ip.length === 4) return ip;
  const mapped = ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
  return mapped ? ip.slice(12) : null;
}

/** Go's `net.ParseCIDR`: the network (address masked) and prefix. */
function parseCIDR(s: string): IPNet {
  const invalid = () => new BuiltinError("eval_builtin_error", `invalid CIDR address: ${s}`);
  const slash = s.indexOf("/");
  if (slash < 0) throw invalid();
  const ip = parseIP(s.slice(0, slash));
  const maskText = s.slice(slash + 1);
  if (!ip || !/^\d+$/.test(maskText)) throw invalid();
  const prefix = Number(maskText);
  const bits = ip.length * 8;
  if (prefix > bits) throw invalid();
  return { ip: ip.map((b, i) => b & maskByte(prefix, i)), prefix, bits };
}

function maskByte(prefix: number, index: number): number {
  const ones = Math.min(8, Math.max(0, prefix - index * 8));
  return (0xff << (8 - ones)) & 0xff;
}

/** Go's `IPNet.Contains`, including its IPv4-mapped handling. */
function contains(net: IPNet, candidate: IP): boolean {
  let network = net.ip;
  let prefix = net.prefix;
  const v4 = to4(network);
  if (v4 && network.length === 16) {
    network = v4;
    prefix -= 96;
  }
  const ip = to4(candidate) ?? candidate;
  if (ip.length !== network.length || prefix < 0) return false;
  return network.every((b, i) => (ip[i] & maskByte(prefix, i)) === b);
}

/** The last address of a network, as OPA's `getLastIP` computes it. */
function lastIP(net: IPNet): IP {
  return net.ip.map((b, i) => b | (~maskByte(net.prefix, i) & 0xff));
}

/** OPA's `net.cidr_contains`: whether CIDR `a` contains the IP or CIDR `b`. */
export function cidrContains(a: unknown, b: unknown): boolean {
  if (typeof a !== "string") throw typeError(1, "string", a);
  const outer = parseCIDR(a);
  if (typeof b !== "string") throw typeError(1, "string", b);
  const ip = parseIP(b);
  if (ip) return contains(outer, ip);
  let inner: IPNet;
  try {
    inner = parseCIDR(b);
  } catch {
    throw new BuiltinError("eval_builtin_error", `not a valid textual representation of an IP address or CIDR: ${b}`);
  }
  return contains(outer, inner.ip) && contains(outer, lastIP(inner));
}

/**
 * The (cidr, key) pairs of one operand: a string is its own key; arrays (and sets, which arrive as arrays) are
 * keyed by index; objects by key. Array and object elements are a CIDR string or an array whose first element is.
 */
function matchOperand(operand: number, value: unknown): Array<[unknown, unknown]> {
  if (typeof value === "string") return [[value, value]];
  const element = (v: unknown): unknown => {
    if (typeof v === "string") return v;
    if (Array.isArray(v) && v.length > 0) return v[0];
    throw new BuiltinError("eval_builtin_error", `operand ${operand}: element must be string or non-empty array`);
  };
  if (Array.isArray(value)) return value.map((v, i) => [element(v), i]);
  if (value !== null && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => [element(v), k]);
  }
  return [];
}

function cidrContainsMatches(a: unknown, b: unknown): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  // OPA only looks at the second operand once the first has an element.
  let rights: Array<[unknown, unknown]> | undefined;
  for (const [cidr, key1] of matchOperand(1, a)) {
    rights ??= matchOperand(2, b);
    for (const [candidate, key2] of rights) {
      if (!cidrContains(cidr, candidate)) continue;
      const pair = [key1, key2];
      const id = JSON.stringify(pair);
      if (!seen.has(id)) {
        seen.add(id);
        out.push(pair);
      }
    }
  }
  return out;
}

export const builtins: HostFamily = {
  "net.cidr_contains_matches": cidrContainsMatches,
};
