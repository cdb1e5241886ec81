import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createStoreWith } from '../create-store.js';
import type { EngineKind } from '../engine.js';
import type { FsyncMode } from '../store.js';
import { FaultInjectingFs } from './fault-injecting-fs.js';

export interface PutRateOptions {
  engine: EngineKind;
  fsync: FsyncMode;
  /** Writers, each with one put in flight at a time (etcd's benchmark: --clients, 64 here). */
  writers: number;
  valueBytes: number;
  /** Total puts, spread over `keys` distinct keys. */
  puts: number;
  keys: number;
  /** Stop early after this long; the rate is computed from what was done. */
  maxMs: number;
}

export interface PutRate {
  putsPerSec: number;
  puts: number;
  ms: number;
  /** Log writes (batches) and fdatasyncs: records per fsync is the group commit's effect. */
  writes: number;
  fsyncs: number;
  /** CPU time of this process (all threads) per put, microseconds: comparable even on a busy machine. */
  cpuMicrosPerPut: number;
}

/**
 * Durable puts per second: `writers` concurrent writers put values of `valueBytes` into a fresh data dir, each
 * awaiting its put before the next, as an etcd client with that many requests in flight would. Snapshots are left
 * at their default interval, so a run past 100k puts pays for one, as the store would.
 */
export async function measureDurablePuts(o: PutRateOptions): Promise<PutRate> {
  const dataDir = fs.mkdtempSync(join(tmpdir(), 'skiff-put-rate-'));
  const counting = new FaultInjectingFs();
  try {
    const store = await createStoreWith({ engine: o.engine, dataDir, fsync: o.fsync }, { fs: counting });
    const keys = Array.from({ length: o.keys }, (_, i) => new TextEncoder().encode(`/registry/pods/default/pod-${i}`));
    const value = new Uint8Array(o.valueBytes).fill(0x61);
    const writesBefore = counting.writes;
    const syncsBefore = counting.calls.fdatasync;
    let issued = 0;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + o.maxMs;
    await Promise.all(
      Array.from({ length: o.writers }, async () => {
        while (issued < o.puts && performance.now() < deadline) await store.put(keys[issued++ % keys.length]!, value);
      }),
    );
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const rate = {
      putsPerSec: Math.round((issued / ms) * 1000),
      puts: issued,
      ms: Math.round(ms),
      writes: counting.writes - writesBefore,
      fsyncs: counting.calls.fdatasync - syncsBefore,
      cpuMicrosPerPut: Math.round((cpu.user + cpu.system) / issued),
    };
    await store.close();
    return rate;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const engine = (process.argv[2] ?? 'wasm') as EngineKind;
  const fsync = (process.argv[3] ?? 'always') as FsyncMode;
  const r = await measureDurablePuts({ engine, fsync, writers: 64, valueBytes: 1024, puts: Number(process.argv[4] ?? 50_000), keys: 10_000, maxMs: 30_000 });
  console.log(
    `${engine} engine, fsync '${fsync}', 64 writers, 1 KiB values: ${r.putsPerSec} durable puts/s (${r.puts} puts in ${r.ms} ms, ${r.writes} log writes, ${r.fsyncs} fdatasyncs, ${(r.puts / Math.max(1, r.fsyncs)).toFixed(1)} puts per fdatasync, ${r.cpuMicrosPerPut} µs CPU per put)`,
  );
}
