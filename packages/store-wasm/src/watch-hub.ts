import type { MvccEngine } from './engine.js';
import { isStoreError } from './errors.js';
import type { WatchEvent } from './kv.js';
import type { WatchListener, WatchOptions, Watcher } from './store.js';
import { WatcherIndex } from './watcher-index.js';

interface WatchState {
  id: number;
  opts: WatchOptions;
  listener: WatchListener;
  /**
   * No revision below this one is delivered: the watch's start, then past what it was last sent. Only raised when
   * the watcher is sent something, so for a synced watcher it is a floor, not the store's revision.
   */
  next: number;
}

/** How many history events one catch-up step reads before yielding to other work. */
const CATCH_UP_CHUNK = 1000;

/**
 * Delivers changes to watchers, as etcd's watchable store does: a watcher that starts at or before the current
 * revision is "unsynced" and catches up from history in chunks (yielding between chunks so writers are not starved),
 * then joins the "synced" set, which receives each write's changes as it is applied.
 */
export class WatchHub {
  private nextId = 1;
  private readonly synced = new Map<number, WatchState>();
  /** The synced watchers by the keys they cover: a write visits only the watchers of its keys. */
  private readonly syncedIndex = new WatcherIndex<WatchState>();
  /** Synced watchers that asked for previous values (only then are they copied out of the engine). */
  private syncedWantingPrev = 0;
  private readonly unsynced = new Map<number, WatchState>();
  private catchUpPending = false;
  private closed = false;

  constructor(private readonly engine: MvccEngine) {}

  get size(): number {
    return this.synced.size + this.unsynced.size;
  }

  watch(opts: WatchOptions, listener: WatchListener): Watcher {
    const current = this.engine.currentRevision();
    const start = opts.startRevision && opts.startRevision > 0 ? opts.startRevision : current + 1;
    const w: WatchState = { id: this.nextId++, opts, listener, next: start };
    const compacted = this.engine.compactRevision();
    if (start < compacted) {
      // Deliver after the caller holds its Watcher, as a stream would.
      queueMicrotask(() => {
        if (!this.closed) listener.onCompacted(compacted);
      });
      return { id: w.id, cancel: () => {} };
    }
    if (start > current) this.addSynced(w);
    else {
      this.unsynced.set(w.id, w);
      this.scheduleCatchUp();
    }
    return {
      id: w.id,
      cancel: () => {
        this.removeSynced(w);
        this.unsynced.delete(w.id);
      },
    };
  }

  /** Called after applying writes that took the store from revision `from - 1` to `to`. */
  notify(from: number, to: number): void {
    if (this.synced.size === 0 || to < from) return;
    const events = this.engine.changes(from, to, { prevKv: this.syncedWantingPrev > 0 });
    const batches = new Map<WatchState, WatchEvent[]>();
    for (const ev of events) {
      this.syncedIndex.forEachHolding(ev.kv.key, (w) => {
        // A watcher that starts in the future (startRevision above the current one) skips what comes before.
        if (ev.kv.modRevision < w.next) return;
        if (ev.type === 'PUT' ? w.opts.noPut : w.opts.noDelete) return;
        let mine = batches.get(w);
        if (!mine) batches.set(w, (mine = []));
        mine.push(!w.opts.prevKv && ev.prevKv ? { type: ev.type, kv: ev.kv } : ev);
      });
    }
    for (const [w, mine] of batches) {
      // A listener may have canceled this watch while an earlier one was being told.
      if (!this.synced.has(w.id)) continue;
      w.next = to + 1;
      this.deliver(w, mine, to);
    }
  }

  close(): void {
    this.closed = true;
    for (const w of [...this.synced.values()]) this.removeSynced(w);
    this.unsynced.clear();
  }

  private addSynced(w: WatchState): void {
    this.synced.set(w.id, w);
    this.syncedIndex.add(w, w.opts);
    if (w.opts.prevKv) this.syncedWantingPrev++;
  }

  private removeSynced(w: WatchState): void {
    if (!this.synced.delete(w.id)) return;
    this.syncedIndex.remove(w, w.opts);
    if (w.opts.prevKv) this.syncedWantingPrev--;
  }

  private deliver(w: WatchState, events: WatchEvent[], revision: number): void {
    try {
      w.listener.onEvents(events, revision);
    } catch {
      // A listener that throws loses its watch rather than breaking delivery to everyone else.
      this.removeSynced(w);
      this.unsynced.delete(w.id);
    }
  }

  private scheduleCatchUp(): void {
    if (this.catchUpPending || this.closed) return;
    this.catchUpPending = true;
    setImmediate(() => {
      this.catchUpPending = false;
      this.catchUpStep();
    });
  }

  private catchUpStep(): void {
    if (this.closed) return;
    const current = this.engine.currentRevision();
    for (const w of [...this.unsynced.values()]) {
      let events: WatchEvent[];
      try {
        events = this.engine.changes(w.next, current, {
          key: w.opts.key,
          rangeEnd: w.opts.rangeEnd,
          prevKv: w.opts.prevKv,
          limit: CATCH_UP_CHUNK,
        });
      } catch (e) {
        if (!isStoreError(e, 'Compacted')) throw e;
        this.unsynced.delete(w.id);
        w.listener.onCompacted(this.engine.compactRevision());
        continue;
      }
      const mine = events.filter((ev) => !(ev.type === 'PUT' ? w.opts.noPut : w.opts.noDelete));
      const caughtUp = events.length < CATCH_UP_CHUNK;
      w.next = caughtUp ? current + 1 : events[events.length - 1]!.kv.modRevision + 1;
      if (mine.length > 0) this.deliver(w, mine, current);
      if (caughtUp && this.unsynced.delete(w.id)) this.addSynced(w);
    }
    if (this.unsynced.size > 0) this.scheduleCatchUp();
  }
}
