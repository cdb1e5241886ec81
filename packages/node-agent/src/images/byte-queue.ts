/**
 * Exact-length reads over an async stream of chunks (a file or decompressor stream), without copying chunks that
 * can be handed on whole. The tar reader is its only user.
 */
export class ByteQueue {
  private readonly iterator: AsyncIterator<Buffer | Uint8Array | string>;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private done = false;

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(min: number): Promise<void> {
    while (this.buffered < min && !this.done) {
      const next = await this.iterator.next();
      if (next.done) {
        this.done = true;
        break;
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
      if (chunk.length === 0) continue;
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
  }

  /** Exactly `n` bytes, or fewer only when the stream ended first. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const take = Math.min(n, this.buffered);
    const out = Buffer.allocUnsafe(take);
    let offset = 0;
    while (offset < take) {
      const head = this.chunks[0];
      const want = take - offset;
      if (head.length <= want) {
        head.copy(out, offset);
        offset += head.length;
        this.chunks.shift();
      } else {
        head.copy(out, offset, 0, want);
        this.chunks[0] = head.subarray(want);
        offset += want;
      }
    }
    this.buffered -= take;
    return out;
  }

  /** Up to `n` bytes as the chunks arrive; yields nothing more once the stream ends. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0) await this.fill(1);
      if (this.buffered === 0) return;
      const head = this.chunks[0];
      if (head.length <= left) {
        this.chunks.shift();
        this.buffered -= head.length;
        left -= head.length;
        yield head;
      } else {
        this.chunks[0] = head.subarray(left);
        this.buffered -= left;
        const part = head.subarray(0, left);
        left = 0;
        yield part;
      }
    }
  }

  /** Discards `n` bytes (or what is left); returns how many were discarded. */
  async skip(n: number): Promise<number> {
    let skipped = 0;
    for await (const chunk of this.stream(n)) skipped += chunk.length;
    return skipped;
  }

  /** Stops pulling from the source (lets a file stream close early). */
  async close(): Promise<void> {
    this.done = true;
    await this.iterator.return?.();
  }
}
