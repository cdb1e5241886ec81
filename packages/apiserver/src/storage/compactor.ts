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
    void this.store.status().then(
      (s) => (this.lastSeen = s.revision),
      (err: unknown) => this.log.warn({ err }, 'cannot read the store status; compaction starts one interval later'),
    );
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async tick(): Promise<void> {
    const target = this.lastSeen;
    try {
      const status = await this.store.status();
      this.lastSeen = status.revision;
      // A remote etcd does not report its compacted revision; asking it to compact again just answers Compacted.
      if (target <= 0 || target <= (status.compactRevision ?? 0)) return;
      await this.store.compact(target);
      this.log.debug({ revision: target }, 'compacted');
    } catch (e) {
      if (!isStoreError(e, 'Compacted')) this.log.warn({ err: e }, 'compaction failed');
    }
  }
}
