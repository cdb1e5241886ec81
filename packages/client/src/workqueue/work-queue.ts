/**
 * The controller work queue (client-go's rate-limited delaying queue), for keys such as `namespace/name`.
 *
 * Guarantees:
 *   - Deduplication: an item added while it waits in the queue is queued once.
 *   - Exclusivity: an item is handed to one worker at a time. Added while a worker holds it, it is marked dirty
 *     and queued again when that worker calls done(), so the latest change is never lost and never processed
 *     concurrently.
 *   - Fairness: FIFO among ready items.
 *   - Delays: addAfter waits; for an item already waiting the earlier time wins. addRateLimited asks the rate
 *     limiter how long (per-item backoff and/or a global bucket); forget clears the item's backoff.
 *   - Shutdown: get() hands out what is still queued, then resolves undefined; adds after shutdown are dropped.
 *
 * Typical worker:
 *   for (let key; (key = await q.get()) !== undefined; ) {
 *     try { await sync(key); q.forget(key); } catch { q.addRateLimited(key); } finally { q.done(key); }
 *   }
 */
import { realClock, type Clock } from '../clock.js';
import { DelayHeap } from './delay-heap.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.js';

export interface WorkQueueOptions<T> {
  rateLimiter?: RateLimiter<T>;
  clock?: Clock;
  name?: string;
}

export class WorkQueue<T = string> {
  private queue: T[] = [];
  private head = 0;
  /** Items that need processing: queued, or added again while being processed. */
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private waiters: ((item: T | undefined) => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private shuttingDown = false;
  private readonly delayed = new DelayHeap<T>();
  private cancelTimer?: () => void;
  private timerAt = Infinity;
  private readonly clock: Clock;
  readonly rateLimiter: RateLimiter<T>;
  readonly name: string;
  /** Items handed out by get() so far. */
  processed = 0;

  constructor(opts: WorkQueueOptions<T> = {}) {
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>({ clock: this.clock });
    this.name = opts.name ?? 'queue';
  }

  /** Items ready to be handed out (not the delayed ones, not the ones being processed). */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Items waiting for their delay to pass. */
  get delayedLength(): number {
    return this.delayed.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(item: T): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(item);
      this.processing.add(item);
      this.processed++;
      w(item);
    } else this.queue.push(item);
  }

  /** Adds the item once `ms` have passed (at once when ms <= 0). */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(item);
    this.delayed.push(item, this.clock.now() + ms);
    this.armTimer();
  }

  /** Adds the item after the rate limiter's delay for it (counting one more failure). */
  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }

  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** The next item, waiting for one if none is ready; undefined once shut down and empty. */
  get(): Promise<T | undefined> {
    if (this.head < this.queue.length) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks the worker finished with `item`; if it was added meanwhile, it is queued again. */
  done(item: T): void {
    if (!this.processing.delete(item)) return;
    if (this.dirty.has(item)) {
      const w = this.waiters.shift();
      if (w) {
        this.dirty.delete(item);
        this.processing.add(item);
        this.processed++;
        w(item);
      } else this.queue.push(item);
    }
    if (this.processing.size === 0) for (const d of this.drainWaiters.splice(0)) d();
  }

  /** Stops accepting items; waiting get() calls resolve undefined; delayed items are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** shutDown, then wait until every item handed out has been marked done. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  private take(): T {
    const item = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(item);
    this.processing.add(item);
    this.processed++;
    return item;
  }

  private armTimer(): void {
    const next = this.delayed.peekTime();
    if (next === undefined || next >= this.timerAt) return;
    this.cancelTimer?.();
    this.timerAt = next;
    this.cancelTimer = this.clock.setTimer(() => this.fireDue(), next - this.clock.now());
  }

  private fireDue(): void {
    this.cancelTimer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    for (let item = this.delayed.popDue(now); item !== undefined; item = this.delayed.popDue(now)) this.add(item);
    this.armTimer();
  }
}
