import Benchmark from 'benchmark';
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * One Benchmark.js measurement: ops/s with its relative margin of error. Each suite bounds maxTime so state-growing
 * operations (MVCC puts keep history) stay within memory.
 */
export function micro(name: string, fn: () => void, maxTime: number): { hz: number; rme: number } {
  const b = new Benchmark(name, fn, { maxTime, minSamples: 5, initCount: 1 });
  b.run();
  if (b.error) throw b.error;
  return { hz: b.hz, rme: b.stats.rme };
}

/** Times `count` calls of an async operation run by `concurrency` workers; ops/s and latency percentiles (ms). */
export async function concurrentLoad(
  op: (i: number) => Promise<unknown>,
  opts: { concurrency: number; maxOps: number; maxMs: number },
): Promise<{ opsPerSec: number; p50: number; p99: number; ops: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + opts.maxMs;
  async function worker(): Promise<void> {
    while (next < opts.maxOps && performance.now() < deadline) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { opsPerSec: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99), ops: latencies.length };
}

let gcFn: (() => void) | undefined;
/** A full GC, so heap measurements mean something (exposed at run time: no node flag needed). */
export function fullGc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

/** Bytes held by the JS heap plus ArrayBuffers: what a TypeScript data structure costs. */
export function jsBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
