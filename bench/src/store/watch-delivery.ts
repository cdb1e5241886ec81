import { createStore, prefixEnd, utf8, type EngineKind } from '@skiff/store-wasm';
import type { BenchResult } from '../result.js';
import type { Workload } from './workload.js';

/**
 * Watch delivery through the store: `watchers` watchers on the pods prefix, `puts` sequential puts; the figure is
 * events delivered per second (each put reaches every watcher).
 */
export async function watchDelivery(kind: EngineKind, w: Workload, watchers: number, puts: number): Promise<BenchResult> {
  const store = await createStore({ engine: kind });
  const prefix = utf8('/registry/pods/');
  let delivered = 0;
  for (let i = 0; i < watchers; i++) {
    store.watch({ key: prefix, rangeEnd: prefixEnd(prefix) }, {
      onEvents: (evs) => {
        delivered += evs.length;
      },
      onCompacted: () => {
        throw new Error('unexpected compaction');
      },
    });
  }
  const t = performance.now();
  for (let i = 0; i < puts; i++) {
    const k = w.order[i % w.size]!;
    await store.put(w.keys[k]!, w.values[k]!);
  }
  const elapsed = (performance.now() - t) / 1000;
  await store.close();
  if (delivered !== puts * watchers) throw new Error(`watch delivered ${delivered} events, expected ${puts * watchers}`);
  return { name: `watch delivery (${watchers} watchers)`, engine: kind, unit: 'events/s', value: delivered / elapsed };
}
