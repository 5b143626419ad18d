// CIDR builtins with Go's net parsing rules: net.cidr_contains (and its alias net.cidr_overlap),
// net.cidr_intersects, net.cidr_is_valid, net.cidr_expand and net.cidr_merge. Addresses are 16 bytes plus a family
// (4 or 6); an IPv4 network only contains IPv4 addresses (IPv4-mapped IPv6 text counts as IPv4).

import { alloc } from "./alloc";
import { T_STRING, T_ARRAY, T_SET, typeOf, strPtr, strLen, boolValue, newString, arrLen, arrGet } from "./value";
import { newSet, setAdd, tableCount, entryKey } from "./table";
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

// net.cidr_merge, following OPA's algorithm: each entry becomes an address range (4 or 16 bytes, compared
// as byte strings exactly as Go's bytes.Compare does), ranges are sorted by last then first address and
// merged from the end when they touch; merged ranges are split back into the fewest CIDR blocks. A plain
// IPv4 address stands for its classful network (Go's DefaultMask); a plain IPv6 address is an error.
// Entry layout: {len, prefix, merged, pad, first[16], last[16]}.
const ENTRY: u32 = 48;

function bytesCompare(a: usize, la: u32, b: usize, lb: u32): i32 {
  const n = la < lb ? la : lb;
  const c = memory.compare(a, b, n);
  if (c != 0) return c < 0 ? -1 : 1;
  return la == lb ? 0 : la < lb ? -1 : 1;
}

@inline function eLen(e: usize): u32 { return load<u32>(e); }
@inline function eFirst(e: usize): usize { return e + 16; }
@inline function eLast(e: usize): usize { return e + 32; }

function rangeLess(a: usize, b: usize): bool {
  const c = bytesCompare(eLast(a), eLen(a), eLast(b), eLen(b));
  if (c != 0) return c < 0;
  return bytesCompare(eFirst(a), eLen(a), eFirst(b), eLen(b)) < 0;
}

// Fills an entry from a string: false with an error recorded.
function entryFrom(e: usize, s: usize): bool {
  const name = "net.cidr_merge";
  if (typeOf(s) != T_STRING) {
    builtinErr(name, "element must be string");
    return false;
  }
  const p = strPtr(s);
  const n = strLen(s);
  let len: u32;
  let prefix: i32;
  if (parseIP(p, n)) {
    if (family != 4) {
      builtinErr(name, "IPv6 invalid: needs prefix length");
      return false;
    }
    len = 4;
    const first = <u32>load<u8>(ADDR + 12);
    prefix = first < 128 ? 8 : first < 192 ? 16 : 24;
  } else if (parseCIDR(p, n)) {
    let colon = false;
    for (let i: u32 = 0; i < n; i++) if (load<u8>(p + i) == 58) colon = true;
    len = colon ? 16 : 4;
    prefix = colon ? prefixLen : prefixLen - 96;
  } else {
    invalidCIDR(name, s);
    return false;
  }
  store<u32>(e, len);
  store<i32>(e, prefix, 4);
  store<u32>(e, 0, 8);
  const src = len == 4 ? ADDR + 12 : ADDR;
  for (let i: u32 = 0; i < len; i++) {
    const hostMask = hostMaskByte(i, prefix);
    const v = <u32>load<u8>(src + i) & ~hostMask & 0xff;
    store<u8>(eFirst(e) + i, <u8>v);
    store<u8>(eLast(e) + i, <u8>(v | hostMask));
  }
  return true;
}

// The host bits of byte i under a prefix.
function hostMaskByte(i: u32, prefix: i32): u32 {
  const start = <i32>i * 8;
  if (prefix >= start + 8) return 0;
  if (prefix <= start) return 0xff;
  return 0xff >> <u32>(prefix - start);
}

function builtinErr(name: string, msg: string): void {
  const b = errorStart(name);
  lit(b, msg);
  errorSet(b, E_BUILTIN);
}

// Appends "<ip>/<prefix>" for the given bytes.
function writeNet(b: usize, p: usize, len: u32, prefix: i32): void {
  if (len == 4) {
    memory.fill(ADDR, 0, 10);
    store<u8>(ADDR + 10, 0xff);
    store<u8>(ADDR + 11, 0xff);
    memory.copy(ADDR + 12, p, 4);
    writeIP(b, 4, ADDR);
  } else {
    memory.copy(ADDR, p, 16);
    let mapped = load<u8>(ADDR + 10) == 0xff && load<u8>(ADDR + 11) == 0xff;
    for (let i = 0; i < 10 && mapped; i++) if (load<u8>(ADDR + i) != 0) mapped = false;
    writeIP(b, mapped ? 4 : 6, ADDR);
  }
  byte(b, 47);
  decimalU64(b, <u64>prefix);
}

// Trailing zero bits of a big-endian number of len bytes (len*8 when zero).
function trailingZeros(p: usize, len: u32): u32 {
  let z: u32 = 0;
  for (let i = <i32>len - 1; i >= 0; i--) {
    const v = <u32>load<u8>(p + <u32>i);
    if (v == 0) {
      z += 8;
      continue;
    }
    return z + ctz<u32>(v);
  }
  return z;
}

// Adds 2^bits to a big-endian number in place; returns true on overflow.
function addPow2(p: usize, len: u32, bits: u32): bool {
  let i = <i32>len - 1 - <i32>(bits >> 3);
  let carry: u32 = 1 << (bits & 7);
  while (i >= 0 && carry != 0) {
    const v = <u32>load<u8>(p + <u32>i) + carry;
    store<u8>(p + <u32>i, <u8>v);
    carry = v >> 8;
    i--;
  }
  return carry != 0;
}

// Emits the fewest CIDR blocks covering [first, last].
function rangeToCIDRs(out: usize, first: usize, last: usize, len: u32): void {
  const cur = alloc(16);
  memory.copy(cur, first, len);
  const end = alloc(16);
  const bits = len * 8;
  while (bytesCompare(cur, len, last, len) <= 0) {
    let h = trailingZeros(cur, len);
    if (h > bits) h = bits;
    // Shrink the block until it ends at or before last.
    while (true) {
      memory.copy(end, cur, len);
      for (let k: u32 = 0; k < h; k++) {
        const byteAt = end + len - 1 - (k >> 3);
        store<u8>(byteAt, <u8>(<u32>load<u8>(byteAt) | (1 << (k & 7))));
      }
      if (bytesCompare(end, len, last, len) <= 0) break;
      h--;
    }
    const b = bufNew(48);
    writeNet(b, cur, len, <i32>(bits - h));
    setAdd(out, newString(bufData(b), bufLen(b)));
    if (h >= bits || addPow2(cur, len, h)) break;
  }
}

export function b_net_cidr_merge(v: usize): usize {
  const t = typeOf(v);
  if (t != T_ARRAY && t != T_SET) return typeError("net.cidr_merge", 1, "array", v);
  const n = t == T_ARRAY ? arrLen(v) : tableCount(v);
  const list = alloc(<usize>(n + 1) << 2);
  for (let i: u32 = 0; i < n; i++) {
    const e = alloc(ENTRY);
    if (!entryFrom(e, t == T_ARRAY ? arrGet(v, i) : entryKey(v, i))) return 0;
    // Insertion into sorted position (lists are short).
    let j = i;
    while (j > 0 && rangeLess(e, load<u32>(list + (<usize>(j - 1) << 2)))) {
      store<u32>(list + (<usize>j << 2), load<u32>(list + (<usize>(j - 1) << 2)));
      j--;
    }
    store<u32>(list + (<usize>j << 2), e);
  }
  let count = n;
  const prev = alloc(16);
  for (let i = <i32>count - 1; i > 0; i--) {
    const cur = load<u32>(list + (<usize>i << 2));
    const before = load<u32>(list + (<usize>(i - 1) << 2));
    // The address just before cur's first one; the zero address is its own predecessor.
    const cl = eLen(cur);
    memory.copy(prev, eFirst(cur), cl);
    let zero = true;
    for (let k: u32 = 0; k < cl; k++) if (load<u8>(prev + k) != 0) zero = false;
    for (let k = <i32>cl - 1; k >= 0 && !zero; k--) {
      const x = <u32>load<u8>(prev + <u32>k);
      store<u8>(prev + <u32>k, <u8>(x - 1));
      if (x != 0) break;
    }
    if (bytesCompare(prev, cl, eLast(before), eLen(before)) > 0) continue;
    const m = alloc(ENTRY);
    const firstFromBefore = bytesCompare(eFirst(before), eLen(before), eFirst(cur), cl) < 0;
    const firstSrc = firstFromBefore ? before : cur;
    store<u32>(m, cl);
    store<i32>(m, -1, 4);
    store<u32>(m, 1, 8);
    memory.fill(eFirst(m), 0, 32);
    memory.copy(eFirst(m), eFirst(firstSrc), eLen(firstSrc));
    memory.copy(eLast(m), eLast(cur), cl);
    store<u32>(list + (<usize>(i - 1) << 2), m);
    memory.copy(list + (<usize>i << 2), list + (<usize>(i + 1) << 2), <usize>(count - <u32>i - 1) << 2);
    count--;
  }
  const out = newSet(count);
  for (let i: u32 = 0; i < count; i++) {
    const e = load<u32>(list + (<usize>i << 2));
    if (load<u32>(e, 8) == 0) {
      const b = bufNew(48);
      writeNet(b, eFirst(e), eLen(e), load<i32>(e, 4));
      setAdd(out, newString(bufData(b), bufLen(b)));
    } else {
      rangeToCIDRs(out, eFirst(e), eLast(e), eLen(e));
    }
  }
  return out;
}
