/**
 * How long an item waits before it is retried. client-go's default for controllers, reproduced by
 * defaultControllerRateLimiter: the larger of a per-item exponential backoff (5 ms, 10 ms, 20 ms ... capped at
 * 1000 s; forgotten on success) and an overall token bucket (10 per second, burst 100) that keeps a storm of
 * failing items from hammering the server even when each one is on its first retry.
 */
import { realClock, type Clock } from '../clock.js';
import { TokenBucket } from '../rate-limit/token-bucket.js';

export interface RateLimiter<T> {
  /** The delay (ms) before `item` may be processed again; counts a failure for per-item limiters. */
  when(item: T): number;
  /** Clears the item's failure history (call after it succeeds). */
  forget(item: T): void;
  /** Failures recorded for the item since it was last forgotten. */
  numRequeues(item: T): number;
}

/** base * 2^failures, capped at max: 5 ms, 10 ms, 20 ms, ... 1000 s with the defaults. */
export class ExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(
    readonly baseMs = 5,
    readonly maxMs = 1_000_000,
  ) {}

  when(item: T): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    // 2^n overflows to Infinity past ~1000 failures; the cap keeps it finite.
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/** One token bucket for all items: the n-th retry in a burst waits for the n-th token. */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  private readonly bucket: TokenBucket;

  constructor(qps = 10, burst = 100, clock: Clock = realClock) {
    this.bucket = new TokenBucket(qps, burst, clock);
  }

  when(): number {
    return this.bucket.reserve();
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/** The longest delay of several limiters; every limiter sees every failure. */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];

  constructor(...limiters: RateLimiter<T>[]) {
    this.limiters = limiters;
  }

  when(item: T): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(item));
    return max;
  }

  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: T): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.numRequeues(item));
    return max;
  }
}

export interface ControllerRateLimiterOptions {
  baseMs?: number;
  maxMs?: number;
  qps?: number;
  burst?: number;
  clock?: Clock;
}

export function defaultControllerRateLimiter<T>(o: ControllerRateLimiterOptions = {}): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(
    new ExponentialFailureRateLimiter<T>(o.baseMs ?? 5, o.maxMs ?? 1_000_000),
    new BucketRateLimiter<T>(o.qps ?? 10, o.burst ?? 100, o.clock ?? realClock),
  );
}
