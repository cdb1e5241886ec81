import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterArb } from '../../test-util/arbitraries.js';
import { CoreHarness } from '../../test-util/core-harness.js';
import type { V1Pod } from '@kubernetes/client-node';
import { encodePod } from '../model/encode-pod.js';
import { Cache, Hdr } from './codes.js';

/**
 * The two engines must make the same decision for every pod: same node (same seed), same number of nodes
 * evaluated and found feasible, same rejection counts and the same per-node statuses.
 */
describe('wasm and ts engines', () => {
  it('schedule random pods onto random clusters identically, one cycle at a time', () => {
    fc.assert(
      fc.property(clusterArb, (c) => {
        const hs = (['wasm', 'ts'] as const).map((k) => new CoreHarness(k, c.profile, c.seed));
        for (const h of hs) {
          h.namespaceLabels = c.namespaceLabels;
          for (const n of c.nodes) h.addNode(n);
          for (const p of c.existing) h.addPod(p);
        }
        for (const pod of c.incoming) {
          const [w, t] = hs.map((h) => h.schedule(pod, true));
          expect(w!.result).toEqual(t!.result);
          expect(w!.statuses).toEqual(t!.statuses);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('schedule a batch identically and agree with filterOne on every node', () => {
    fc.assert(
      fc.property(clusterArb, (c) => {
        const hs = (['wasm', 'ts'] as const).map((k) => new CoreHarness(k, c.profile, c.seed));
        const outs = hs.map((h) => {
          h.namespaceLabels = c.namespaceLabels;
          for (const n of c.nodes) h.addNode(n);
          for (const p of c.existing) h.addPod(p);
          const model = h.core.model;
          const slots = c.incoming.map((p) => model.pods.add(encodePod(p, model, h.options(p))));
          const batch = h.core.scheduleBatch(slots, 0);
          const probe = slots[Math.min(batch.done, slots.length - 1)]!;
          const verdicts = c.nodes.map((n) => h.core.filterOne(probe, 0, model.nodeSlot(n.metadata!.name!)!));
          return { done: batch.done, nodes: Array.from(batch.nodes), last: batch.last, verdicts };
        });
        expect(outs[0]).toEqual(outs[1]);
      }),
      { numRuns: 100 },
    );
  });
});

/**
 * The per-node result cache must be invisible: the same pods (repeated, so later ones hit the cache) get the
 * same results and statuses as with the cache dropped before every cycle.
 */
describe.each(['wasm', 'ts'] as const)('the per-node result cache (%s)', (engine) => {
  it('never changes a decision', () => {
    fc.assert(
      fc.property(clusterArb, fc.integer({ min: 2, max: 4 }), fc.boolean(), (c, repeats, plain) => {
        const [cached, fresh] = [0, 1].map(() => new CoreHarness(engine, c.profile, c.seed));
        // Without pod affinity anywhere, pods without spreading and affinity terms are cacheable.
        const strip = (p: V1Pod): V1Pod => (plain ? { ...p, spec: { ...p.spec!, affinity: { nodeAffinity: p.spec!.affinity?.nodeAffinity }, topologySpreadConstraints: [] } } : p);
        for (const h of [cached!, fresh!]) {
          h.namespaceLabels = c.namespaceLabels;
          for (const n of c.nodes) h.addNode(n);
          for (const p of c.existing) h.addPod(strip(p));
        }
        let cacheUsed = 0;
        for (let r = 0; r < repeats; r++) {
          for (const pod of c.incoming) {
            const copy = structuredClone(strip(pod));
            copy.metadata!.name = `${pod.metadata!.name}-${r}`;
            fresh!.core.model.table.bumpEpoch();
            const a = cached!.schedule(copy, true);
            const b = fresh!.schedule(copy, true);
            expect(a.result).toEqual(b.result);
            expect(a.statuses).toEqual(b.statuses);
            const v = cached!.core.model.table.v;
            if (r > 0 && a.statuses.some((s) => v.cache[s.node * Cache.Words + Cache.Epoch] === v.hdr[Hdr.Epoch])) cacheUsed++;
          }
        }
        if (plain) expect(cacheUsed).toBeGreaterThan(0);
      }),
      { numRuns: 80 },
    );
  });
});
