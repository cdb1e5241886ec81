import { StoreError } from '../errors.js';
import type { FsyncMode, StoreLogger } from '../store.js';
import { AppendBatch } from './append-batch.js';
import { diskFailure } from './durability-errors.js';
import type { DurableFs } from './durable-fs.js';
import { MAX_FRAME_PAYLOAD } from './record-frame.js';
import type { OpenSegment } from './segment-files.js';

/**
 * Batches up to this size are written with a synchronous writev: copying ~100 KiB into the page cache takes tens of
 * microseconds, less than the hop to libuv's thread pool and back, and that hop sits on every write's latency (and
 * so on throughput, which is writers in flight / latency). Larger batches are written off the main thread.
 */
const SYNC_WRITE_MAX_BYTES = 256 * 1024;

export interface AppendPipelineOptions {
  fs: DurableFs;
  fsync: FsyncMode;
  batchIntervalMs: number;
  /** A segment is closed and a new one started once it has grown to this many bytes. */
  segmentBytes: number;
  /** The segment appends go to first. */
  segment: OpenSegment;
  /** Index the next append gets. */
  nextIndex: number;
  /** Creates (durably) the segment whose first record is `firstIndex`. */
  createSegment(firstIndex: number): Promise<OpenSegment>;
  logger?: StoreLogger;
}

/**
 * Group commit. Appends accumulate in an open batch while the previous batch is being written; when that write (and
 * in 'always' mode its fdatasync) finishes, the whole open batch goes out as one writev followed by one fdatasync.
 * Under load the batch grows to the number of writers in flight, so fsyncs per record fall as concurrency rises.
 *
 *   'always'  resolve after writev + fdatasync
 *   'batch'   resolve after writev; fdatasync every batchIntervalMs if anything was written since the last one
 *   'none'    resolve after writev; never fdatasync (segment creation is still made durable)
 *
 * Batches are written strictly one after another and resolved in order, so promises resolve in index order.
 * A disk error fails the batch being written, everything still open, and every later append, with the same typed
 * error: the store then applies none of them. The failed batch is truncated away when the disk allows, so records
 * that were refused do not come back at the next start.
 */
export class AppendPipeline {
  private open = new AppendBatch();
  private segment: OpenSegment;
  private nextIndex: number;
  private running = false;
  private scheduled = false;
  private unsynced = false;
  private syncDue = false;
  private rollRequested = false;
  private closed = false;
  private failure?: StoreError;
  private failed?: Promise<void>;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly timer?: NodeJS.Timeout;
  /** Counters for status and tests. */
  readonly stats = { batches: 0, records: 0, syncs: 0 };

  constructor(private readonly opts: AppendPipelineOptions) {
    this.segment = opts.segment;
    this.nextIndex = opts.nextIndex;
    if (opts.fsync === 'batch') {
      this.timer = setInterval(() => {
        if (!this.unsynced) return;
        this.syncDue = true;
        this.kick();
      }, opts.batchIntervalMs);
      this.timer.unref();
    }
  }

  append(payload: Uint8Array): { index: number; durable: Promise<void> } {
    if (payload.byteLength === 0 || payload.byteLength > MAX_FRAME_PAYLOAD) {
      throw new StoreError('InvalidArgument', `log record of ${payload.byteLength} bytes: must be 1..${MAX_FRAME_PAYLOAD}`);
    }
    const index = this.nextIndex++;
    if (this.failed) return { index, durable: this.failed };
    if (this.closed) return { index, durable: Promise.reject(new StoreError('Closed', 'the write-ahead log is closed')) };
    const durable = this.open.add(index, payload);
    this.kick();
    return { index, durable };
  }

  /** The next batch starts a new segment (after a snapshot, so the old ones become wholly covered). */
  requestRoll(): void {
    this.rollRequested = true;
  }

  get error(): StoreError | undefined {
    return this.failure;
  }

  /** Writes what is open, makes it durable unless fsync is 'none', and closes the segment. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.kick();
    await this.idle();
    if (!this.failure && this.unsynced && this.opts.fsync !== 'none') {
      await this.opts.fs.fdatasync(this.segment.fd).catch((e) => this.opts.logger?.error({ err: e, file: this.segment.info.file }, 'final log fsync failed'));
    }
    await this.opts.fs.close(this.segment.fd).catch(() => undefined);
  }

  private idle(): Promise<void> {
    if (!this.running && !this.scheduled) return Promise.resolve();
    return new Promise((done) => this.idleWaiters.push(done));
  }

  /** Starts the writer on the next microtask, so appends made in the same tick share the first batch too. */
  private kick(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.failure) {
        // A due sync goes first: under steady load there is always an open batch, and 'batch' mode must still sync.
        if (this.syncDue) {
          this.syncDue = false;
          if (this.unsynced) await this.sync().catch((e) => this.fail(e, 'fsync', undefined));
        } else if (this.open.count > 0) {
          const batch = this.open;
          this.open = new AppendBatch();
          await this.write(batch);
        } else {
          break;
        }
      }
    } finally {
      this.running = false;
      for (const done of this.idleWaiters.splice(0)) done();
    }
  }

  private async write(batch: AppendBatch): Promise<void> {
    let start = -1;
    try {
      if ((this.rollRequested || this.segment.info.bytes >= this.opts.segmentBytes) && this.segmentHasRecords(batch)) {
        await this.roll(batch.firstIndex);
      }
      this.rollRequested = false;
      start = this.segment.info.bytes;
      const chunks = batch.seal();
      const inline = batch.bytes <= SYNC_WRITE_MAX_BYTES;
      const wrote = inline ? this.opts.fs.writevSync(this.segment.fd, chunks, start) : await this.opts.fs.writev(this.segment.fd, chunks, start);
      this.segment.info.bytes += wrote;
      this.unsynced = true;
      if (wrote !== batch.bytes) throw Object.assign(new Error(`short write: ${wrote} of ${batch.bytes} bytes`), { code: 'EIO' });
      if (this.opts.fsync === 'always') await this.sync();
      // Without an fsync nothing here waited on the event loop: writers resolved now would append again at once, and
      // a chain of promise callbacks would starve timers (the 'batch' sync) and incoming I/O. One turn per batch.
      else if (inline) await new Promise<void>((r) => setImmediate(r));
    } catch (e) {
      await this.fail(e, start < 0 ? 'rolling' : 'writing', batch, start);
      return;
    }
    this.stats.batches++;
    this.stats.records += batch.count;
    batch.resolve();
  }

  private segmentHasRecords(batch: AppendBatch): boolean {
    return batch.firstIndex > this.segment.info.firstIndex;
  }

  private async sync(): Promise<void> {
    await this.opts.fs.fdatasync(this.segment.fd);
    this.stats.syncs++;
    this.unsynced = false;
  }

  private async roll(firstIndex: number): Promise<void> {
    if (this.unsynced && this.opts.fsync !== 'none') await this.sync();
    const next = await this.opts.createSegment(firstIndex);
    const old = this.segment;
    this.segment = next;
    this.unsynced = false;
    await this.opts.fs.close(old.fd).catch(() => undefined);
    this.opts.logger?.debug({ closed: old.info.file, opened: next.info.file }, 'log segment rolled');
  }

  private async fail(err: unknown, action: string, batch: AppendBatch | undefined, start = -1): Promise<void> {
    const file = this.segment.info.file;
    this.failure = err instanceof StoreError ? err : diskFailure(err, file, `${action} log segment`);
    this.failed = Promise.reject(this.failure);
    this.failed.catch(() => undefined);
    this.opts.logger?.error({ err: this.failure, file }, 'write-ahead log failed; refusing every later write');
    if (start >= 0) {
      // Best effort: if the records of the failed batch stay on disk they would be replayed at the next start,
      // although their writers were told they failed.
      try {
        await this.opts.fs.ftruncate(this.segment.fd, start);
        this.segment.info.bytes = start;
      } catch (e) {
        this.opts.logger?.error({ err: e, file, offset: start }, 'could not cut the failed batch off the log; it may be replayed at restart');
      }
    }
    batch?.reject(this.failure);
    this.open.reject(this.failure);
  }
}
