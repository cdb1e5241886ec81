// Byte-string primitives over linear memory: order, equality, common prefixes and hashing, 8 bytes at a time.
//
// Keys are compared as unsigned bytes, shorter-is-smaller on a common prefix (memcmp, then length), as etcd does.
// Words are loaded little-endian and byte-swapped, so integer order of the swapped word is byte order.
//
// Over-read contract: functions marked "reads ahead" may load up to 7 bytes past the end of either operand. Every
// key buffer in the engine (key records, separator copies, the scratch region) carries 8 bytes of slack for this.
// Values have no slack and are compared with compareSafe.

/** A mask keeping the first `n` (1..7) bytes of a byte-swapped word. */
// @ts-ignore: decorator
@inline function headMask(n: u32): u64 {
  return ~(<u64>-1 >> (<u64>n << 3));
}

/**
 * The 8 key bytes starting at `off`, big-endian, zero past the key's end: integer order of chunks is byte order
 * of those windows. Reads ahead.
 */
// @ts-ignore: decorator
@inline export function chunkAt(p: usize, len: u32, off: u32): u64 {
  if (off >= len) return 0;
  const w = bswap<u64>(load<u64>(p + off));
  const rest = len - off;
  return rest >= 8 ? w : w & headMask(rest);
}

/** Sign of a[off..alen) vs b[off..blen) when the first `off` bytes are known equal. Reads ahead. */
export function compareFrom(a: usize, alen: u32, b: usize, blen: u32, off: u32): i32 {
  const n = min(alen, blen);
  let i = off;
  while (i + 8 <= n) {
    const x = load<u64>(a + i);
    const y = load<u64>(b + i);
    if (x != y) return bswap<u64>(x) < bswap<u64>(y) ? -1 : 1;
    i += 8;
  }
  if (i < n) {
    const m = headMask(n - i);
    const x = bswap<u64>(load<u64>(a + i)) & m;
    const y = bswap<u64>(load<u64>(b + i)) & m;
    if (x != y) return x < y ? -1 : 1;
  }
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/** Full byte order of two keys. Reads ahead. */
// @ts-ignore: decorator
@inline export function compareKeys(a: usize, alen: u32, b: usize, blen: u32): i32 {
  return compareFrom(a, alen, b, blen, 0);
}

/**
 * Where key k stands against a node's shared prefix (the first `skip` bytes of key f): -1 if k sorts before every
 * key starting with that prefix, 1 if after, 0 if k starts with it. Reads ahead.
 */
export function comparePrefix(k: usize, klen: u32, f: usize, skip: u32): i32 {
  const n = min(klen, skip);
  let i: u32 = 0;
  while (i + 8 <= n) {
    const x = load<u64>(k + i);
    const y = load<u64>(f + i);
    if (x != y) return bswap<u64>(x) < bswap<u64>(y) ? -1 : 1;
    i += 8;
  }
  if (i < n) {
    const m = headMask(n - i);
    const x = bswap<u64>(load<u64>(k + i)) & m;
    const y = bswap<u64>(load<u64>(f + i)) & m;
    if (x != y) return x < y ? -1 : 1;
  }
  return klen < skip ? -1 : 0;
}

/** Length of the common prefix of a and b, at most `cap`. Reads ahead. */
export function commonPrefix(a: usize, alen: u32, b: usize, blen: u32, cap: u32): u32 {
  const n = min(min(alen, blen), cap);
  let i: u32 = 0;
  while (i + 8 <= n) {
    const d = load<u64>(a + i) ^ load<u64>(b + i);
    if (d != 0) return i + (<u32>ctz<u64>(d) >> 3);
    i += 8;
  }
  if (i < n) {
    const d = load<u64>(a + i) ^ load<u64>(b + i);
    if (d != 0) return min(n, i + (<u32>ctz<u64>(d) >> 3));
  }
  return n;
}

/** Whether two keys are equal. Reads ahead. */
export function equalKeys(a: usize, alen: u32, b: usize, blen: u32): bool {
  if (alen != blen) return false;
  let i: u32 = 0;
  while (i + 8 <= alen) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  if (i < alen) {
    const rest = alen - i;
    const m = <u64>-1 >> (<u64>(8 - rest) << 3);
    return ((load<u64>(a + i) ^ load<u64>(b + i)) & m) == 0;
  }
  return true;
}

/** Byte order of two buffers without reading past either end (values carry no slack). */
export function compareSafe(a: usize, alen: u32, b: usize, blen: u32): i32 {
  const n = min(alen, blen);
  let i: u32 = 0;
  while (i + 8 <= n) {
    const x = load<u64>(a + i);
    const y = load<u64>(b + i);
    if (x != y) return bswap<u64>(x) < bswap<u64>(y) ? -1 : 1;
    i += 8;
  }
  while (i < n) {
    const x = load<u8>(a + i);
    const y = load<u8>(b + i);
    if (x != y) return x < y ? -1 : 1;
    i++;
  }
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/** 32-bit hash of a key: multiply-xorshift over 8-byte words, then a final avalanche. Reads ahead. */
export function hashKey(p: usize, len: u32): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ (<u64>len * 0xc2b2ae3d27d4eb4f);
  let i: u32 = 0;
  while (i + 8 <= len) {
    h = (h ^ load<u64>(p + i)) * 0xff51afd7ed558ccd;
    h ^= h >> 32;
    i += 8;
  }
  if (i < len) {
    const w = load<u64>(p + i) & (<u64>-1 >> (<u64>(8 - (len - i)) << 3));
    h = (h ^ w) * 0xff51afd7ed558ccd;
    h ^= h >> 32;
  }
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53;
  h ^= h >> 33;
  return <u32>h;
}
