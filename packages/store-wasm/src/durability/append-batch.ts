import { FRAME_HEADER_BYTES, viewOf, writeFrameHeader } from './record-frame.js';

/** Payloads up to this size are copied next to their header (one iovec for many records); larger ones are not copied. */
const COPY_LIMIT = 16 * 1024;
const SLAB_BYTES = 64 * 1024;

const noop = (): void => undefined;
const EMPTY = new Uint8Array(0);

/**
 * The records that will go to disk in one write: framed into a few large slabs, so a batch of 64 records of 1 KiB
 * is two iovecs, not 128. Every record in a batch shares one promise: they become durable together, and callbacks
 * attached in append order run in append order, which is index order.
 */
export class AppendBatch {
  readonly chunks: Uint8Array[] = [];
  bytes = 0;
  count = 0;
  firstIndex = 0;
  private slab: Uint8Array = EMPTY;
  private slabView = viewOf(EMPTY);
  private slabStart = 0;
  private slabPos = 0;
  private settle?: { resolve: () => void; reject: (e: unknown) => void };
  private promise?: Promise<void>;

  /** Adds a record; returns the promise that settles when the batch does. */
  add(index: number, payload: Uint8Array): Promise<void> {
    if (this.count === 0) this.firstIndex = index;
    this.count++;
    const n = payload.byteLength;
    this.bytes += FRAME_HEADER_BYTES + n;
    const copy = n <= COPY_LIMIT;
    this.room(copy ? FRAME_HEADER_BYTES + n : FRAME_HEADER_BYTES);
    writeFrameHeader(this.slab, this.slabPos, payload, this.slabView);
    this.slabPos += FRAME_HEADER_BYTES;
    if (copy) {
      this.slab.set(payload, this.slabPos);
      this.slabPos += n;
    } else {
      this.cut();
      this.chunks.push(payload);
    }
    return this.durable();
  }

  /** The chunks to write, in order. The batch takes no more records after this. */
  seal(): Uint8Array[] {
    this.cut();
    this.slab = EMPTY;
    return this.chunks;
  }

  resolve(): void {
    this.settle?.resolve();
  }

  reject(err: unknown): void {
    this.settle?.reject(err);
  }

  private durable(): Promise<void> {
    if (!this.promise) {
      this.promise = new Promise<void>((resolve, reject) => {
        this.settle = { resolve, reject };
      });
      // Whoever appended handles the rejection; this keeps a failure from also surfacing as an unhandled one.
      this.promise.catch(noop);
    }
    return this.promise;
  }

  private room(bytes: number): void {
    if (this.slabPos + bytes <= this.slab.byteLength) return;
    this.cut();
    this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, bytes));
    this.slabView = viewOf(this.slab);
    this.slabStart = this.slabPos = 0;
  }

  /** Ends the current chunk of the slab; later records continue in the same slab as a new chunk. */
  private cut(): void {
    if (this.slabPos > this.slabStart) this.chunks.push(this.slab.subarray(this.slabStart, this.slabPos));
    this.slabStart = this.slabPos;
  }
}

