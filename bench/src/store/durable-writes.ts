import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type EngineKind } from '@skiff/store-wasm';
import type { BenchResult } from '../result.js';
import { closedLoop } from './closed-loop.js';
import type { Workload } from './workload.js';

export interface DurableWritesOptions {
  writers: number;
  /** Timed puts, bounded also by maxMs. */
  puts: number;
  maxMs: number;
  /** Untimed puts first, so the JIT and the log's first segment are warm for both engines alike. */
  warmupPuts: number;
}

/**
 * Durable puts through the embedded store: a fresh temp data dir, fsync 'always' (the default: a put resolves once
 * its record is on disk), `writers` concurrent writers each awaiting its put. Group commit lets one fdatasync cover
 * every record queued while the previous one ran, so the rate depends on concurrency, not on one fsync per put.
 */
export async function durableWrites(
  kind: EngineKind,
  w: Workload,
  o: DurableWritesOptions,
  log: (msg: string) => void,
): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'skiff-bench-durable-'));
  try {
    const store = await createStore({ engine: kind, dataDir, fsync: 'always' });
    try {
      const put = (i: number): Promise<unknown> => {
        const k = w.order[i % w.size]!;
        return store.put(w.keys[k]!, w.values[k]!);
      };
      log(`durable puts (${kind}): ${o.warmupPuts} warm-up puts`);
      const warm = await closedLoop(put, { inFlight: o.writers, maxOps: o.warmupPuts, maxMs: o.maxMs });
      if (warm.errors) throw new Error(`durable warm-up put failed: ${String(warm.firstError)}`);
      log(`durable puts (${kind}): up to ${o.puts} puts, ${o.writers} writers, ${o.maxMs} ms cap`);
      const cpuBefore = process.cpuUsage();
      const r = await closedLoop((i) => put(i + o.warmupPuts), { inFlight: o.writers, maxOps: o.puts, maxMs: o.maxMs });
      const cpu = process.cpuUsage(cpuBefore);
      if (r.errors) throw new Error(`${r.errors} durable puts failed; first: ${String(r.firstError)}`);
      const status = store.localStatus();
      log(
        `durable puts (${kind}): ${Math.round(r.opsPerSecond)}/s (${r.ops} in ${r.seconds.toFixed(2)} s), ` +
          `p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, revision ${status.revision}, ${status.dbSize} bytes on disk`,
      );
      const name = `durable put (${o.writers} writers, fsync always)`;
      return [
        { name, engine: kind, unit: 'puts/s', value: r.opsPerSecond, p50: r.p50Ms, p99: r.p99Ms },
        // CPU of this whole process per put: comparable between engines even when the shared machine is busy.
        { name: `${name} CPU`, engine: kind, unit: 'µs/put', value: (cpu.user + cpu.system) / r.ops },
      ];
    } finally {
      await store.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
