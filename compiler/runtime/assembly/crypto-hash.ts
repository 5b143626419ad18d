// Message digests over raw bytes: MD5, SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4, RFC 1321), and
// HMAC over any of them (RFC 2104). Each writes its digest at `out`; padding is done on a heap copy.

import { alloc } from "./alloc";

export const H_MD5: i32 = 0;
export const H_SHA1: i32 = 1;
export const H_SHA256: i32 = 2;
export const H_SHA384: i32 = 3;
export const H_SHA512: i32 = 4;

export function digestSize(h: i32): u32 {
  return h == H_MD5 ? 16 : h == H_SHA1 ? 20 : h == H_SHA256 ? 32 : h == H_SHA384 ? 48 : 64;
}

export function blockSize(h: i32): u32 {
  return h >= H_SHA384 ? 128 : 64;
}

const MD5_K = memory.data<u32>([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]);
const MD5_S = memory.data<u8>([7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]);

const SHA256_K = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const SHA512_K = memory.data<u64>([
  0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
  0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
  0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
  0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
  0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
  0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
  0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
  0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
  0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
  0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
  0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
  0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
  0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
  0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
  0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
  0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
]);

const SHA512_H = memory.data<u64>([
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
  0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
]);
const SHA384_H = memory.data<u64>([
  0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
  0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4,
]);

// The message padded to whole blocks: 0x80, zeros, then the bit length (big-endian, or little-endian for MD5)
// in the last `lenBytes` bytes of the final block. Returns the copy; the block count is left in blocks.
let blocks: u32 = 0;

function pad(p: usize, n: u32, block: u32, lenBytes: u32, littleEndian: bool): usize {
  const total = ((n + 1 + lenBytes + block - 1) / block) * block;
  const m = alloc(total);
  memory.copy(m, p, n);
  store<u8>(m + n, 0x80);
  memory.fill(m + n + 1, 0, total - n - 1);
  const bits = (<u64>n) << 3;
  for (let i: u32 = 0; i < 8; i++) {
    const byteVal = <u8>(bits >> (i * 8));
    if (littleEndian) store<u8>(m + total - lenBytes + i, byteVal);
    else store<u8>(m + total - 1 - i, byteVal);
  }
  blocks = total / block;
  return m;
}

@inline function be32(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
@inline function be64(p: usize): u64 { return bswap<u64>(load<u64>(p)); }

function md5(p: usize, n: u32, out: usize): void {
  const m = pad(p, n, 64, 8, true);
  let a0: u32 = 0x67452301;
  let b0: u32 = 0xefcdab89;
  let c0: u32 = 0x98badcfe;
  let d0: u32 = 0x10325476;
  for (let blk: u32 = 0; blk < blocks; blk++) {
    const w = m + blk * 64;
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i: u32 = 0; i < 64; i++) {
      let f: u32;
      let g: u32;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const s = <u32>load<u8>(MD5_S + ((i >> 4) << 2) + (i & 3));
      const t = d;
      d = c;
      c = b;
      b = b + rotl<u32>(a + f + load<u32>(MD5_K + (i << 2)) + load<u32>(w + (g << 2)), s);
      a = t;
    }
    a0 += a;
    b0 += b;
    c0 += c;
    d0 += d;
  }
  store<u32>(out, a0);
  store<u32>(out, b0, 4);
  store<u32>(out, c0, 8);
  store<u32>(out, d0, 12);
}

function sha1(p: usize, n: u32, out: usize): void {
  const m = pad(p, n, 64, 8, false);
  const w = alloc(80 * 4);
  let h0: u32 = 0x67452301;
  let h1: u32 = 0xefcdab89;
  let h2: u32 = 0x98badcfe;
  let h3: u32 = 0x10325476;
  let h4: u32 = 0xc3d2e1f0;
  for (let blk: u32 = 0; blk < blocks; blk++) {
    for (let i: u32 = 0; i < 16; i++) store<u32>(w + (i << 2), be32(m + blk * 64 + (i << 2)));
    for (let i: u32 = 16; i < 80; i++) {
      const x = load<u32>(w + ((i - 3) << 2)) ^ load<u32>(w + ((i - 8) << 2)) ^ load<u32>(w + ((i - 14) << 2)) ^ load<u32>(w + ((i - 16) << 2));
      store<u32>(w + (i << 2), rotl<u32>(x, 1));
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let i: u32 = 0; i < 80; i++) {
      let f: u32;
      let k: u32;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const t = rotl<u32>(a, 5) + f + e + k + load<u32>(w + (i << 2));
      e = d;
      d = c;
      c = rotl<u32>(b, 30);
      b = a;
      a = t;
    }
    h0 += a;
    h1 += b;
    h2 += c;
    h3 += d;
    h4 += e;
  }
  store<u32>(out, bswap<u32>(h0));
  store<u32>(out, bswap<u32>(h1), 4);
  store<u32>(out, bswap<u32>(h2), 8);
  store<u32>(out, bswap<u32>(h3), 12);
  store<u32>(out, bswap<u32>(h4), 16);
}

function sha256(p: usize, n: u32, out: usize): void {
  const m = pad(p, n, 64, 8, false);
  const w = alloc(64 * 4);
  const h = alloc(32);
  store<u32>(h, 0x6a09e667);
  store<u32>(h, 0xbb67ae85, 4);
  store<u32>(h, 0x3c6ef372, 8);
  store<u32>(h, 0xa54ff53a, 12);
  store<u32>(h, 0x510e527f, 16);
  store<u32>(h, 0x9b05688c, 20);
  store<u32>(h, 0x1f83d9ab, 24);
  store<u32>(h, 0x5be0cd19, 28);
  for (let blk: u32 = 0; blk < blocks; blk++) {
    for (let i: u32 = 0; i < 16; i++) store<u32>(w + (i << 2), be32(m + blk * 64 + (i << 2)));
    for (let i: u32 = 16; i < 64; i++) {
      const x = load<u32>(w + ((i - 15) << 2));
      const y = load<u32>(w + ((i - 2) << 2));
      const s0 = rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >> 3);
      const s1 = rotr<u32>(y, 17) ^ rotr<u32>(y, 19) ^ (y >> 10);
      store<u32>(w + (i << 2), load<u32>(w + ((i - 16) << 2)) + s0 + load<u32>(w + ((i - 7) << 2)) + s1);
    }
    let a = load<u32>(h);
    let b = load<u32>(h, 4);
    let c = load<u32>(h, 8);
    let d = load<u32>(h, 12);
    let e = load<u32>(h, 16);
    let f = load<u32>(h, 20);
    let g = load<u32>(h, 24);
    let hh = load<u32>(h, 28);
    for (let i: u32 = 0; i < 64; i++) {
      const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = hh + S1 + ch + load<u32>(SHA256_K + (i << 2)) + load<u32>(w + (i << 2));
      const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = S0 + maj;
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    store<u32>(h, load<u32>(h) + a);
    store<u32>(h, load<u32>(h, 4) + b, 4);
    store<u32>(h, load<u32>(h, 8) + c, 8);
    store<u32>(h, load<u32>(h, 12) + d, 12);
    store<u32>(h, load<u32>(h, 16) + e, 16);
    store<u32>(h, load<u32>(h, 20) + f, 20);
    store<u32>(h, load<u32>(h, 24) + g, 24);
    store<u32>(h, load<u32>(h, 28) + hh, 28);
  }
  for (let i: u32 = 0; i < 8; i++) store<u32>(out + (i << 2), bswap<u32>(load<u32>(h + (i << 2))));
}

function sha512(p: usize, n: u32, out: usize, is384: bool): void {
  const m = pad(p, n, 128, 16, false);
  const w = alloc(80 * 8);
  const h = alloc(64);
  memory.copy(h, is384 ? SHA384_H : SHA512_H, 64);
  for (let blk: u32 = 0; blk < blocks; blk++) {
    for (let i: u32 = 0; i < 16; i++) store<u64>(w + (i << 3), be64(m + blk * 128 + (i << 3)));
    for (let i: u32 = 16; i < 80; i++) {
      const x = load<u64>(w + ((i - 15) << 3));
      const y = load<u64>(w + ((i - 2) << 3));
      const s0 = rotr<u64>(x, 1) ^ rotr<u64>(x, 8) ^ (x >> 7);
      const s1 = rotr<u64>(y, 19) ^ rotr<u64>(y, 61) ^ (y >> 6);
      store<u64>(w + (i << 3), load<u64>(w + ((i - 16) << 3)) + s0 + load<u64>(w + ((i - 7) << 3)) + s1);
    }
    let a = load<u64>(h);
    let b = load<u64>(h, 8);
    let c = load<u64>(h, 16);
    let d = load<u64>(h, 24);
    let e = load<u64>(h, 32);
    let f = load<u64>(h, 40);
    let g = load<u64>(h, 48);
    let hh = load<u64>(h, 56);
    for (let i: u32 = 0; i < 80; i++) {
      const S1 = rotr<u64>(e, 14) ^ rotr<u64>(e, 18) ^ rotr<u64>(e, 41);
      const ch = (e & f) ^ (~e & g);
      const t1 = hh + S1 + ch + load<u64>(SHA512_K + (i << 3)) + load<u64>(w + (i << 3));
      const S0 = rotr<u64>(a, 28) ^ rotr<u64>(a, 34) ^ rotr<u64>(a, 39);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = S0 + maj;
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    store<u64>(h, load<u64>(h) + a);
    store<u64>(h, load<u64>(h, 8) + b, 8);
    store<u64>(h, load<u64>(h, 16) + c, 16);
    store<u64>(h, load<u64>(h, 24) + d, 24);
    store<u64>(h, load<u64>(h, 32) + e, 32);
    store<u64>(h, load<u64>(h, 40) + f, 40);
    store<u64>(h, load<u64>(h, 48) + g, 48);
    store<u64>(h, load<u64>(h, 56) + hh, 56);
  }
  const words: u32 = is384 ? 6 : 8;
  for (let i: u32 = 0; i < words; i++) store<u64>(out + (i << 3), bswap<u64>(load<u64>(h + (i << 3))));
}

export function digest(alg: i32, p: usize, n: u32, out: usize): void {
  if (alg == H_MD5) md5(p, n, out);
  else if (alg == H_SHA1) sha1(p, n, out);
  else if (alg == H_SHA256) sha256(p, n, out);
  else sha512(p, n, out, alg == H_SHA384);
}

export function hmac(alg: i32, key: usize, kn: u32, p: usize, n: u32, out: usize): void {
  const block = blockSize(alg);
  const size = digestSize(alg);
  const k = alloc(block);
  memory.fill(k, 0, block);
  if (kn > block) digest(alg, key, kn, k);
  else memory.copy(k, key, kn);
  const inner = alloc(block + n);
  for (let i: u32 = 0; i < block; i++) store<u8>(inner + i, load<u8>(k + i) ^ 0x36);
  memory.copy(inner + block, p, n);
  const ih = alloc(size);
  digest(alg, inner, block + n, ih);
  const outer = alloc(block + size);
  for (let i: u32 = 0; i < block; i++) store<u8>(outer + i, load<u8>(k + i) ^ 0x5c);
  memory.copy(outer + block, ih, size);
  digest(alg, outer, block + size, out);
}
