/**
 * The outgoing side of one watch response. Event lines are queued as they are dispatched and leave once per turn
 * of the event loop, as a single HTTP chunk written straight to the socket:
 *
 *   turn: ev 41, ev 42, ev 43 dispatched to 1,000 watchers   ->   setImmediate: per watcher, one write of
 *         "3a7\r\n" + line41 + line42 + line43 + "\r\n"
 *
 * Watchers that were sent the same lines in a turn (every watcher of a namespace without a selector, typically)
 * share one framed Buffer: the chunk is built once per distinct sequence, not once per watcher. Writing the chunk
 * framing ourselves is what makes that possible; Node's response would frame (and copy) each write per watcher.
 *
 * What a flush costs is one write syscall per watcher, nearly regardless of size (on loopback, a 32 KiB write
 * costs about what a 2 KiB one does), so flushes are spaced out when they are big: the next one waits until the
 * writes of the last one average out to at most WRITES_PER_SECOND, and at least twice as long as the last one
 * took, but never more than MAX_FLUSH_GAP_MS. A handful of watchers flush at once; a thousand watchers under a
 * stream of changes get several events per write instead of one write per event, and flushing takes at most
 * about a third of the event loop.
 *
 * A watcher whose connection holds more than `maxBufferedBytes` unsent is too slow: it is sent nothing more and
 * reported through `onTooSlow`, so one stalled client neither grows memory without bound nor holds up the rest.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface WatchWriterOptions {
  /** Unsent bytes the connection may hold (beyond what the first flush carried) before the watcher is too slow. */
  maxBufferedBytes: number;
  /** Called once, after the writer stopped accepting lines because the client does not keep up. */
  onTooSlow(buffered: number): void;
}

const CRLF = 0x0d0a;
/** Candidate chunks kept per first line: bounds the search when many watchers differ after a common start. */
const MAX_CANDIDATES = 8;
/** The wait after a flush, as a multiple of what the flush took. */
const FLUSH_GAP_FACTOR = 2;
/** Socket writes per second that flushing aims to stay under (each costs several microseconds of kernel time). */
const WRITES_PER_SECOND = 20_000;
/** The longest a line waits for its flush because of spacing. */
const MAX_FLUSH_GAP_MS = 50;

/** Builds one HTTP chunk holding `items`: hex length, CRLF, the bytes, CRLF. */
export function frameChunk(items: readonly Buffer[]): Buffer {
  let size = 0;
  for (const b of items) size += b.length;
  const head = `${size.toString(16)}\r\n`;
  const out = Buffer.allocUnsafe(head.length + size + 2);
  let at = out.write(head, 0, 'latin1');
  for (const b of items) at += b.copy(out, at);
  out.writeUInt16BE(CRLF, at);
  return out;
}

/** Chunks built during one flush, found again by the exact sequence of lines they hold. */
export class SharedChunks {
  private readonly byFirst = new Map<Buffer, { items: Buffer[]; chunk: Buffer }[]>();

  chunkFor(items: Buffer[]): Buffer {
    const first = items[0]!;
    let candidates = this.byFirst.get(first);
    if (candidates) {
      for (const c of candidates) if (sameLines(c.items, items)) return c.chunk;
    } else this.byFirst.set(first, (candidates = []));
    const chunk = frameChunk(items);
    if (candidates.length < MAX_CANDIDATES) candidates.push({ items, chunk });
    return chunk;
  }
}

function sameLines(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const queued: WatchWriter[] = [];
let scheduled = false;
/** When the last flush ended, and how long it took (performance.now() ms). */
let lastFlushEnd = 0;
/** The least time between the last flush and the next, from how long it took and how many writes it made. */
let nextGap = 0;

function schedule(w: WatchWriter): void {
  queued.push(w);
  if (scheduled) return;
  scheduled = true;
  const wait = lastFlushEnd + nextGap - performance.now();
  // setImmediate: after this turn's I/O callbacks, so every change applied in the turn goes in one chunk.
  if (wait < 1) setImmediate(flushAll);
  else setTimeout(flushAll, wait);
}

/** Flushes every writer with queued lines now, without waiting for the scheduled flush (tests, shutdown). */
export function flushWatchWrites(): void {
  flushAll();
}

function flushAll(): void {
  scheduled = false;
  const started = performance.now();
  const shared = new SharedChunks();
  // By index: a flush may queue more (a too-slow watcher ending), and those are flushed in this pass too.
  const writes = queued.length;
  for (let i = 0; i < queued.length; i++) queued[i]!.flush(shared);
  queued.length = 0;
  lastFlushEnd = performance.now();
  nextGap = Math.min(MAX_FLUSH_GAP_MS, Math.max((lastFlushEnd - started) * FLUSH_GAP_FACTOR, (writes * 1000) / WRITES_PER_SECOND));
}

export class WatchWriter {
  private pending: Buffer[] = [];
  private closed = false;
  /** Set once the first flush went out: how much it carried may stay buffered without counting as slow. */
  private allowance = -1;
  /** The socket, when lines can be written to it directly (headers sent on it, chunked framing ours to do). */
  private readonly socket: Socket | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: WatchWriterOptions,
  ) {
    // A response waiting behind another on a pipelined connection has no socket yet: let Node order the writes.
    this.socket = res.headersSent && res.socket && res.chunkedEncoding ? res.socket : undefined;
  }

  /** Whether the writer still accepts lines. */
  get open(): boolean {
    return !this.closed;
  }

  /** Queues a line for the end of this turn. */
  push(line: Buffer): void {
    if (this.closed) return;
    if (this.pending.length === 0) schedule(this);
    this.pending.push(line);
  }

  /** Writes the queued lines now, as one chunk (shared with other watchers sent the same lines, if given). */
  flush(shared?: SharedChunks): void {
    const items = this.pending;
    if (items.length === 0 || this.closed) return;
    this.pending = [];
    let buffered: number;
    if (this.socket) {
      if (this.socket.destroyed) return;
      this.socket.write(shared ? shared.chunkFor(items) : frameChunk(items));
      buffered = this.socket.writableLength;
    } else {
      this.res.write(items.length === 1 ? items[0]! : Buffer.concat(items));
      buffered = this.res.writableLength;
    }
    if (this.allowance < 0) this.allowance = buffered;
    else if (buffered > this.allowance + this.opts.maxBufferedBytes) {
      this.closed = true;
      this.opts.onTooSlow(buffered);
    }
  }

  /** Flushes what is queued and ends the response; nothing more is accepted. */
  end(): void {
    this.flush();
    this.closed = true;
    this.pending = [];
    if (!this.res.writableEnded) this.res.end();
  }

  /** Ends the response without sending what is queued (the watcher is being dropped). */
  abandon(): void {
    this.closed = true;
    this.pending = [];
    if (!this.res.writableEnded) this.res.end();
  }
}
