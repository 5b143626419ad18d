// CIDR builtins with Go's net parsing rules: net.cidr_contains (and its alias net.cidr_overlap),
// net.cidr_intersects, net.cidr_is_valid and net.cidr_expand. Addresses are 16 bytes plus a family
// (4 or 6); an IPv4 network only contains IPv4 addresses (IPv4-mapped IPv6 text counts as IPv4).

import { alloc } from "./alloc";
import { T_STRING, typeOf, strPtr, strLen, boolValue, newString } from "./value";
import { newSet, setAdd } from "./table";
import { bufNew, byte, lit, bytes, bufData, bufLen, decimalU64 } from "./buf";
import { typeError, errorStart, errorSet, E_BUILTIN } from "./error";

// Parsed address: family and 16 bytes (IPv4 in the last 4).
let family: u32 = 0;
const ADDR = memory.data(16, 8);
let prefixLen: i32 = -1;

function parseIPv4(p: usize, n: u32, out: usize): bool {
  let part: u32 = 0;
  let digits: u32 = 0;
  let parts: u32 = 0;
  for (let i: u32 = 0; i <= n; i++) {
    if (i == n || load<u8>(p + i) == 46) {
      if (digits == 0 || parts >= 4) return false;
      store<u8>(out + parts, <u8>part);
      parts++;
      part = 0;
      digits = 0;
      continue;
    }
    const c = <u32>load<u8>(p + i) - 48;
    if (c >= 10) return false;
    // Go rejects leading zeros ("010.0.0.1").
    if (digits > 0 && part == 0) return false;
    part = part * 10 + c;
    digits++;
    if (part > 255) return false;
  }
  return parts == 4;
}

function hexVal(c: u32): i32 {
  if (c - 48 < 10) return <i32>(c - 48);
  const l = c | 32;
  if (l - 97 < 6) return <i32>(l - 87);
  return -1;
}

function parseIPv6(p: usize, n: u32, out: usize): bool {
  memory.fill(out, 0, 16);
  let groups: u32 = 0;
  let ellipsis: i32 = -1;
  let i: u32 = 0;
  if (n >= 2 && load<u8>(p) == 58 && load<u8>(p + 1) == 58) {
    ellipsis = 0;
    i = 2;
    if (i == n) return true;
  }
  while (i < n) {
    // An IPv4 tail?
    let j = i;
    while (j < n && load<u8>(j + p) != 58 && load<u8>(j + p) != 46) j++;
    if (j < n && load<u8>(p + j) == 46) {
      if (groups > 6) return false;
      if (!parseIPv4(p + i, n - i, out + groups * 2)) return false;
      groups += 2;
      i = n;
      break;
    }
    let v: i32 = 0;
    let d: u32 = 0;
    while (i < n && d < 5) {
      const h = hexVal(load<u8>(p + i));
      if (h < 0) break;
      v = v * 16 + h;
      d++;
      i++;
    }
    if (d == 0 || d > 4 || groups >= 8) return false;
    store<u8>(out + groups * 2, <u8>(v >> 8));
    store<u8>(out + groups * 2 + 1, <u8>v);
    groups++;
    if (i == n) break;
    if (load<u8>(p + i) != 58) return false;
    i++;
    if (i < n && load<u8>(p + i) == 58) {
      if (ellipsis >= 0) return false;
      ellipsis = <i32>groups;
      i++;
      if (i == n) break;
    } else if (i == n) {
      return false;
    }
  }
  if (ellipsis >= 0) {
    if (groups >= 8) return false;
    const move = groups - <u32>ellipsis;
    const shift = 8 - groups;
    for (let k = <i32>move - 1; k >= 0; k--) {
      const from = (<u32>ellipsis + <u32>k) * 2;
      store<u16>(out + from + shift * 2, load<u16>(out + from));
      store<u16>(out + from, 0);
    }
  } else if (groups != 8) {
    return false;
  }
  return true;
}

// Parses an address into ADDR/family; IPv4-mapped IPv6 becomes IPv4.
function parseIP(p: usize, n: u32): bool {
  let dot = false;
  let colon = false;
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + i);
    if (c == 46) dot = true;
    if (c == 58) colon = true;
  }
  memory.fill(ADDR, 0, 16);
  if (!colon) {
    if (!dot || !parseIPv4(p, n, ADDR + 12)) return false;
    store<u8>(ADDR + 10, 0xff);
    store<u8>(ADDR + 11, 0xff);
    family = 4;
    return true;
  }
  if (!parseIPv6(p, n, ADDR)) return false;
  let mapped = load<u8>(ADDR + 10) == 0xff && load<u8>(ADDR + 11) == 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (load<u8>(ADDR + i) != 0) mapped = false;
  family = mapped ? 4 : 6;
  return true;
}

// Parses "ip/prefix"; the network address is left in ADDR (host bits cleared), the prefix in prefixLen.
function parseCIDR(p: usize, n: u32): bool {
  let slash: i32 = -1;
  for (let i: u32 = 0; i < n; i++) if (load<u8>(p + i) == 47) slash = <i32>i;
  if (slash < 0) return false;
  const ipLen = <u32>slash;
  // A CIDR's family is that of its text: "::ffff:1.2.3.4/120" is IPv6 with 128 bits.
  let colon = false;
  for (let i: u32 = 0; i < ipLen; i++) if (load<u8>(p + i) == 58) colon = true;
  if (!parseIP(p, ipLen)) return false;
  const bits: i32 = colon ? 128 : 32;
  let v: i32 = 0;
  const ds = <u32>slash + 1;
  if (ds >= n) return false;
  for (let i = ds; i < n; i++) {
    const c = <u32>load<u8>(p + i) - 48;
    if (c >= 10) return false;
    if (i > ds && v == 0) return false;
    v = v * 10 + <i32>c;
    if (v > bits) return false;
  }
  prefixLen = colon ? v : v + 96;
  family = colon ? 6 : 4;
  // Clear host bits.
  for (let b: i32 = prefixLen; b < 128; b++) {
    const byteAt = ADDR + (<u32>b >> 3);
    store<u8>(byteAt, <u8>(<u32>load<u8>(byteAt) & ~(<u32>0x80 >> (<u32>b & 7))));
  }
  return true;
}

function invalidCIDR(name: string, v: usize): usize {
  const b = errorStart(name);
  lit(b, "invalid CIDR address: ");
  bytes(b, strPtr(v), strLen(v));
  return errorSet(b, E_BUILTIN);
}

// Whether the network (fam, net, prefix) contains address (afam, addr).
function contains(fam: u32, net: usize, prefix: i32, afam: u32, addr: usize): bool {
  if (fam != afam && !(fam == 6 && afam == 4 && prefix <= 96 && isMappedPrefix(net, prefix))) return false;
  for (let b: i32 = 0; b < prefix; b++) {
    const m = <u32>0x80 >> (<u32>b & 7);
    if ((<u32>load<u8>(net + (<u32>b >> 3)) & m) != (<u32>load<u8>(addr + (<u32>b >> 3)) & m)) return false;
  }
  return true;
}

function isMappedPrefix(net: usize, prefix: i32): bool {
  return prefix == 96 && load<u8>(net + 10) == 0xff && load<u8>(net + 11) == 0xff;
}

export function b_net_cidr_contains(cidr: usize, x: usize): usize {
  return cidrContains("net.cidr_contains", cidr, x);
}

export function b_net_cidr_overlap(cidr: usize, x: usize): usize {
  return cidrContains("net.cidr_overlap", cidr, x);
}

function cidrContains(name: string, cidr: usize, x: usize): usize {
  if (typeOf(cidr) != T_STRING) return typeError(name, 1, "string", cidr);
  if (typeOf(x) != T_STRING) return typeError(name, 2, "string", x);
  if (!parseCIDR(strPtr(cidr), strLen(cidr))) return invalidCIDR(name, cidr);
  const net = alloc(16);
  memory.copy(net, ADDR, 16);
  const fam = family;
  const prefix = prefixLen;
  if (parseIP(strPtr(x), strLen(x))) return boolValue(contains(fam, net, prefix, family, ADDR));
  if (!parseCIDR(strPtr(x), strLen(x))) return invalidCIDR(name, x);
  // A subnet is contained when its first and last addresses are.
  const first = contains(fam, net, prefix, family, ADDR);
  for (let b: i32 = prefixLen; b < 128; b++) {
    const byteAt = ADDR + (<u32>b >> 3);
    store<u8>(byteAt, <u8>(<u32>load<u8>(byteAt) | (<u32>0x80 >> (<u32>b & 7))));
  }
  return boolValue(first && contains(fam, net, prefix, family, ADDR));
}

export function b_net_cidr_intersects(a: usize, b: usize): usize {
  const name = "net.cidr_intersects";
  if (typeOf(a) != T_STRING) return typeError(name, 1, "string", a);
  if (typeOf(b) != T_STRING) return typeError(name, 2, "string", b);
  if (!parseCIDR(strPtr(a), strLen(a))) return invalidCIDR(name, a);
  const na = alloc(16);
  memory.copy(na, ADDR, 16);
  const fa = family;
  const pa = prefixLen;
  if (!parseCIDR(strPtr(b), strLen(b))) return invalidCIDR(name, b);
  return boolValue(contains(fa, na, pa, family, ADDR) || contains(family, ADDR, prefixLen, fa, na));
}

export function b_net_cidr_is_valid(c: usize): usize {
  if (typeOf(c) != T_STRING) return boolValue(false);
  return boolValue(parseCIDR(strPtr(c), strLen(c)));
}

const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

// Go's IP.String: dotted IPv4, or IPv6 with the longest run (2+) of zero groups as "::".
function writeIP(b: usize, fam: u32, a: usize): void {
  if (fam == 4) {
    for (let i: u32 = 12; i < 16; i++) {
      if (i > 12) byte(b, 46);
      decimalU64(b, <u64>load<u8>(a + i));
    }
    return;
  }
  let bestAt: i32 = -1;
  let bestLen: i32 = 0;
  for (let i: i32 = 0; i < 8; ) {
    if (load<u16>(a + <u32>i * 2) != 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && load<u16>(a + <u32>j * 2) == 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  for (let i: i32 = 0; i < 8; i++) {
    if (i == bestAt) {
      byte(b, 58);
      byte(b, 58);
      i += bestLen - 1;
      continue;
    }
    if (i > 0 && i != bestAt + bestLen) byte(b, 58);
    const g = (<u32>load<u8>(a + <u32>i * 2) << 8) | <u32>load<u8>(a + <u32>i * 2 + 1);
    let started = false;
    for (let s = 12; s >= 0; s -= 4) {
      const d = (g >> <u32>s) & 15;
      if (d != 0 || started || s == 0) {
        byte(b, load<u8>(HEX + d));
        started = true;
      }
    }
  }
}

export function b_net_cidr_expand(c: usize): usize {
  const name = "net.cidr_expand";
  if (typeOf(c) != T_STRING) return typeError(name, 1, "string", c);
  if (!parseCIDR(strPtr(c), strLen(c))) return invalidCIDR(name, c);
  const hostBits = 128 - prefixLen;
  if (hostBits > 20) {
    const e = errorStart(name);
    lit(e, "CIDR too large to expand: ");
    bytes(e, strPtr(c), strLen(c));
    return errorSet(e, E_BUILTIN);
  }
  const count: u32 = 1 << <u32>hostBits;
  const out = newSet(count);
  const a = alloc(16);
  memory.copy(a, ADDR, 16);
  const fam = family;
  for (let k: u32 = 0; k < count; k++) {
    const b = bufNew(40);
    writeIP(b, fam, a);
    setAdd(out, newString(bufData(b), bufLen(b)));
    // Increment the address (big-endian).
    for (let i = 15; i >= 0; i--) {
      const v = <u32>load<u8>(a + <u32>i) + 1;
      store<u8>(a + <u32>i, <u8>v);
      if (v < 256) break;
    }
  }
  return out;
}
