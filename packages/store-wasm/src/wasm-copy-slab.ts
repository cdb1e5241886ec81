/**
 * Copies of bytes out of linear memory, for the keys and values results hand to callers.
 *
 * A result must own its bytes (linear memory is rewritten and can grow under it), so every key and value is
 * copied. In Node 20 a Uint8Array over 64 bytes gets its own off-heap backing store, and allocating one costs
 * ~1-2 us on our machines, several times the cost of the copy itself. So copies of up to 4 KiB are carved from a
 * shared 256 KiB slab, as Node's own Buffer pool does for small buffers: each copy is a Uint8Array over its own
 * bytes of the slab, written once and never reused, so no two results share bytes. Larger copies get their own
 * buffer; copies of up to 64 bytes live on V8's heap, which is cheaper than either.
 *
 * Measured on our 2-core machines (process CPU time, 1 KiB values): a fresh slab costs ~5-25 us however small,
 * so a 64 KiB slab added ~100-300 ns to every 1 KiB copy, most of it zero-filling memory that is overwritten
 * anyway; a 256 KiB slab taken without zero-filling adds ~20-40 ns. The source of each copy is a fresh view of the
 * memory's buffer (cheaper than subarray(), which looks up a species constructor).
 *
 * The trade-offs, as with Buffer's pool: a small copy kept alive keeps its slab alive (at most 256 KiB for any
 * number of copies from it), and `copy.buffer` is the slab, so callers must use byteOffset/byteLength with it.
 * Slabs and large copies come from malloc without zero-filling (Buffer.allocUnsafeSlow), like Buffer.allocUnsafe:
 * every byte a copy covers is written before it is returned, but the not yet handed out rest of the current slab
 * holds whatever this process's allocator left there, visible through `copy.buffer`. The results are plain
 * Uint8Arrays over that memory, never Buffers.
 */

const SLAB_BYTES = 256 * 1024;
const MAX_SLAB_COPY = 4 * 1024;
const MAX_HEAP_COPY = 64;

function unzeroed(bytes: number): ArrayBuffer {
  // allocUnsafeSlow never uses the shared pool: the Buffer covers its own ArrayBuffer exactly.
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

let slab = unzeroed(SLAB_BYTES);
let slabBytes = new Uint8Array(slab);
let used = 0;

/** A copy of bytes [p, p + len) of `src` (a wasm memory's buffer). */
export function copyOut(src: ArrayBuffer, p: number, len: number): Uint8Array {
  if (len <= MAX_HEAP_COPY) {
    const out = new Uint8Array(len);
    if (len !== 0) out.set(new Uint8Array(src, p, len));
    return out;
  }
  if (len > MAX_SLAB_COPY) {
    const own = new Uint8Array(unzeroed(len), 0, len);
    own.set(new Uint8Array(src, p, len));
    return own;
  }
  if (used + len > SLAB_BYTES) {
    slab = unzeroed(SLAB_BYTES);
    slabBytes = new Uint8Array(slab);
    used = 0;
  }
  const at = used;
  slabBytes.set(new Uint8Array(src, p, len), at);
  used = (at + len + 7) & ~7;
  return new Uint8Array(slab, at, len);
}
