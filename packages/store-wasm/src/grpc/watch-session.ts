import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import { compareBytes, isOpenEnded } from '../key-range.js';
import type { WatchEvent } from '../kv.js';
import type { Watcher } from '../store.js';
import { ApiError, statusOf } from './grpc-errors.js';
import { int64ToNumber } from './int64.js';
import { eventToWire, rangeEndOf } from './kv-codec.js';
import { eventElementSize, fragmentEvents, watchResponseBaseSize, type HeaderIds } from './wire-size.js';
import { headerOf } from './response-header.js';
import { currentRevision, GRPC_OVERHEAD_BYTES, type ServiceContext } from './service-context.js';
import type { WireWatchCreateRequest, WireWatchRequest, WireWatchResponse } from './wire.js';

interface ServedWatch {
  id: number;
  watcher: Watcher;
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  noPut: boolean;
  noDelete: boolean;
  start: number;
  progressNotify: boolean;
  fragment: boolean;
  /** Every event of this watch up to this revision has been handed to the stream. */
  settled: number;
  /** Events went out since the last progress tick (etcd then skips that tick's notification). */
  sentSinceTick: boolean;
}

/** etcd's mvcc messages for a watch that cannot be created. */
const EMPTY_RANGE = 'mvcc: watcher range is empty';
const DUPLICATE_ID = 'mvcc: duplicate watch ID provided on the WatchStream';

/** How many history events one progress check reads at a time. */
const SETTLE_CHUNK = 256;

export interface WatchSessionOptions {
  /** A client that reads slower than this many response bytes pile up loses its stream (it can resume). */
  maxQueuedBytes: number;
}

/**
 * One Watch stream: many watches multiplexed by id, as etcd's serverWatchStream. A created response always goes
 * out before any event of its watch (the store delivers events asynchronously, after watch() returns).
 */
export class WatchSession {
  private readonly watches = new Map<number, ServedWatch>();
  /** etcd hands out automatic ids from 0 upwards, skipping ids in use. */
  private nextId = 0;
  private queuedBytes = 0;
  private closed = false;

  constructor(
    private readonly call: ServerDuplexStream<WireWatchRequest, WireWatchResponse>,
    private readonly ctx: ServiceContext,
    private readonly opts: WatchSessionOptions,
    private readonly onClosed: (s: WatchSession) => void,
  ) {
    call.on('data', (req: WireWatchRequest) => this.handle(req));
    call.on('end', () => this.end());
    call.on('error', () => this.close());
    call.on('cancelled', () => this.close());
  }

  get size(): number {
    return this.watches.size;
  }

  private current(): number {
    return currentRevision(this.ctx.store);
  }

  handle(req: WireWatchRequest): void {
    if (this.closed) return;
    try {
      switch (req.request_union) {
        case 'create_request':
          this.create(req.create_request ?? {});
          break;
        case 'cancel_request':
          this.cancel(int64ToNumber(req.cancel_request?.watch_id));
          break;
        case 'progress_request':
          this.send({ header: headerOf(this.ctx.identity, this.settledAll()), watch_id: -1 }, 0);
          break;
        default:
          // etcd ignores requests it does not understand rather than dropping every watch on the stream.
          this.ctx.logger.debug({}, 'watch request with nothing set ignored');
      }
    } catch (err) {
      this.ctx.logger.error({ err }, 'watch request failed unexpectedly');
      this.fail(err);
    }
  }

  private refuse(reason: string): void {
    this.send({ header: headerOf(this.ctx.identity, this.current()), watch_id: -1, created: true, canceled: true, cancel_reason: reason }, 0);
  }

  private create(c: WireWatchCreateRequest): void {
    // As etcd: an empty key means the smallest key, "\0".
    const key = c.key && c.key.length > 0 ? c.key : new Uint8Array([0]);
    const rangeEnd = rangeEndOf(c.range_end);
    if (rangeEnd && !isOpenEnded(rangeEnd) && compareBytes(key, rangeEnd) >= 0) return this.refuse(EMPTY_RANGE);
    let id = int64ToNumber(c.watch_id);
    if (!Number.isSafeInteger(id)) return this.refuse(`watch id ${String(c.watch_id)} is beyond 2^53`);
    if (id === 0) {
      while (this.watches.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    } else if (this.watches.has(id)) return this.refuse(DUPLICATE_ID);

    const filters = (c.filters ?? []).map(String);
    const noPut = filters.includes('NOPUT');
    const noDelete = filters.includes('NODELETE');
    const current = this.current();
    const requested = int64ToNumber(c.start_revision);
    const start = requested > 0 ? requested : current + 1;
    const w: ServedWatch = {
      id,
      key,
      rangeEnd,
      noPut,
      noDelete,
      start,
      progressNotify: c.progress_notify === true,
      fragment: c.fragment === true,
      settled: start - 1,
      sentSinceTick: false,
      watcher: { id: -1, cancel: () => {} },
    };
    try {
      w.watcher = this.ctx.store.watch(
        { key, rangeEnd, startRevision: start, prevKv: c.prev_kv === true, noPut, noDelete },
        {
          onEvents: (events, revision) => this.deliver(w, events, revision),
          onCompacted: (compactRevision) => this.compacted(w, compactRevision),
        },
      );
    } catch (err) {
      return this.refuse(err instanceof Error ? err.message : String(err));
    }
    this.watches.set(id, w);
    this.send({ header: headerOf(this.ctx.identity, current), watch_id: id, created: true }, 0);
  }

  private cancel(id: number): void {
    const w = this.watches.get(id);
    if (!w) return; // etcd 3.4 answers nothing for an unknown id
    w.watcher.cancel();
    this.watches.delete(id);
    this.send({ header: headerOf(this.ctx.identity, this.current()), watch_id: id, canceled: true }, 0);
  }

  private deliver(w: ServedWatch, events: WatchEvent[], revision: number): void {
    if (this.closed || this.watches.get(w.id) !== w || events.length === 0) return;
    w.settled = Math.max(w.settled, events[events.length - 1]!.kv.modRevision);
    w.sentSinceTick = true;
    const header = headerOf(this.ctx.identity, revision);
    const sizes = events.map(eventElementSize);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (!w.fragment) {
      this.send({ header, watch_id: w.id, events: events.map(eventToWire) }, total);
      return;
    }
    // Split exactly where etcd splits: encoded sizes against the request limit plus gRPC overhead (etcd's watch
    // server bound); the last part is unflagged.
    const ids = this.headerIds();
    const parts = fragmentEvents(
      events,
      sizes,
      watchResponseBaseSize(ids, revision, w.id, false),
      watchResponseBaseSize(ids, revision, w.id, true),
      this.ctx.maxRequestBytes + GRPC_OVERHEAD_BYTES,
    );
    let at = 0;
    parts.forEach((part, i) => {
      const bytes = sizes.slice(at, at + part.length).reduce((a, b) => a + b, 0);
      at += part.length;
      this.send({ header, watch_id: w.id, events: part.map(eventToWire), fragment: i < parts.length - 1 }, bytes);
    });
  }

  private headerIds(): HeaderIds {
    const { clusterId, memberId, raftTerm } = this.ctx.identity;
    return { clusterId: BigInt(clusterId), memberId: BigInt(memberId), raftTerm };
  }

  private compacted(w: ServedWatch, compactRevision: number): void {
    if (this.closed || this.watches.get(w.id) !== w) return;
    this.watches.delete(w.id);
    // etcd leaves the header revision of this response at 0.
    this.send({ header: headerOf(this.ctx.identity, 0), watch_id: w.id, canceled: true, compact_revision: compactRevision }, 0);
  }

  /** Periodic progress: to watches that asked, are fully caught up, and got no events since the last tick. */
  progressTick(): void {
    if (this.closed) return;
    const current = this.current();
    for (const w of this.watches.values()) {
      if (w.progressNotify && !w.sentSinceTick && this.settle(w, current) >= current) {
        this.send({ header: headerOf(this.ctx.identity, current), watch_id: w.id }, 0);
      }
      w.sentSinceTick = false;
    }
  }

  /** The revision up to which every watch on this stream has been handed all its events. */
  private settledAll(): number {
    const current = this.current();
    let rev = current;
    for (const w of this.watches.values()) rev = Math.min(rev, this.settle(w, current));
    return rev;
  }

  /**
   * How far a watch is known to be delivered. A watch still catching up from history may have events pending; look
   * in the history for the first one it has not been sent. Nothing pending up to `current` means settled there.
   */
  private settle(w: ServedWatch, current: number): number {
    if (w.settled >= current) return current;
    const engine = this.ctx.store.engine;
    let from = Math.max(w.settled + 1, engine.compactRevision());
    while (from <= current) {
      const events = engine.changes(from, current, { key: w.key, rangeEnd: w.rangeEnd, limit: SETTLE_CHUNK });
      for (const ev of events) {
        if (ev.type === 'PUT' ? w.noPut : w.noDelete) continue;
        if (ev.kv.modRevision > w.settled) return ev.kv.modRevision - 1;
      }
      if (events.length < SETTLE_CHUNK) break;
      from = events[events.length - 1]!.kv.modRevision + 1;
    }
    w.settled = current;
    return current;
  }

  private send(res: WireWatchResponse, bytes: number): void {
    if (this.closed) return;
    this.queuedBytes += bytes;
    this.call.write(res, () => {
      this.queuedBytes -= bytes;
    });
    if (this.queuedBytes > this.opts.maxQueuedBytes) {
      this.fail(new ApiError(status.RESOURCE_EXHAUSTED, `etcdserver: watch stream closed: the client fell ${this.queuedBytes} bytes behind`));
    }
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.close();
    this.call.emit('error', statusOf(err));
  }

  /** The client finished sending: end the stream once what is queued has gone out. */
  end(): void {
    if (this.closed) return;
    this.close();
    this.call.end();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watches.values()) w.watcher.cancel();
    this.watches.clear();
    this.onClosed(this);
  }
}
