// Raw blocks from the TLSF allocator (runtime "minimal"). Nothing here allocates managed objects, so the
// collector never runs; every block is freed explicitly by its owner.

export function allocZeroed(bytes: usize): usize {
  const p = heap.alloc(bytes);
  memory.fill(p, 0, bytes);
  return p;
}

/** Grows a block to `newBytes`, keeping its contents and zeroing the new tail. */
export function growZeroed(ptr: usize, oldBytes: usize, newBytes: usize): usize {
  const p = heap.realloc(ptr, newBytes);
  memory.fill(p + oldBytes, 0, newBytes - oldBytes);
  return p;
}

/** Maps a uniform 32-bit hash onto [0, n) with a multiply and a shift instead of a division. */
// @ts-ignore: decorator
@inline export function fastRange(hash: u32, n: u32): u32 {
  return <u32>((<u64>hash * <u64>n) >> 32);
}

/** murmur3's finalizer: spreads every input bit over the whole word. */
// @ts-ignore: decorator
@inline export function mix32(h: u32): u32 {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

export function gcd(a: i32, b: i32): i32 {
  while (b != 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
