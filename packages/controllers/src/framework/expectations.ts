/**
 * What a controller is still waiting to see in its informer after its own writes. A ReplicaSet that has just
 * asked for 500 pods must not count pods again before the informer has shown it those 500, or it would create
 * them twice. So it records "expect 500 creations" and skips managing replicas until the pod informer has
 * reported them (or the expectation is older than the TTL: a lost watch event must not wedge the controller).
 *
 * Deletions are tracked by pod key, so the same pod seen deleted twice (a deletionTimestamp, then the DELETED
 * event) counts once.
 */
interface Expectation {
  adds: number;
  deletes: Set<string>;
  at: number;
}

export const EXPECTATIONS_TTL_MS = 5 * 60_000;

export class Expectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly ttlMs = EXPECTATIONS_TTL_MS) {}

  /** True when nothing is pending for `key` (or what is pending has expired). */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return performance.now() - e.at > this.ttlMs;
  }

  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { adds: n, deletes: new Set(), at: performance.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.byKey.set(key, { adds: 0, deletes: new Set(podKeys), at: performance.now() });
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.adds--;
  }

  /** A create that failed will never be observed: stop waiting for it. */
  creationFailed(key: string, n = 1): void {
    const e = this.byKey.get(key);
    if (e) e.adds -= n;
  }

  deletionObserved(key: string, podKey: string): void {
    this.byKey.get(key)?.deletes.delete(podKey);
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}
