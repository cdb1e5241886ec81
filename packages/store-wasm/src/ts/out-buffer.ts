import { keyStringBytes } from './key-string.js';

/**
 * Byte arrays handed to callers (keys and values in results). Each result owns its bytes (writing to them cannot
 * touch the store), but small ones are carved out of a shared 64 KiB chunk, as Node's Buffer pool does: a fresh
 * Uint8Array with its own backing store costs 1-2 us in Node 20, a view into a chunk a few tens of ns.
 *
 * The cost is retention: a chunk stays alive while any view into it does. Arrays over 4 KiB get their own buffer
 * so a kept large value never pins a chunk.
 */

const latin1Write = (Buffer.prototype as unknown as { latin1Write(this: Uint8Array, s: string, at: number, len: number): number })
  .latin1Write;

const CHUNK_BYTES = 64 * 1024;
const OWN_BUFFER = 4 * 1024;

/** The zero-length array results share: it has no bytes to write to. */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

export class OutBuffer {
  private chunk = new Uint8Array(CHUNK_BYTES);
  private used = 0;

  /** A caller-owned array of the bytes of a latin1 string (key-string.ts). */
  latin1(id: string): Uint8Array {
    const len = id.length;
    if (len === 0) return EMPTY_BYTES;
    if (len > OWN_BUFFER) return keyStringBytes(id);
    const at = this.reserve(len);
    latin1Write.call(this.chunk, id, at, len);
    return this.chunk.subarray(at, at + len);
  }

  /** A caller-owned copy of src[start, end). */
  copy(src: Uint8Array, start: number, end: number): Uint8Array {
    const len = end - start;
    if (len === 0) return EMPTY_BYTES;
    if (len > OWN_BUFFER) return src.slice(start, end);
    const at = this.reserve(len);
    const chunk = this.chunk;
    if (len <= 16) {
      // Short keys: a loop beats creating the subarray that set() needs.
      for (let i = 0; i < len; i++) chunk[at + i] = src[start + i]!;
    } else {
      chunk.set(start === 0 && end === src.length ? src : src.subarray(start, end), at);
    }
    return chunk.subarray(at, at + len);
  }

  /** Room for len bytes in the current chunk (starting a new one if needed); returns where. */
  private reserve(len: number): number {
    if (this.used + len > CHUNK_BYTES) {
      this.chunk = new Uint8Array(CHUNK_BYTES);
      this.used = 0;
    }
    const at = this.used;
    this.used = at + len;
    return at;
  }
}
