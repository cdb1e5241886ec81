/**
 * Copies of bytes out of linear memory, for the keys and values results hand to callers.
 *
 * A result must own its bytes (linear memory is rewritten and can grow under it), so every key and value is
 * copied. In Node 20 a Uint8Array over 64 bytes gets its own off-heap backing store, and allocating one costs
 * ~1-2 us on our machines, several times the cost of the copy itself. So copies of up to 4 KiB are carved from a
 * shared 64 KiB slab, as Node's own Buffer pool does for small buffers: each copy is a Uint8Array over its own
 * bytes of the slab, written once and never reused, so no two results share bytes. Larger copies get their own
 * buffer; copies of up to 64 bytes live on V8's heap, which is cheaper than either.
 *
 * The trade-off, as with Buffer's pool: a small copy kept alive keeps its slab alive (at most 64 KiB for any
 * number of copies from it), and `copy.buffer` is the slab, so callers must use byteOffset/byteLength with it.
 *
 * A larger copy takes its memory from malloc without zero-filling it (Buffer.allocUnsafeSlow: about a quarter of
 * the cost for a 100 KiB range result), which exposes nothing because every byte is overwritten before the
 * copy is returned. The result is a plain Uint8Array over that memory, never a Buffer.
 */

const SLAB_BYTES = 64 * 1024;
const MAX_SLAB_COPY = 4 * 1024;
const MAX_HEAP_COPY = 64;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A copy of src[p, p + len). */
export function copyOut(src: Uint8Array, p: number, len: number): Uint8Array {
  if (len <= MAX_HEAP_COPY) {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = src[p + i]!;
    return out;
  }
  if (len > MAX_SLAB_COPY) {
    const own = new Uint8Array(Buffer.allocUnsafeSlow(len).buffer, 0, len);
    own.set(src.subarray(p, p + len));
    return own;
  }
  if (used + len > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const out = new Uint8Array(slab, used, len);
  out.set(src.subarray(p, p + len));
  used = (used + len + 7) & ~7;
  return out;
}
