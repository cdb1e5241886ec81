import type { BenchRatio, BenchResult, Suite } from '../result.js';
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
    notes.push('sorted-btree stores references to the caller\'s keys and values (no copies) and keeps no history; the MVCC engines copy both and keep every revision, so its memory figure counts tree nodes only.');
    for (const r of ratios) if (r.target !== undefined && r.value < r.target) notes.push(`target missed: ${r.name} = ${r.value.toFixed(2)} (target ${r.target})`);
    return { results, ratios, notes };
  },
};
