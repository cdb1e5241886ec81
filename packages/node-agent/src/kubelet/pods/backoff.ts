/**
 * Exponential back-off per key, as the kubelet uses for restarting crashed containers (CrashLoopBackOff) and for
 * pulling images (ImagePullBackOff): the first restart is immediate; after that each restart waits `initial`,
 * doubling up to `max`. A key whose last restart is older than `resetAfter` (default 2 * max, i.e. ten minutes
 * with the defaults: a container that stayed up that long) starts over.
 *
 *   exit at t=0   -> restart now, next back-off 10 s     exit at t=2   -> wait until t=12 (back-off 10 s)
 *   restart t=12  -> next back-off 20 s                  exit at t=13  -> wait until t=33 ...
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  resetAfterMs?: number;
  now?: () => number;
}

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly resetAfterMs: number;

  constructor(private readonly options: BackoffOptions) {
    this.now = options.now ?? Date.now;
    this.resetAfterMs = options.resetAfterMs ?? 2 * options.maxMs;
  }

  /** The current back-off of `key` (0 when it has none). */
  delay(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Whether a restart after an event at `eventTime` (e.g. the exit) must still wait; the wait ends at `until`. */
  check(key: string, eventTime: number): { waiting: boolean; until: number; backoffMs: number } {
    const e = this.entries.get(key);
    if (!e || this.expired(e, eventTime)) return { waiting: false, until: eventTime, backoffMs: 0 };
    const until = eventTime + e.backoffMs;
    return { waiting: this.now() < until, until, backoffMs: e.backoffMs };
  }

  /** Records a restart for an event at `eventTime`, growing the back-off. */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e, eventTime)) {
      this.entries.set(key, { backoffMs: this.options.initialMs, lastUpdate: this.now() });
      return;
    }
    e.backoffMs = Math.min(e.backoffMs * 2, this.options.maxMs);
    e.lastUpdate = this.now();
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key that starts with `prefix` (a pod's uid when the pod goes). */
  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private expired(e: Entry, eventTime: number): boolean {
    return eventTime - e.lastUpdate > this.resetAfterMs;
  }
}
