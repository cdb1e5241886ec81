/**
 * The watch cache of one resource: the current objects and a ring of recent changes, fed by a single store watch
 * on the resource's key prefix. Watches are served from it (replaying from a resourceVersion when the ring still
 * holds it), and so are lists that accept any recent state (resourceVersion=0).
 *
 * History is complete for revisions above `oldestRevision`: the revision the cache was loaded at, raised as
 * events fall off the ring. A watch from below it gets 410 Expired.
 */
import { tooOldResourceVersion, type KubeObject, type ResourceDefinition, type Status } from '@skiff/api';
import { fromUtf8, prefixEnd, utf8, type Store, type StoreLogger, type WatchEvent, type Watcher } from '@skiff/store-wasm';
import { collectionPrefix, parseKey } from '../storage/keys.js';
import { StoredObject } from '../storage/resource-storage.js';
import { CacheEvent, type WatchEventType } from './cache-event.js';
import { EventRing } from './event-ring.js';

export interface WatchFilter {
  /** Only this namespace ('' or absent: all). */
  namespace?: string;
  /** Label and field selectors, compiled; absent matches everything. */
  matches?: (obj: KubeObject) => boolean;
}

/** Where a watch's events go. The cache calls these synchronously, in revision order. */
export interface WatchSink {
  event(type: WatchEventType, ev: CacheEvent): void;
  /** The watch cannot go on (too old, cache reset); the sink should end the stream after sending `status`. */
  error(status: Status): void;
}

export interface CacheWatcher {
  readonly id: number;
  stop(): void;
}

interface WatcherState {
  id: number;
  filter: WatchFilter;
  /** Events at or below this revision were already covered (replayed or listed). */
  after: number;
  sink: WatchSink;
}

export interface WatchCacheOptions {
  capacity: number;
  logger?: StoreLogger;
}

export class WatchCache {
  private readonly objects = new Map<string, StoredObject>();
  private readonly ring: EventRing;
  private readonly watchers = new Map<number, WatcherState>();
  private nextId = 1;
  private storeWatch: Watcher | undefined;
  private stopped = false;
  /** The newest revision the cache reflects. */
  revision = 0;
  /** Changes after this revision are all in the ring or still to come. */
  oldestRevision = 0;
  private readyResolve!: () => void;
  private readyPromise: Promise<void>;

  constructor(
    readonly def: ResourceDefinition,
    private readonly store: Store,
    private readonly opts: WatchCacheOptions,
  ) {
    this.ring = new EventRing(opts.capacity);
    this.readyPromise = new Promise((r) => (this.readyResolve = r));
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Loads every object, then follows the store from the revision it loaded at. */
  async start(): Promise<void> {
    const prefix = utf8(collectionPrefix(this.def));
    const res = await this.store.range(prefix, prefixEnd(prefix));
    this.objects.clear();
    this.ring.clear();
    for (const kv of res.kvs) this.objects.set(fromUtf8(kv.key), new StoredObject(kv.value, kv.modRevision));
    this.revision = res.revision;
    this.oldestRevision = res.revision;
    if (this.stopped) return;
    this.storeWatch = this.store.watch(
      { key: prefix, rangeEnd: prefixEnd(prefix), startRevision: res.revision + 1, prevKv: true },
      {
        onEvents: (events, revision) => this.apply(events, revision),
        onCompacted: () => this.reset('the store was compacted past the watch cache'),
      },
    );
    this.readyResolve();
  }

  stop(): void {
    this.stopped = true;
    this.storeWatch?.cancel();
    for (const w of [...this.watchers.values()]) w.sink.error(goneStatus('the server is shutting down'));
    this.watchers.clear();
  }

  /** The current object at `key`, as of `revision`. */
  getStored(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** Every current object accepted by the filter, sorted by key, and the revision they reflect. */
  list(filter: WatchFilter): { items: StoredObject[]; revision: number } {
    const prefix = filter.namespace ? collectionPrefix(this.def, filter.namespace) : undefined;
    const keys = [...this.objects.keys()].filter((k) => !prefix || k.startsWith(prefix)).sort();
    const items: StoredObject[] = [];
    for (const k of keys) {
      const s = this.objects.get(k)!;
      if (!filter.matches || filter.matches(s.obj)) items.push(s);
    }
    return { items, revision: this.revision };
  }

  /**
   * Starts a watch. `fromRv` undefined: synthetic ADDED events for the current objects first. Otherwise only
   * changes after `fromRv`, replayed from the ring; a `fromRv` the ring no longer covers is reported through
   * `sink.error` (410 Expired) and no watch is registered.
   */
  watch(filter: WatchFilter, fromRv: number | undefined, sink: WatchSink): CacheWatcher | undefined {
    const w: WatcherState = { id: this.nextId++, filter, after: this.revision, sink };
    if (fromRv === undefined) {
      for (const s of this.list(filter).items) {
        sink.event('ADDED', new CacheEvent('ADDED', s.rv, '', s, undefined));
      }
    } else {
      if (fromRv < this.oldestRevision) {
        sink.error(tooOldResourceVersion(fromRv, this.oldestRevision + 1).status);
        return undefined;
      }
      w.after = fromRv;
      for (const ev of this.ring.since(fromRv)) this.dispatch(w, ev);
      w.after = Math.max(fromRv, this.revision);
    }
    this.watchers.set(w.id, w);
    return { id: w.id, stop: () => this.watchers.delete(w.id) };
  }

  private apply(events: WatchEvent[], revision: number): void {
    for (const e of events) {
      const key = fromUtf8(e.kv.key);
      const prev = this.objects.get(key);
      let ev: CacheEvent;
      if (e.type === 'PUT') {
        const cur = new StoredObject(e.kv.value, e.kv.modRevision);
        this.objects.set(key, cur);
        ev = new CacheEvent(prev ? 'MODIFIED' : 'ADDED', e.kv.modRevision, key, cur, prev);
      } else {
        this.objects.delete(key);
        const last = e.prevKv?.value ?? prev?.raw;
        if (!last) continue;
        ev = new CacheEvent('DELETED', e.kv.modRevision, key, new StoredObject(last, e.kv.modRevision), prev);
      }
      const evicted = this.ring.push(ev);
      if (evicted) this.oldestRevision = evicted.rv;
      this.revision = Math.max(this.revision, ev.rv);
      for (const w of this.watchers.values()) this.dispatch(w, ev);
    }
    this.revision = Math.max(this.revision, revision);
  }

  /** Sends `ev` as this watcher should see it, turning selector transitions into ADDED/DELETED. */
  private dispatch(w: WatcherState, ev: CacheEvent): void {
    if (ev.rv <= w.after) return;
    const { namespace, matches } = w.filter;
    if (namespace && parseKey(this.def, ev.key).namespace !== namespace) return;
    if (!matches) {
      w.sink.event(ev.type, ev);
      return;
    }
    const cur = ev.type !== 'DELETED' && matches(ev.current.obj);
    const prev = ev.previous !== undefined && ev.type !== 'ADDED' && matches(ev.previous.obj);
    if (ev.type === 'DELETED') {
      if (prev || matches(ev.current.obj)) w.sink.event('DELETED', ev);
    } else if (cur && prev) w.sink.event('MODIFIED', ev);
    else if (cur) w.sink.event('ADDED', ev);
    else if (prev) w.sink.event('DELETED', ev);
  }

  private reset(why: string): void {
    this.opts.logger?.warn({ resource: this.def.resource, why }, 'watch cache reset');
    this.storeWatch?.cancel();
    for (const w of [...this.watchers.values()]) w.sink.error(goneStatus(why));
    this.watchers.clear();
    if (!this.stopped) void this.start();
  }
}

function goneStatus(message: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 };
}
