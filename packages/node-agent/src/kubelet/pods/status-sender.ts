/**
 * Writes a pod's status to the API server off the sync's critical path, as the kubelet's status manager does:
 * the worker offers each status it computes and moves on; at most one write per pod is in flight, and when it
 * returns only the newest status offered meanwhile is written next (intermediate ones are skipped, they are
 * stale). A failed write is retried after a pause. `flush()` waits until the newest status is written, which the
 * final write of a terminating pod needs before the pod object may be deleted.
 */
export type WriteStatus = (status: any) => Promise<boolean>;

export class StatusSender {
  private pending: any;
  private pendingJson = '';
  private writtenJson = '';
  private running: Promise<void> | undefined;
  private waiters: (() => void)[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** False once a write found the pod gone from the API server. */
  exists = true;

  constructor(
    private readonly write: WriteStatus,
    private readonly onError: (err: Error) => void,
    private readonly retryMs = 1000,
  ) {}

  offer(status: any): void {
    const json = JSON.stringify(status);
    if (json === this.pendingJson || (this.pending === undefined && json === this.writtenJson)) return;
    this.pending = status;
    this.pendingJson = json;
    this.kick();
  }

  /** Resolves once the newest offered status is written (or the pod turned out to be gone). */
  async flush(): Promise<boolean> {
    if (this.pending !== undefined || this.running) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.exists;
  }

  /** What was written is gone: the next offer is written even if it is the same. */
  forget(): void {
    this.writtenJson = '';
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const w of this.waiters.splice(0)) w();
  }

  private kick(): void {
    if (this.running || this.retryTimer || this.stopped) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.pending === undefined || !this.exists) for (const w of this.waiters.splice(0)) w();
      // offered after the loop's last look but before this ran: nobody else will start the next write
      else if (!this.retryTimer) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending !== undefined && !this.stopped) {
      const status = this.pending;
      const json = this.pendingJson;
      this.pending = undefined;
      this.pendingJson = '';
      try {
        this.exists = await this.write(status);
        this.writtenJson = json;
        if (!this.exists) {
          this.pending = undefined;
          return;
        }
      } catch (err) {
        this.onError(err as Error);
        // keep the newest: what failed is only still wanted if nothing newer came
        if (this.pending === undefined) {
          this.pending = status;
          this.pendingJson = json;
        }
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.kick();
        }, this.retryMs);
        return;
      }
    }
  }
}
