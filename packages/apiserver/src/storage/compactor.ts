/**
 * Periodic compaction, as the real server asks etcd every five minutes: each tick compacts to the revision seen at
 * the previous tick, so history always covers at least one interval (watch caches and continue tokens within it
 * keep working).
 */
import { isStoreError, type Store } from '@skiff/store-wasm';
import type { FastifyBaseLogger } from 'fastify';

export class Compactor {
  private timer: NodeJS.Timeout | undefined;
  private lastSeen = 0;

  constructor(
    private readonly store: Store,
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.lastSeen = this.store.status().revision;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async tick(): Promise<void> {
    const target = this.lastSeen;
    this.lastSeen = this.store.status().revision;
    if (target <= this.store.status().compactRevision) return;
    try {
      await this.store.compact(target);
      this.log.debug({ revision: target }, 'compacted');
    } catch (e) {
      if (!isStoreError(e, 'Compacted')) this.log.warn({ err: e }, 'compaction failed');
    }
  }
}
