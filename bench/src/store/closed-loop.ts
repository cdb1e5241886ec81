/**
 * A closed-loop load driver: `inFlight` async workers, each awaiting its operation before starting the next, as a
 * client with that many requests in flight would. Bounded by an operation count and a time limit, whichever comes
 * first, so a slow or broken target cannot make a benchmark run away.
 */

export interface ClosedLoopOptions {
  inFlight: number;
  maxOps: number;
  maxMs: number;
}

export interface ClosedLoopResult {
  /** Operations that succeeded. */
  ops: number;
  errors: number;
  /** The first error, for a note: a benchmark that fails silently would report a fast nothing. */
  firstError?: unknown;
  seconds: number;
  /** Successful operations per second. */
  opsPerSecond: number;
  /** Latency of successful operations, milliseconds. */
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Runs `op(i)` for i = 0, 1, ... with `inFlight` outstanding; `i` is the issue order, the same for every target. */
export async function closedLoop(op: (i: number) => Promise<unknown>, o: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const latencies = new Float64Array(o.maxOps);
  let issued = 0;
  let ok = 0;
  let errors = 0;
  let firstError: unknown;
  const started = performance.now();
  const deadline = started + o.maxMs;
  const worker = async (): Promise<void> => {
    while (issued < o.maxOps && performance.now() < deadline) {
      const i = issued++;
      const t = performance.now();
      try {
        await op(i);
        latencies[ok++] = performance.now() - t;
      } catch (e) {
        errors++;
        firstError ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  const done = latencies.subarray(0, ok).sort();
  return {
    ops: ok,
    errors,
    firstError,
    seconds,
    opsPerSecond: ok / seconds,
    p50Ms: percentile(done, 0.5),
    p99Ms: percentile(done, 0.99),
  };
}
