/**
 * The shape every controller has: informers feed keys (`namespace/name`) into a rate-limited work queue, and N
 * workers run `sync(key)` against the informer caches. A sync is level-triggered: it looks at the whole current
 * state of its object, so a key enqueued ten times is still synced once, and a failed sync is retried with
 * backoff. A sync may ask to be run again later (a deadline to check, a pod about to become available).
 */
import type { ControllerRateLimiterOptions } from '@skiff/client';
import { WorkQueue, defaultControllerRateLimiter, isConflict } from '@skiff/client';
import type { Logger } from 'pino';
import type { ControllerContext } from './context.js';

export type SyncResult = void | { requeueAfterMs?: number };

export interface Controller {
  readonly name: string;
  /** Waits for the informer caches, runs workers until `signal` aborts, then drains. */
  run(signal: AbortSignal): Promise<void>;
}

export abstract class QueueController implements Controller {
  readonly queue: WorkQueue<string>;
  protected readonly log: Logger;

  constructor(
    readonly name: string,
    protected readonly ctx: ControllerContext,
    private readonly workers: number,
    rateLimit: ControllerRateLimiterOptions = ctx.options.rateLimit,
  ) {
    this.queue = new WorkQueue<string>({ name, rateLimiter: defaultControllerRateLimiter<string>(rateLimit) });
    this.log = ctx.logger.child({ controller: name });
  }

  /** Reconciles one object, by key, from the caches. */
  protected abstract sync(key: string): Promise<SyncResult>;

  enqueue(key: string): void {
    this.queue.add(key);
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.ctx.informers.waitForSync();
    if (signal.aborted) return;
    this.log.debug({ workers: this.workers }, 'caches synced; starting workers');
    const workers = Array.from({ length: this.workers }, () => this.worker());
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await this.queue.shutDownWithDrain();
    await Promise.all(workers);
  }

  private async worker(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      try {
        const res = await this.sync(key);
        this.queue.forget(key);
        if (res?.requeueAfterMs !== undefined) this.queue.addAfter(key, res.requeueAfterMs);
      } catch (e) {
        if (isConflict(e)) this.log.debug({ key }, 'sync lost a write race; retrying');
        else this.log.warn({ key, err: (e as Error).message, retries: this.queue.numRequeues(key) }, 'sync failed; retrying with backoff');
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
