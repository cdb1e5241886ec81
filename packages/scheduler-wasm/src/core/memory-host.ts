/**
 * Memory the core table lives in: a plain ArrayBuffer for the TS twin, the module's linear memory for WASM.
 * The table keeps its own copy of everything it must preserve across a re-layout, so `ensure` may hand back a
 * fresh buffer with undefined contents.
 */
export interface MemoryHost {
  /** The current buffer; typed-array views must be re-created after `ensure` (WASM growth detaches them). */
  readonly buffer: ArrayBuffer;
  /** Byte offset where the table may start; anything below belongs to the host (the WASM module's own data). */
  readonly base: number;
  /** Makes at least `bytes` bytes usable from `base`. */
  ensure(bytes: number): void;
}

/** The TS twin's memory: one ArrayBuffer, replaced by a bigger one when the table grows. */
export class HeapMemory implements MemoryHost {
  readonly base = 0;
  private buf = new ArrayBuffer(0);

  get buffer(): ArrayBuffer {
    return this.buf;
  }

  ensure(bytes: number): void {
    if (bytes > this.buf.byteLength) this.buf = new ArrayBuffer(bytes);
  }
}
