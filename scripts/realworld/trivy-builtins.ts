/**
 * trivy-checks' six custom builtins, for `regoc --builtins` (test support for `npm run realworld`, not part of
 * the product), written from the upstream Go: `result.new` and `isManaged` (aquasecurity/trivy
 * pkg/iac/rego/custom.go), `cidr.count_addresses` and `cidr.is_public` (trivy-checks internal/cidr/cidr.go),
 * `sh.parse_commands` (internal/rego/parse_commands.go over mvdan.cc/sh) and `squealer.scan_string`
 * (owenrumney/squealer's default string rules).
 */
import * as net from "net";
import { parseShellCommands } from "./shell-commands";
import { scanForSecrets } from "./secret-scan";
import { ExactNumber, exactJson } from "./exact-json";

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function requireString(v: Json): string {
  if (typeof v !== "string") throw new Error("invalid parameter type: operand 1 must be string");
  return v;
}

/** trivy's createResult: the cause's location metadata (or the docker instruction's own fields), with defaults. */
function createResult(msg: Json | undefined, cause: Json): Record<string, Json> {
  const metadata: Record<string, Json> = {
    startline: 0,
    endline: 0,
    sourceprefix: "",
    filepath: "",
    explicit: false,
    managed: true,
    fskey: "",
    resource: "",
    parent: null,
  };
  if (msg !== undefined) metadata.msg = msg;
  const universal = isObject(cause) ? cause.__defsec_metadata : undefined;
  const input = universal !== undefined ? universal : cause;
  const get = (key: string) => (isObject(input) ? input[key] : undefined);
  const copies: Array<[string, string]> = [
    ["startline", "startline"],
    ["StartLine", "startline"],
    ["endline", "endline"],
    ["EndLine", "endline"],
    ["filepath", "filepath"],
    ["sourceprefix", "sourceprefix"],
    ["Path", "filepath"],
    ["explicit", "explicit"],
    ["managed", "managed"],
    ["fskey", "fskey"],
    ["resource", "resource"],
  ];
  for (const [from, to] of copies) if (get(from) !== undefined) metadata[to] = get(from);
  const parent = get("parent");
  if (parent !== undefined) metadata.parent = createResult(undefined, parent);
  return metadata;
}

const PRIVATE = new net.BlockList();
for (const [address, prefix, type] of [
  ["127.0.0.0", 8, "ipv4"],
  ["10.0.0.0", 8, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["169.254.0.0", 16, "ipv4"],
  ["::1", 128, "ipv6"],
  ["fe80::", 10, "ipv6"],
  ["fc00::", 7, "ipv6"],
  ["100.64.0.0", 10, "ipv4"],
] as const) {
  PRIVATE.addSubnet(address, prefix, type);
}

function isPrivate(ip: string): boolean {
  const family = net.isIP(ip);
  return family !== 0 && PRIVATE.check(ip, family === 4 ? "ipv4" : "ipv6");
}

/** Go's net.ParseCIDR: an address, `/`, a prefix length within the family's bits. */
function parseCidr(cidr: string): { ip: string; prefix: number; bits: number } | undefined {
  const slash = cidr.indexOf("/");
  const ip = cidr.slice(0, slash);
  const prefixText = cidr.slice(slash + 1);
  const family = net.isIP(ip);
  if (family === 0 || !/^\d+$/.test(prefixText)) return undefined;
  const bits = family === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  return prefix <= bits ? { ip, prefix, bits } : undefined;
}

function toBigInt(ip: string): bigint {
  if (net.isIP(ip) === 4) return ip.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  const [head, tail = ""] = ip.split("::");
  const expand = (s: string) => (s === "" ? [] : s.split(":"));
  let groups = expand(head);
  let rest = expand(tail);
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) is two groups.
  const fix = (gs: string[]) =>
    gs.flatMap((g) => (g.includes(".") ? [((Number(toBigInt(g)) >>> 16) & 0xffff).toString(16), (Number(toBigInt(g)) & 0xffff).toString(16)] : [g]));
  groups = fix(groups);
  rest = fix(rest);
  const all = ip.includes("::") ? [...groups, ...Array(8 - groups.length - rest.length).fill("0"), ...rest] : groups;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function fromBigInt(value: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join(".");
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(":");
}

const UINT64_MAX = "18446744073709551615";

/** A uint64, as JSON text so the largest counts reach Rego exactly. */
function countAddresses(cidr: string): ArrayBuffer {
  if (cidr === "*" || cidr === "internet" || cidr === "any") return exactJson(new ExactNumber(UINT64_MAX));
  if (!cidr.includes("/")) return exactJson(net.isIP(cidr) === 0 ? 0 : 1);
  const parsed = parseCidr(cidr);
  if (!parsed) return exactJson(0);
  const power = parsed.bits - parsed.prefix;
  return exactJson(new ExactNumber(power >= 63 ? UINT64_MAX : (1n << BigInt(power)).toString()));
}

/** Go's `net.IP(string)` on a range bound: the string's bytes taken as an address, private only as 4 or 16 bytes. */
function rangeBoundIsPrivate(bound: string): boolean {
  const bytes = Buffer.from(bound.trim(), "utf8");
  if (bytes.length === 4) return isPrivate([...bytes].join("."));
  if (bytes.length === 16) return isPrivate(fromBigInt(BigInt("0x" + bytes.toString("hex")), 128));
  return false;
}

function isPublic(cidr: string): boolean {
  if (cidr === "*" || cidr === "internet" || cidr === "any") return true;
  if (cidr.includes("-")) {
    const parts = cidr.split("-");
    if (parts.length !== 2) return false;
    return !rangeBoundIsPrivate(parts[0]) || !rangeBoundIsPrivate(parts[1]);
  }
  if (!cidr.includes("/")) return net.isIP(cidr) !== 0 && !isPrivate(cidr);
  const parsed = parseCidr(cidr);
  if (!parsed) return false;
  if (!isPrivate(parsed.ip)) return true;
  const hostBits = BigInt(parsed.bits - parsed.prefix);
  const highest = toBigInt(parsed.ip) | ((1n << hostBits) - 1n);
  return !isPrivate(fromBigInt(highest, parsed.bits));
}

export const builtins = {
  "result.new": {
    decl: { args: [{ type: "string" }, { type: "any" }], result: { type: "any" } },
    impl: (msg: Json, cause: Json) => createResult(msg, cause),
  },
  isManaged: {
    decl: { args: [{ type: "any" }], result: { type: "boolean" } },
    impl: (resource: Json) => createResult("", resource).managed,
  },
  "cidr.count_addresses": {
    decl: { args: [{ type: "string" }], result: { type: "number" } },
    impl: (cidr: Json) => countAddresses(requireString(cidr)),
  },
  "cidr.is_public": {
    decl: { args: [{ type: "string" }], result: { type: "boolean" } },
    impl: (cidr: Json) => isPublic(requireString(cidr)),
  },
  "sh.parse_commands": {
    decl: { args: [{ type: "string" }], result: { type: "array", dynamic: { type: "array", dynamic: { type: "string" } } } },
    impl: (script: Json) => parseShellCommands(requireString(script)),
  },
  "squealer.scan_string": {
    decl: { args: [{ type: "string" }], result: { type: "object" } },
    impl: (text: Json) => scanForSecrets(requireString(text)),
  },
};
