/**
 * A shared informer: one reflector (one list and one watch) feeding one indexer, and any number of handlers.
 *
 *   - A handler added after the informer has synced first gets onAdd for every cached object, so late handlers
 *     see the same world as early ones.
 *   - A relist (after 410) is diffed against the cache: new objects are onAdd, changed ones onUpdate, and objects
 *     that vanished meanwhile are onDelete with their last known state.
 *   - Resync: every `resyncMs` a handler gets onUpdate(obj, obj) for every cached object (level-triggered safety
 *     net). Handlers must be quick (typically: enqueue a key); they run synchronously on the watch's events.
 *   - hasSynced() turns true once the first list has reached the cache and every handler.
 */
import type { KubeObject } from '@skiff/api';
import { silentLogger, type Logger } from '../logger.js';
import type { ResourceClient } from '../rest/resource-client.js';
import { DEFAULT_INDEXERS, Indexer, objectKey, type IndexFunc } from './indexer.js';
import { Reflector, type ReflectorOptions, type ReflectorSink } from './reflector.js';
import type { ObjectLike } from '../object-like.js';

export interface EventHandler<T> {
  /** `initial` is true for objects of the first list (or replayed to a handler added late). */
  onAdd?(obj: T, initial: boolean): void;
  /** Also called with old === new on resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** The object's last state (for a relist that found it gone: the last state this cache saw). */
  onDelete?(obj: T): void;
}

export interface SharedInformerOptions extends ReflectorOptions {
  /** Default resync period for handlers that give none; 0 (default) disables resync. */
  resyncMs?: number;
  indexers?: Record<string, IndexFunc>;
}

interface Registration<T> {
  handler: EventHandler<T>;
  timer?: NodeJS.Timeout;
}

export class SharedInformer<T extends ObjectLike = KubeObject> implements ReflectorSink<T> {
  readonly indexer: Indexer<T>;
  private readonly reflector: Reflector<T>;
  private readonly registrations = new Set<Registration<T>>();
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private started = false;
  private readonly log: Logger;

  constructor(
    readonly client: ResourceClient<T>,
    private readonly opts: SharedInformerOptions = {},
  ) {
    this.indexer = new Indexer<T>((opts.indexers ?? DEFAULT_INDEXERS) as Record<string, IndexFunc<T>>);
    this.reflector = new Reflector<T>(client, this, opts);
    this.log = opts.logger ?? silentLogger;
  }

  /** Registers a handler; returns a function that removes it. */
  addEventHandler(handler: EventHandler<T>, resyncMs = this.opts.resyncMs ?? 0): () => void {
    const reg: Registration<T> = { handler };
    this.registrations.add(reg);
    if (this.synced && handler.onAdd) for (const obj of this.indexer.list()) this.call(() => handler.onAdd!(obj, true));
    if (resyncMs > 0) {
      reg.timer = setInterval(() => {
        if (!this.synced || !handler.onUpdate) return;
        for (const obj of this.indexer.list()) this.call(() => handler.onUpdate!(obj, obj));
      }, resyncMs);
      reg.timer.unref?.();
    }
    return () => {
      if (reg.timer) clearInterval(reg.timer);
      this.registrations.delete(reg);
    };
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.indexer.addIndexers(indexers);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.reflector.start();
  }

  async stop(): Promise<void> {
    for (const r of this.registrations) if (r.timer) clearInterval(r.timer);
    await this.reflector.stop();
    this.started = false;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once synced; rejects after `timeoutMs` (default: waits as long as it takes). */
  waitForSync(timeoutMs?: number): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      this.syncWaiters.push(done);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
          reject(new Error(`${this.client.def.resource} informer did not sync within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }

  get lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion;
  }

  /** How many lists the reflector has made (1 after the first sync; more after relists). */
  get listCount(): number {
    return this.reflector.listCount;
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error({ resource: this.client.def.resource, err: (e as Error).message }, 'informer event handler threw');
    }
  }

  private emitAdd(obj: T, initial: boolean): void {
    for (const r of this.registrations) if (r.handler.onAdd) this.call(() => r.handler.onAdd!(obj, initial));
  }

  private emitUpdate(oldObj: T, obj: T): void {
    for (const r of this.registrations) if (r.handler.onUpdate) this.call(() => r.handler.onUpdate!(oldObj, obj));
  }

  private emitDelete(obj: T): void {
    for (const r of this.registrations) if (r.handler.onDelete) this.call(() => r.handler.onDelete!(obj));
  }

  replace(items: T[], _resourceVersion: string): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.indexer.upsert(obj);
      if (!old) this.emitAdd(obj, initial);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emitUpdate(old, obj);
    }
    for (const key of this.indexer.keys()) {
      if (seen.has(key)) continue;
      const old = this.indexer.remove(key)!;
      this.emitDelete(old);
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  add(obj: T): void {
    const old = this.indexer.upsert(obj);
    if (old) this.emitUpdate(old, obj);
    else this.emitAdd(obj, false);
  }

  update(obj: T): void {
    const old = this.indexer.upsert(obj);
    if (old) this.emitUpdate(old, obj);
    else this.emitAdd(obj, false);
  }

  delete(obj: T): void {
    this.indexer.remove(objectKey(obj));
    this.emitDelete(obj);
  }
}
