// The engine's allocator: segregated free lists over linear memory the module manages itself.
//
// Why our own instead of the runtime's TLSF (heap.alloc/heap.free under --runtime minimal):
//  - every block's owner knows its size (key records, revision arrays, values, tree nodes), so blocks carry no
//    header and free() takes the size: no header word per value, no header reads on the hot path;
//  - alloc does not trap on a full memory: it returns 0, and every write declares its worst case first (demand(),
//    demandMet() below), so a write either fails with NoSpace before it changes anything or cannot fail at all;
//  - alloc and free are one pop or push, with no splitting or coalescing.
// The price: a freed block only serves its own size class. The store's shapes repeat (nodes, key records,
// revision arrays, values of similar sizes), so put/compact cycles reuse memory fully; a workload that moves all
// its bytes from one value size to a very different one keeps the old class's blocks on that class's list.
//
// Size classes: multiples of 16 up to 128, then four per power of two (160, 192, 224, 256, 320, 384, ...), so
// rounding wastes at most 25% and every block is 16-byte aligned.
//
// Memory map:
//   0 ... __heap_base | heads | counts | demand | touched | blocks, carved upwards from `bump` ... | limit
// heads, counts and demand are CLASS_COUNT x u32 (free-list head, free-list length, planned allocations per
// class), touched lists the classes with demand. `limit` is the end of linear memory; bump..limit is headroom,
// grown by memory.grow when needed.
//
// Writes plan their allocations as demand per class (demand(), then demandMet()): a class's free blocks cover
// its demand first, only the rest needs headroom, so a full memory whose compaction freed blocks keeps accepting
// writes that reuse them.

const SMALL_CLASSES: u32 = 8; // 16..128
const MAX_EXP: u32 = 29; // largest class is 2^30 bytes
export const CLASS_COUNT: u32 = SMALL_CLASSES + (MAX_EXP - 6) * 4;
/** Largest block alloc() can serve. */
export const MAX_BLOCK: usize = <usize>1 << 30;

let heads: usize = 0;
let counts: usize = 0;
let demands: usize = 0;
let touched: usize = 0;
let touchedLen: u32 = 0;
/** Bytes of the largest planned allocation alloc() cannot serve at all (0: none). */
let oversize: usize = 0;
let bump: usize = 0;
let limit: usize = 0;
let maxPages: i32 = 0;
let liveBytes: usize = 0;
/** Bytes asked for by the last request that could not be served (for NoSpace details). */
let lastNeedBytes: usize = 0;
/**
 * True while a planned write applies. Its allocations were covered by demandMet(), so one failing means the plan
 * was wrong: alloc() then traps rather than hand out address 0, and the JS side retires the engine as Corrupt.
 */
let applying: bool = false;

export function setApplying(on: bool): void {
  applying = on;
}

/** Size class of a request of `size` bytes (size >= 1). */
// @ts-ignore: decorator
@inline export function classOf(size: usize): u32 {
  if (size <= 128) return (<u32>(size + 15) >> 4) - 1;
  const s = <u32>size - 1;
  const e: u32 = 31 - clz<u32>(s);
  return SMALL_CLASSES + (e - 7) * 4 + ((s >> (e - 2)) & 3);
}

/** Bytes of a block of class `c`. */
// @ts-ignore: decorator
@inline export function classBytes(c: u32): usize {
  if (c < SMALL_CLASSES) return <usize>(c + 1) << 4;
  const e = ((c - SMALL_CLASSES) >> 2) + 7;
  return <usize>(5 + ((c - SMALL_CLASSES) & 3)) << (e - 2);
}

/** What a block for `size` bytes really takes: the worst case a write must reserve for it. */
// @ts-ignore: decorator
@inline export function blockBytes(size: usize): usize {
  return size == 0 ? 0 : classBytes(classOf(size));
}

/**
 * Sets the allocator up on memory that may grow up to `pages` pages, forgetting every block: on a fresh memory at
 * start, and again when the engine is reset (its memory keeps the size it grew to and is carved anew).
 */
export function allocatorInit(pages: i32): void {
  maxPages = pages;
  applying = false;
  lastNeedBytes = 0;
  const table = <usize>CLASS_COUNT << 2;
  heads = (__heap_base + 15) & ~15;
  counts = heads + table;
  demands = counts + table;
  touched = demands + table;
  bump = (touched + table + 15) & ~15;
  limit = <usize>memory.size() << 16;
  if (bump > limit) memory.grow(<i32>((bump - limit + 0xffff) >> 16));
  limit = <usize>memory.size() << 16;
  memory.fill(heads, 0, bump - heads);
  touchedLen = 0;
  oversize = 0;
  liveBytes = 0;
}

/** Grows memory so that `bytes` fit above `bump`; false (memory untouched) when it cannot. */
function grow(bytes: usize): bool {
  const missing = bytes - (limit - bump);
  const cur = memory.size();
  const pages = <i32>((missing + 0xffff) >> 16);
  // Double (4 MiB at least): each memory.grow costs milliseconds in V8 (new buffer, detached views, external
  // memory accounting that can start a GC), and pages never touched cost nothing.
  let want = max(pages, max(cur, 64));
  if (cur + want > maxPages) want = maxPages - cur;
  if (want < pages || memory.grow(want) < 0) {
    lastNeedBytes = bytes;
    return false;
  }
  limit = <usize>(cur + want) << 16;
  return true;
}

/** A block of at least `size` (>= 1) bytes, or 0 when memory cannot grow. Contents are undefined. */
export function alloc(size: usize): usize {
  if (size > MAX_BLOCK) {
    if (applying) unreachable();
    lastNeedBytes = size;
    return 0;
  }
  const c = classOf(size);
  const head = heads + (<usize>c << 2);
  const bytes = classBytes(c);
  const p = <usize>load<u32>(head);
  if (p != 0) {
    store<u32>(head, load<u32>(p));
    const n = counts + (<usize>c << 2);
    store<u32>(n, load<u32>(n) - 1);
    liveBytes += bytes;
    return p;
  }
  if (limit - bump < bytes && !grow(bytes)) {
    if (applying) unreachable();
    return 0;
  }
  const q = bump;
  bump += bytes;
  liveBytes += bytes;
  return q;
}

/** Returns a block; `size` must be the size it was allocated with. free(0, n) does nothing. */
export function free(p: usize, size: usize): void {
  if (p == 0) return;
  const c = classOf(size);
  const head = heads + (<usize>c << 2);
  store<u32>(p, load<u32>(head));
  store<u32>(head, <u32>p);
  const n = counts + (<usize>c << 2);
  store<u32>(n, load<u32>(n) + 1);
  liveBytes -= classBytes(c);
}

/** Whether one allocation of `size` (>= 1) bytes would succeed without growing memory. */
export function allocFits(size: usize): bool {
  if (size > MAX_BLOCK) return false;
  const c = classOf(size);
  return load<u32>(counts + (<usize>c << 2)) != 0 || limit - bump >= classBytes(c);
}

/** Forgets the planned allocations. */
export function demandReset(): void {
  applying = false;
  for (let i: u32 = 0; i < touchedLen; i++) store<u32>(demands + (<usize>load<u32>(touched + (<usize>i << 2)) << 2), 0);
  touchedLen = 0;
  oversize = 0;
}

/** Plans one allocation of `size` bytes (0: none). */
export function demand(size: usize): void {
  if (size == 0) return;
  if (size > MAX_BLOCK) {
    oversize = max(oversize, size);
    return;
  }
  const c = classOf(size);
  const d = demands + (<usize>c << 2);
  const n = load<u32>(d);
  if (n == 0) {
    store<u32>(touched + (<usize>touchedLen << 2), c);
    touchedLen++;
  }
  store<u32>(d, n + 1);
}

/**
 * Makes sure every planned allocation will succeed: free blocks of each class cover its demand first, headroom
 * (grown if need be) the rest. False when memory cannot provide it.
 */
export function demandMet(): bool {
  if (oversize != 0) {
    lastNeedBytes = oversize;
    return false;
  }
  let need: u64 = 0;
  for (let i: u32 = 0; i < touchedLen; i++) {
    const c = load<u32>(touched + (<usize>i << 2));
    const want = load<u32>(demands + (<usize>c << 2));
    const have = load<u32>(counts + (<usize>c << 2));
    if (want > have) need += <u64>(want - have) * <u64>classBytes(c);
  }
  const ok = reserve(<usize>min(need, <u64>0xffffffff));
  applying = ok;
  return ok;
}

/**
 * Makes sure the next allocations totalling `bytes` (as counted by blockBytes) cannot fail: free-list hits cost
 * no headroom, everything else comes out of bump..limit, which this grows. False when memory cannot grow.
 */
export function reserve(bytes: usize): bool {
  if (bytes > MAX_BLOCK * 3) {
    lastNeedBytes = bytes;
    return false;
  }
  return limit - bump >= bytes || grow(bytes);
}

export function heapLiveBytes(): usize {
  return liveBytes;
}

export function heapLimitBytes(): usize {
  return limit;
}

export function heapMaxBytes(): f64 {
  return <f64>maxPages * 65536;
}

export function lastNeed(): usize {
  return lastNeedBytes;
}
