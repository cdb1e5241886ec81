/**
 * When each pending pod first entered the scheduling queue (performance.now ms), for the end-to-end latency:
 * queue entry to bound, however many attempts it took. Entries go when the pod is bound or deleted.
 */
export class QueueEntryTimes {
  private readonly times = new Map<string, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Records the first entry only: an update of a waiting pod keeps its original time. */
  entered(key: string): void {
    if (!this.times.has(key)) this.times.set(key, this.now());
  }

  /** Milliseconds since the pod entered, and forgets it; undefined for a pod never seen pending. */
  bound(key: string): number | undefined {
    const t = this.times.get(key);
    if (t === undefined) return undefined;
    this.times.delete(key);
    return this.now() - t;
  }

  forget(key: string): void {
    this.times.delete(key);
  }

  get size(): number {
    return this.times.size;
  }
}
