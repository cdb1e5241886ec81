import type { BenchRatio, BenchResult, Suite } from '../result.js';
import { realEtcdAvailability } from '../../../packages/store-wasm/test-util/real-etcd.js';
import { durableWrites } from '../store/durable-writes.js';
import { GRPC_GET, GRPC_PUT, grpcVsEtcd } from '../store/grpc-vs-etcd.js';
import { inMemory } from '../store/in-memory.js';
import { watchDelivery } from '../store/watch-delivery.js';
import { makeWorkload } from '../store/workload.js';

function find(results: BenchResult[], name: string, engine: string): number | undefined {
  return results.find((r) => r.name === name && r.engine === engine)?.value;
}

export const storeSuite: Suite = {
  name: 'store',
  description: 'MVCC store: wasm vs ts vs sorted-btree in memory, watch delivery, durable writes, gRPC vs real etcd',
  async run(ctx) {
    const sizes = ctx.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
    const maxTime = ctx.quick ? 0.25 : 1;
    const results: BenchResult[] = [];
    const ratios: BenchRatio[] = [];
    const notes: string[] = [];

    for (const size of sizes) {
      ctx.log(`in-memory @${size}: building workload`);
      const w = makeWorkload(size);
      results.push(...inMemory(w, maxTime, ctx.log));
      for (const op of ['put', 'get', 'range100']) {
        const name = `${op} @${size}`;
        const wasm = find(results, name, 'wasm');
        const ts = find(results, name, 'ts');
        const bt = find(results, name, 'sorted-btree');
        if (wasm && ts) ratios.push({ name: `${name} wasm/ts`, value: wasm / ts, target: 1.5 });
        if (wasm && bt) ratios.push({ name: `${name} wasm/sorted-btree`, value: wasm / bt, target: 1.5 });
      }
      if (size === 100_000) {
        const puts = find(results, `put @${size}`, 'wasm') ?? 0;
        const gets = find(results, `get @${size}`, 'wasm') ?? 0;
        ratios.push({ name: 'wasm puts/s @100k / 1,000,000', value: puts / 1e6, target: 1 });
        ratios.push({ name: 'wasm gets/s @100k / 2,000,000', value: gets / 2e6, target: 1 });
        for (const kind of ['wasm', 'ts'] as const) {
          ctx.log(`watch delivery on ${kind}`);
          results.push(await watchDelivery(kind, w, 100, ctx.quick ? 2_000 : 20_000));
        }
      }
    }

    // Durable and gRPC sections: 10k pod keys with 1 KiB values, the same for every engine and server.
    const dw = makeWorkload(10_000);
    const writers = 64;
    const durableTarget = 20_000;
    for (const kind of ['wasm', 'ts'] as const) {
      const rows = await durableWrites(kind, dw, { writers, puts: ctx.quick ? 5_000 : 20_000, maxMs: ctx.quick ? 3_000 : 30_000, warmupPuts: ctx.quick ? 512 : 2_000 }, ctx.log);
      results.push(...rows);
      ratios.push({ name: `durable puts/s (${kind}, ${writers} writers) / ${durableTarget.toLocaleString('en-US')}`, value: rows[0]!.value / durableTarget, target: 1 });
    }
    notes.push(
      `durable puts: createStore with a fresh temp dataDir and fsync 'always' (a put resolves once its record is fdatasync'ed); ${writers} writers each await their put; group commit lets one fdatasync cover every record queued behind the previous one. ` +
        'The store\'s status()/localStatus() do not expose the log\'s fsync count, so puts per fsync are not reported; "CPU" rows are this process\'s CPU per put.',
    );

    const etcd = realEtcdAvailability();
    if (!etcd.available) {
      notes.push(`gRPC vs etcd skipped: ${etcd.reason}`);
    } else {
      const inFlight = 64;
      const g = await grpcVsEtcd(dw, { inFlight, keys: ctx.quick ? 1_000 : 10_000, puts: ctx.quick ? 4_000 : 25_000, gets: ctx.quick ? 6_000 : 25_000, maxMs: ctx.quick ? 3_000 : 30_000, warmupGets: ctx.quick ? 1_000 : 5_000 }, ctx.log);
      results.push(...g.results);
      notes.push(...g.notes);
      const skiffLabel = 'skiff-store (wasm)';
      const etcdLabel = g.results.find((r) => r.engine.startsWith('etcd'))?.engine ?? 'etcd';
      for (const [op, base] of [['puts', GRPC_PUT], ['gets', GRPC_GET]] as const) {
        const name = `${base} (${inFlight} in flight)`;
        const skiff = find(results, name, skiffLabel);
        const real = find(results, name, etcdLabel);
        if (skiff && real) ratios.push({ name: `gRPC ${op}/s skiff-store/${etcdLabel}`, value: skiff / real, target: 1 });
      }
      notes.push(
        `gRPC: skiff-store (dist/bin/skiff-store.js, wasm engine, --fsync=always) and ${etcdLabel} (default flags: WAL fsync'ed on every commit) each run alone in their own process on this machine with a fresh temp data dir, one after the other. ` +
          `The load client is the same for both: the package's createEtcdClient, one client with ${inFlight} requests in flight, running in this bench process (so it competes with the server for the same cores). ` +
          'Same keys (preloaded untimed), values (1 KiB), counts and order; a warm-up of gets precedes timing. "server CPU" rows are the server process\'s CPU per operation (from /proc), "client CPU" rows this process\'s: ' +
          'where client CPU per op approaches 1 / (ops/s) of a core, the single Node client, not the server, bounds the rate.',
      );
    }

    notes.push('sorted-btree stores references to the caller\'s keys and values (no copies) and keeps no history; the MVCC engines copy both and keep every revision, so its memory figure counts tree nodes only.');
    for (const r of ratios) if (r.target !== undefined && r.value < r.target) notes.push(`target missed: ${r.name} = ${r.value.toFixed(2)} (target ${r.target})`);
    return { results, ratios, notes };
  },
};
