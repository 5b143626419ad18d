// uuid.parse: the fields of a UUID in any of the forms Go's uuid.Parse takes (plain, braced, urn:uuid:,
// 32 hex digits): version and variant, and for time-based versions 1 and 2 the Unix time in nanoseconds,
// clock sequence, node id and its MAC flags (plus id and domain for version 2). Invalid text is undefined.

import { alloc } from "./alloc";
import { T_STRING, typeOf, strPtr, strLen, newInt, newString, newStringLit } from "./value";
import { newObject, objInsert } from "./table";
import { bufNew, byte, lit, bufData, bufLen, decimalU64 } from "./buf";
import { typeError } from "./error";

const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

function hexVal(c: u32): i32 {
  if (c - 48 < 10) return <i32>(c - 48);
  const l = c | 32;
  if (l - 97 < 6) return <i32>(l - 87);
  return -1;
}

// Reads 16 bytes from the canonical 36-character form (dashes at 8, 13, 18, 23) or 32 hex digits.
function readBytes(p: usize, n: u32, out: usize): bool {
  let k: u32 = 0;
  let i: u32 = 0;
  while (i < n) {
    if (n == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
      if (load<u8>(p + i) != 45) return false;
      i++;
      continue;
    }
    if (i + 1 >= n) return false;
    const hi = hexVal(load<u8>(p + i));
    const lo = hexVal(load<u8>(p + i + 1));
    if (hi < 0 || lo < 0 || k >= 16) return false;
    store<u8>(out + k++, <u8>((hi << 4) | lo));
    i += 2;
  }
  return k == 16;
}

function key(o: usize, name: string, v: usize): void {
  objInsert(o, newStringLit(name), v);
}

export function b_uuid_parse(s: usize): usize {
  if (typeOf(s) != T_STRING) return typeError("uuid.parse", 1, "string", s);
  let p = strPtr(s);
  let n = strLen(s);
  if (n == 45) {
    // urn:uuid: prefix, case-insensitive.
    const prefix = "urn:uuid:";
    const l = changetype<usize>(prefix);
    for (let i: u32 = 0; i < 9; i++) if ((<u32>load<u8>(p + i) | 32) != <u32>load<u16>(l + (i << 1))) return 0;
    p += 9;
    n -= 9;
  } else if (n == 38) {
    if (load<u8>(p) != 123 || load<u8>(p + 37) != 125) return 0;
    p++;
    n -= 2;
  }
  if (n != 36 && n != 32) return 0;
  const u = alloc(16);
  if (!readBytes(p, n, u)) return 0;
  const o = newObject(8);
  const version = <u32>load<u8>(u + 6) >> 4;
  const v8 = <u32>load<u8>(u + 8);
  const variant = (v8 & 0xc0) == 0x80 ? "RFC4122" : (v8 & 0xe0) == 0xc0 ? "Microsoft" : (v8 & 0xe0) == 0xe0 ? "Future" : "Reserved";
  key(o, "version", newInt(version));
  key(o, "variant", newStringLit(variant));
  if (version == 1 || version == 2) {
    const low = <u64>bswap<u32>(load<u32>(u));
    const mid = <u64>bswap<u16>(load<u16>(u + 4));
    const hi = <u64>(bswap<u16>(load<u16>(u + 6)) & 0x0fff);
    // 100 ns ticks since 1582-10-15, shifted to the Unix epoch.
    const ticks = <i64>((hi << 48) | (mid << 32) | low) - 122192928000000000;
    const sec = ticks / 10000000;
    const nsec = (ticks % 10000000) * 100;
    key(o, "time", newInt(sec * 1000000000 + nsec));
    key(o, "clocksequence", newInt(<i64>(bswap<u16>(load<u16>(u + 8)) & 0x3fff)));
    const b = bufNew(17);
    for (let i: u32 = 10; i < 16; i++) {
      if (i > 10) byte(b, 45);
      const c = <u32>load<u8>(u + i);
      byte(b, load<u8>(HEX + (c >> 4)));
      byte(b, load<u8>(HEX + (c & 15)));
    }
    key(o, "nodeid", newString(bufData(b), bufLen(b)));
    const n0 = <u32>load<u8>(u + 10);
    const mac = bufNew(24);
    if ((n0 & 2) != 0) lit(mac, "local");
    else lit(mac, "global");
    byte(mac, 58);
    if ((n0 & 1) != 0) lit(mac, "multicast");
    else lit(mac, "unicast");
    key(o, "macvariables", newString(bufData(mac), bufLen(mac)));
    if (version == 2) {
      key(o, "id", newInt(<i64>low));
      const d = <u32>load<u8>(u + 9);
      if (d == 0) key(o, "domain", newStringLit("Person"));
      else if (d == 1) key(o, "domain", newStringLit("Group"));
      else if (d == 2) key(o, "domain", newStringLit("Org"));
      else {
        const db = bufNew(12);
        lit(db, "Domain");
        decimalU64(db, <u64>d);
        key(o, "domain", newString(bufData(db), bufLen(db)));
      }
    }
  }
  return o;
}
