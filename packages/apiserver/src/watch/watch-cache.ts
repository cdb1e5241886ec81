/**
 * The watch cache of one resource: the current objects and a ring of recent changes, fed by a single store watch
 * on the resource's key prefix. Watches are served from it (replaying from a resourceVersion when the ring still
 * holds it), and so are lists that accept any recent state (resourceVersion=0).
 *
 * History is complete for revisions above `oldestRevision`: the revision the cache was loaded at, raised as
 * events fall off the ring. A watch from below it gets 410 Expired.
 *
 * With a store in this process (LocalStore), the store tells its watchers about a write synchronously, before the
 * write's promise resolves, so once the cache's store watch starts exactly at the revision it loaded, the cache
 * holds what the store holds at every moment. `consistentRevision()` says so, and consistent reads (GET and LIST
 * without a resourceVersion) are then served from the cache, as the real server does with ConsistentListFromCache.
 * A remote store's events arrive later than its writes' answers, so those reads go to the store.
 */
import { tooOldResourceVersion, type KubeObject, type ResourceDefinition, type Status } from '@skiff/api';
import { fromUtf8, prefixEnd, utf8, type LocalStore, type Store, type StoreLogger, type WatchEvent, type Watcher } from '@skiff/store-wasm';
import { collectionPrefix, parseKey } from '../storage/keys.js';
import { StoredObject, storedObjectFor } from '../storage/resource-storage.js';
import { storageConversionFor, type StorageConversion } from '../storage/storage-conversion.js';
import type { WrittenObjects } from '../storage/written-objects.js';
import { CacheEvent, type WatchEventType } from './cache-event.js';
import { EventRing } from './event-ring.js';
import { SortedKeys } from './sorted-keys.js';

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
  /** The writes in progress of the server's ResourceStorages on the same store, to take decoded objects from. */
  written?: WrittenObjects;
}

/** One page of the cache's objects in key order, as a store range with a limit would give it. */
export interface CachePage {
  items: StoredObject[];
  /** Key (without the collection prefix) of the last item, when more keys follow it. */
  lastKey?: string;
  /** Keys after the last item, before filtering (only meaningful without a filter). */
  remaining?: number;
}

/** Reads before this many attempts at loading without a write in between give up on serving consistent reads. */
const SYNC_ATTEMPTS = 5;

export class WatchCache {
  private readonly objects = new Map<string, StoredObject>();
  private readonly keys = new SortedKeys();
  private readonly ring: EventRing;
  private readonly watchers = new Map<number, WatcherState>();
  /** Watchers of every namespace, and of one namespace by its name: an event only visits the ones that can want it. */
  private readonly clusterWatchers = new Set<WatcherState>();
  private readonly namespaceWatchers = new Map<string, Set<WatcherState>>();
  private nextId = 1;
  private storeWatch: Watcher | undefined;
  private stopped = false;
  /** The store's revision, read synchronously; only for a store in this process. */
  private readonly localRevision: (() => number) | undefined;
  /** The cache mirrors the store at every moment (see the file comment). */
  private inSync = false;
  /** The newest revision the cache reflects. */
  revision = 0;
  /** Changes after this revision are all in the ring or still to come. */
  oldestRevision = 0;
  private readyResolve!: () => void;
  private readyPromise: Promise<void>;
  private readonly conversion: StorageConversion | undefined;

  constructor(
    readonly def: ResourceDefinition,
    private readonly store: Store,
    private readonly opts: WatchCacheOptions,
  ) {
    this.ring = new EventRing(opts.capacity);
    this.conversion = storageConversionFor(def);
    this.readyPromise = new Promise((r) => (this.readyResolve = r));
    const local = store as Partial<LocalStore>;
    if (typeof local.localStatus === 'function') this.localRevision = () => local.localStatus!().revision;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Loads every object, then follows the store from the revision it loaded at. */
  async start(): Promise<void> {
    this.inSync = false;
    const prefix = utf8(collectionPrefix(this.def));
    let res;
    for (let attempt = 1; ; attempt++) {
      res = await this.store.range(prefix, prefixEnd(prefix));
      // No await from here to the watch below: for a local store, nothing can be written in between.
      if (!this.localRevision || this.localRevision() === res.revision || attempt >= SYNC_ATTEMPTS) break;
    }
    this.objects.clear();
    this.ring.clear();
    for (const kv of res.kvs) this.objects.set(fromUtf8(kv.key), storedObjectFor(this.conversion, kv.value, kv.modRevision));
    this.keys.reset(this.objects.keys());
    this.revision = res.revision;
    this.oldestRevision = res.revision;
    if (this.stopped) return;
    this.inSync = this.localRevision !== undefined && this.localRevision() === res.revision;
    this.storeWatch = this.store.watch(
      // No prevKv: the cache holds every key's previous version itself (it loaded them all, then followed every
      // change), and asking for it would copy each write's old value out of the store for nothing.
      { key: prefix, rangeEnd: prefixEnd(prefix), startRevision: res.revision + 1 },
      {
        onEvents: (events, revision) => {
          try {
            this.apply(events, revision);
          } catch (e) {
            // The store drops a listener that throws; start over rather than serve a cache that stopped following.
            this.opts.logger?.error({ resource: this.def.resource, err: e }, 'watch cache failed to apply events');
            this.reset('the watch cache failed to apply a change');
          }
        },
        onCompacted: () => this.reset('the store was compacted past the watch cache'),
      },
    );
    this.readyResolve();
  }

  /**
   * The store's current revision when the cache is known to hold exactly what the store holds (a store in this
   * process, followed since the revision the cache loaded); undefined otherwise.
   */
  consistentRevision(): number | undefined {
    return this.inSync ? this.localRevision!() : undefined;
  }

  stop(): void {
    this.stopped = true;
    this.inSync = false;
    this.storeWatch?.cancel();
    this.dropWatchers(goneStatus('the server is shutting down'));
  }

  /** The current object at `key`, as of `revision`. */
  getStored(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** Every current object accepted by the filter, sorted by key, and the revision they reflect. */
  list(filter: WatchFilter): { items: StoredObject[]; revision: number } {
    return { items: this.page(filter).items, revision: this.revision };
  }

  /**
   * Objects accepted by the filter in key order, at most `limit` (0: all), as ResourceStorage.list pages the
   * store: `lastKey` and `remaining` are set when the page filled up before the collection ended.
   */
  page(filter: WatchFilter, limit = 0): CachePage {
    const prefix = collectionPrefix(this.def, filter.namespace || undefined);
    const keys = this.keys.all();
    let end = keys.length;
    let i = 0;
    if (filter.namespace) {
      i = this.keys.lowerBound(prefix);
      end = this.keys.lowerBound(prefix.slice(0, -1) + '0'); // '0' follows '/': the first key past the namespace
    }
    const items: StoredObject[] = [];
    const { matches } = filter;
    for (; i < end; i++) {
      const s = this.objects.get(keys[i]!)!;
      if (matches && !matches(s.obj)) continue;
      items.push(s);
      if (limit && items.length === limit) {
        if (i + 1 === end) break;
        return { items, lastKey: keys[i]!.slice(prefix.length), remaining: end - i - 1 };
      }
    }
    return { items };
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
    this.indexOf(filter, true)!.add(w);
    return { id: w.id, stop: () => this.forget(w) };
  }

  /** The set of watchers a filter's watcher belongs to, by namespace; created when `create`. */
  private indexOf(filter: WatchFilter, create: boolean): Set<WatcherState> | undefined {
    if (!filter.namespace) return this.clusterWatchers;
    let set = this.namespaceWatchers.get(filter.namespace);
    if (!set && create) this.namespaceWatchers.set(filter.namespace, (set = new Set()));
    return set;
  }

  private forget(w: WatcherState): void {
    if (!this.watchers.delete(w.id)) return;
    const set = this.indexOf(w.filter, false);
    set?.delete(w);
    if (set && set.size === 0 && w.filter.namespace) this.namespaceWatchers.delete(w.filter.namespace);
  }

  private dropWatchers(status: Status): void {
    const all = [...this.watchers.values()];
    this.watchers.clear();
    this.clusterWatchers.clear();
    this.namespaceWatchers.clear();
    for (const w of all) w.sink.error(status);
  }

  private apply(events: WatchEvent[], revision: number): void {
    for (const e of events) {
      const key = fromUtf8(e.kv.key);
      const prev = this.objects.get(key);
      const namespace = this.def.namespaced ? parseKey(this.def, key).namespace : '';
      let ev: CacheEvent;
      if (e.type === 'PUT') {
        const note = this.conversion ? undefined : this.opts.written?.take(key, e.kv.value, e.kv.modRevision);
        const cur = storedObjectFor(this.conversion, e.kv.value, e.kv.modRevision, note?.obj);
        if (note) note.stored = cur;
        this.objects.set(key, cur);
        if (!prev) this.keys.add(key);
        ev = new CacheEvent(prev ? 'MODIFIED' : 'ADDED', e.kv.modRevision, key, cur, prev, namespace);
      } else {
        if (prev) {
          this.objects.delete(key);
          this.keys.delete(key);
        }
        const last = prev && new StoredObject(prev.raw, e.kv.modRevision);
        if (!last) continue;
        ev = new CacheEvent('DELETED', e.kv.modRevision, key, last, prev, namespace);
      }
      const evicted = this.ring.push(ev);
      if (evicted) this.oldestRevision = evicted.rv;
      this.revision = Math.max(this.revision, ev.rv);
      for (const w of this.clusterWatchers) this.dispatch(w, ev);
      if (namespace) {
        const set = this.namespaceWatchers.get(namespace);
        if (set) for (const w of set) this.dispatch(w, ev);
      }
      // Every watcher has compared the replaced version with the new one; from here on it is history.
      prev?.releaseDecoded();
    }
    this.revision = Math.max(this.revision, revision);
  }

  /** Sends `ev` as this watcher should see it, turning selector transitions into ADDED/DELETED. */
  private dispatch(w: WatcherState, ev: CacheEvent): void {
    if (ev.rv <= w.after) return;
    const { namespace, matches } = w.filter;
    if (namespace && ev.namespace !== namespace) return;
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
    this.inSync = false;
    this.storeWatch?.cancel();
    this.dropWatchers(goneStatus(why));
    if (!this.stopped) void this.start();
  }
}

function goneStatus(message: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 };
}
