import type { ClientDuplexStream } from '@grpc/grpc-js';
import { compareBytes, isOpenEnded } from '../key-range.js';
import type { WatchEvent } from '../kv.js';
import type { StoreLogger, WatchListener, WatchOptions, Watcher } from '../store.js';
import { checkKey } from '../validate-request.js';
import { eventFromWire, revisionOf, wireRangeEnd } from './client-codec.js';
import { int64ToNumber } from './int64.js';
import type { LeaseAliases } from './lease-aliases.js';
import type { WireFilterType, WireWatchRequest, WireWatchResponse } from './wire.js';

interface ClientWatch {
  id: number;
  opts: WatchOptions;
  listener: WatchListener;
  /** The first revision not yet delivered; 0 until the server has told us its revision at creation. */
  next: number;
  /** The create request is on its way and not yet answered. */
  creating: boolean;
  unexpectedCancels: number;
  /** Events of a fragmented response, gathered until its last fragment. */
  fragments: WatchEvent[];
}

/** A watch the server cancels on its own (not compaction, not asked) is created again at most this often. */
const MAX_UNEXPECTED_CANCELS = 5;

export interface WatchMuxOptions {
  /** Opens a new Watch stream. */
  open(): ClientDuplexStream<WireWatchRequest, WireWatchResponse>;
  leases: LeaseAliases;
  /** The newest revision the client has seen in any response; 0 if none yet. */
  seenRevision(): number;
  logger: StoreLogger;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/**
 * Every watch of one client over one bidirectional Watch stream, as clientv3 does. Watch ids are chosen here
 * (etcd 3.4 accepts client-chosen ids), so responses route by id without guessing.
 *
 * When the stream breaks, it is reopened with backoff and every watch is created again from the first revision it
 * has not delivered, so a listener sees each change exactly once, in order, across reconnects. If that revision
 * has been compacted meanwhile, the listener gets onCompacted, as it would have from the embedded store.
 */
export class WatchMux {
  private readonly watches = new Map<number, ClientWatch>();
  private stream: ClientDuplexStream<WireWatchRequest, WireWatchResponse> | undefined;
  private nextId = 1;
  private creating = 0;
  private readonly createWaiters: (() => void)[] = [];
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: WatchMuxOptions) {
    this.retryMs = opts.reconnectMinMs;
  }

  watch(opts: WatchOptions, listener: WatchListener): Watcher {
    checkKey(opts.key);
    const id = this.nextId++;
    // A range that holds no key can never fire; the embedded store accepts it silently, so do the same.
    const end = opts.rangeEnd;
    if (end && end.length > 0 && !isOpenEnded(end) && compareBytes(opts.key, end) >= 0) return { id, cancel: () => {} };
    const next = opts.startRevision !== undefined && opts.startRevision > 0 ? opts.startRevision : 0;
    const w: ClientWatch = { id, opts, listener, next, creating: false, unexpectedCancels: 0, fragments: [] };
    this.watches.set(id, w);
    if (this.stream) this.sendCreate(w);
    else this.connect();
    return { id, cancel: () => this.cancel(id) };
  }

  private cancel(id: number): void {
    const w = this.watches.get(id);
    if (!w) return;
    this.created(w);
    this.watches.delete(id);
    this.stream?.write({ cancel_request: { watch_id: id } });
    if (this.watches.size === 0) this.dropStream();
  }

  /**
   * Resolves once every watch asked for so far has been created by the server. The client holds its writes behind
   * this, so a write made after watch() returned is seen by that watch, as with the embedded store (otherwise the
   * write could overtake the create request and land before the watch's start).
   */
  whenCreated(): Promise<void> {
    if (this.creating === 0) return Promise.resolve();
    return new Promise((resolve) => this.createWaiters.push(resolve));
  }

  get pendingCreates(): number {
    return this.creating;
  }

  private created(w: ClientWatch): void {
    if (!w.creating) return;
    w.creating = false;
    this.creating--;
    if (this.creating === 0) for (const done of this.createWaiters.splice(0)) done();
  }

  private sendCreate(w: ClientWatch): void {
    if (!w.creating) {
      w.creating = true;
      this.creating++;
    }
    const filters: WireFilterType[] = [];
    if (w.opts.noPut) filters.push('NOPUT');
    if (w.opts.noDelete) filters.push('NODELETE');
    this.stream!.write({
      create_request: {
        key: w.opts.key,
        range_end: wireRangeEnd(w.opts.rangeEnd),
        start_revision: w.next,
        prev_kv: w.opts.prevKv === true,
        filters,
        watch_id: w.id,
        fragment: true,
      },
    });
  }

  private connect(): void {
    if (this.closed || this.stream || this.watches.size === 0) return;
    const stream = this.opts.open();
    this.stream = stream;
    stream.on('data', (res: WireWatchResponse) => this.onResponse(res));
    stream.on('error', (err) => this.onBroken(stream, err));
    stream.on('end', () => this.onBroken(stream, undefined));
    for (const w of this.watches.values()) this.sendCreate(w);
  }

  private onResponse(res: WireWatchResponse): void {
    this.retryMs = this.opts.reconnectMinMs;
    const w = this.watches.get(int64ToNumber(res.watch_id));
    if (!w) return; // a progress response (id -1), or a watch canceled meanwhile
    const compactRevision = int64ToNumber(res.compact_revision);
    if (res.created || res.canceled) this.created(w);
    if (compactRevision !== 0) {
      this.watches.delete(w.id);
      w.listener.onCompacted(compactRevision);
      return;
    }
    if (res.created) {
      if (res.canceled) {
        this.watches.delete(w.id);
        this.opts.logger.error({ watch: w.id, reason: res.cancel_reason }, 'the server refused a watch');
        return;
      }
      if (w.next === 0) w.next = revisionOf(res.header) + 1;
      return;
    }
    if (res.canceled) {
      // Not asked for by us (we forget a watch before canceling it): create it again where it stopped, a few times.
      if (++w.unexpectedCancels > MAX_UNEXPECTED_CANCELS) {
        this.watches.delete(w.id);
        this.opts.logger.error({ watch: w.id, reason: res.cancel_reason }, 'the server keeps canceling a watch; giving up on it');
        return;
      }
      this.sendCreate(w);
      return;
    }
    const events = (res.events ?? []).map((e) => eventFromWire(e, this.opts.leases));
    if (res.fragment) {
      w.fragments.push(...events);
      return;
    }
    const all = w.fragments.length > 0 ? [...w.fragments.splice(0), ...events] : events;
    if (all.length === 0) return;
    w.next = all[all.length - 1]!.kv.modRevision + 1;
    w.listener.onEvents(all, revisionOf(res.header));
  }

  private onBroken(stream: ClientDuplexStream<WireWatchRequest, WireWatchResponse>, err: Error | undefined): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    const seen = this.opts.seenRevision();
    for (const w of this.watches.values()) {
      w.fragments.length = 0;
      // Never created: resume after what this client has seen acknowledged, so none of its writes is missed.
      if (w.next === 0 && seen > 0) w.next = seen + 1;
      this.created(w);
    }
    if (this.closed || this.watches.size === 0) return;
    this.opts.logger.warn({ err: err?.message, watches: this.watches.size, retryMs: this.retryMs }, 'watch stream broke; reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, this.opts.reconnectMaxMs);
  }

  private dropStream(): void {
    const s = this.stream;
    this.stream = undefined;
    if (s) {
      s.end();
      s.cancel();
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const w of this.watches.values()) this.created(w);
    this.watches.clear();
    this.dropStream();
  }
}
