/**
 * A token bucket: `burst` tokens at most, refilled at `qps` per second. Callers reserve a token and learn how long
 * to wait for it, so the bucket never sleeps itself and is shared safely by concurrent callers: each reservation
 * takes the next token in line, even one not yet minted (the balance goes negative and the wait covers it).
 *
 * Example with qps 10, burst 2, at t=0 on a full bucket: reserve() -> 0, reserve() -> 0, reserve() -> 100 ms,
 * reserve() -> 200 ms. After 1 s with no reservations the bucket is full again (2 tokens, not 10).
 */
import { realClock, type Clock } from '../clock.js';

export class TokenBucket {
  private tokens: number;
  private last: number;
  /** qps <= 0 or Infinity: no limit at all. */
  readonly unlimited: boolean;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    this.unlimited = !(qps > 0) || qps === Infinity;
    if (!this.unlimited && !(burst >= 1)) throw new RangeError(`token bucket burst must be at least 1, got ${burst}`);
    this.tokens = burst;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }

  /** Takes one token; returns the milliseconds until it may be used (0: now). */
  reserve(): number {
    if (this.unlimited) return 0;
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  /** Takes a token only if one is available now. */
  tryTake(): boolean {
    if (this.unlimited) return true;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Waits for a token (resolves at once when one is available). */
  async take(): Promise<void> {
    const ms = this.reserve();
    if (ms > 0) await new Promise<void>((resolve) => this.clock.setTimer(resolve, ms));
  }
}
