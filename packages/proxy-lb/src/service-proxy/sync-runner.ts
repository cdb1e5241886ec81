// Runs the proxy's sync at a bounded frequency, as kube-proxy's BoundedFrequencyRunner does with a burst of one:
//
//   - a request made while idle, at least `minIntervalMs` after the last run started, runs at once (on a timer
//     of 0 ms, so the requests of one burst of watch events land in one run);
//   - a request made sooner runs at lastStart + minIntervalMs, and every request made until then joins it;
//   - a request made during a run schedules one more run after it, never two at a time;
//   - with `maxIntervalMs`, a run happens at least that often even without requests (the periodic resync).
//
// Worked example, minIntervalMs = 1000: requests at t = 0, 10, 500, 1200 give runs at t = 0 (the first
// request), 1000 (the two made at 10 and 500) and 2000 (the one made at 1200).
import { realClock, type Clock } from '@skiff/client';

export interface SyncRunnerOptions {
  /** Least time between the starts of two runs. 0: runs may follow each other at once. */
  minIntervalMs: number;
  /** Most time between the starts of two runs; 0 or absent: no periodic runs. */
  maxIntervalMs?: number;
  clock?: Clock;
  /** A run that throws is reported here; the runner carries on. */
  onError?(err: unknown): void;
}

export class SyncRunner {
  private readonly clock: Clock;
  private lastStart = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | undefined;
  /** Earliest time a request made during the current run wants its run; Infinity when none. */
  private pendingAt = Number.POSITIVE_INFINITY;
  private dueAt = Number.POSITIVE_INFINITY;
  private cancel: (() => void) | undefined;
  private stopped = false;
  private runs = 0;

  constructor(
    private readonly fn: () => Promise<void>,
    private readonly opts: SyncRunnerOptions,
  ) {
    if (!(opts.minIntervalMs >= 0) || !((opts.maxIntervalMs ?? 0) >= 0)) throw new RangeError('sync intervals must be >= 0');
    this.clock = opts.clock ?? realClock;
  }

  /** Runs started so far. */
  get count(): number {
    return this.runs;
  }

  /** Asks for a run no sooner than `delayMs` from now (and the minimum interval after the last run). */
  request(delayMs = 0): void {
    if (this.stopped) return;
    const at = this.clock.now() + Math.max(0, delayMs);
    if (this.running) {
      this.pendingAt = Math.min(this.pendingAt, at);
      return;
    }
    this.schedule(Math.max(at, this.lastStart + this.opts.minIntervalMs));
  }

  private schedule(at: number): void {
    if (this.stopped || at >= this.dueAt) return;
    this.cancel?.();
    this.dueAt = at;
    this.cancel = this.clock.setTimer(() => this.fire(), at - this.clock.now());
  }

  private fire(): void {
    this.cancel = undefined;
    this.dueAt = Number.POSITIVE_INFINITY;
    if (this.stopped) return;
    this.lastStart = this.clock.now();
    this.runs++;
    this.running = (async () => {
      try {
        await this.fn();
      } catch (err) {
        this.opts.onError?.(err);
      }
    })().finally(() => this.afterRun());
  }

  private afterRun(): void {
    this.running = undefined;
    const pending = this.pendingAt;
    this.pendingAt = Number.POSITIVE_INFINITY;
    if (pending !== Number.POSITIVE_INFINITY) this.schedule(Math.max(pending, this.lastStart + this.opts.minIntervalMs));
    else if (this.opts.maxIntervalMs) this.schedule(this.lastStart + this.opts.maxIntervalMs);
  }

  /** Cancels what is scheduled and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
    await this.running;
  }
}
