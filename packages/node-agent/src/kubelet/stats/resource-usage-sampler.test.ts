import { describe, expect, it } from 'vitest';
import { CONTAINER_NAME, MANAGED_BY, MANAGER, POD_NAME, POD_NAMESPACE, POD_UID } from '../cri-labels.js';
import { ResourceUsageSampler } from './resource-usage-sampler.js';
import { statsSummary } from './stats-summary.js';

const labels = (pod: string, container: string) => ({ [POD_NAME]: pod, [POD_NAMESPACE]: 'default', [POD_UID]: `uid-${pod}`, [CONTAINER_NAME]: container, [MANAGED_BY]: MANAGER });

/** A runtime whose containers' cumulative CPU time and working set are set by the test. */
function runtime() {
  const containers = new Map<string, { pod: string; name: string; cpuNs: number; atNs: number; ws: number }>();
  return {
    containers,
    cri: {
      async listContainerStats() {
        return {
          stats: [...containers].map(([id, c]) => ({
            attributes: { id, metadata: null, labels: labels(c.pod, c.name), annotations: {} },
            cpu: { timestamp: c.atNs, usageCoreNanoSeconds: { value: c.cpuNs }, usageNanoCores: null },
            memory: { timestamp: c.atNs, workingSetBytes: { value: c.ws }, availableBytes: null, usageBytes: null, rssBytes: null, pageFaults: null, majorPageFaults: null },
            writableLayer: null,
            swap: null,
          })),
        };
      },
    },
  };
}

describe('ResourceUsageSampler', () => {
  it('reports CPU as the rate between two samples of a container, and memory from the first', async () => {
    const rt = runtime();
    rt.containers.set('c1', { pod: 'web', name: 'app', cpuNs: 5e9, atNs: 100e9, ws: 4 << 20 });
    const s = new ResourceUsageSampler(rt.cri as never, 2000);
    await s.sample();
    expect(s.latest()).toEqual([expect.objectContaining({ container: 'app', memoryWorkingSetBytes: 4 << 20 })]);
    expect(s.latest()[0]!.cpuNanoCores).toBeUndefined();
    // 0.5 s of CPU over 2 s: a quarter of a core
    rt.containers.set('c1', { pod: 'web', name: 'app', cpuNs: 5.5e9, atNs: 102e9, ws: 5 << 20 });
    await s.sample();
    expect(s.latest()[0]).toMatchObject({ cpuNanoCores: 250_000_000, cpuWindowMs: 2000, memoryWorkingSetBytes: 5 << 20 });
    // a restarted container (CPU time going back) starts a new window instead of a negative rate
    rt.containers.set('c1', { pod: 'web', name: 'app', cpuNs: 1e9, atNs: 104e9, ws: 5 << 20 });
    await s.sample();
    expect(s.latest()[0]!.cpuNanoCores).toBeUndefined();
  });

  it('keeps the last rate when a sample comes less than half an interval after the previous one', async () => {
    const rt = runtime();
    rt.containers.set('c1', { pod: 'web', name: 'app', cpuNs: 0, atNs: 10e9, ws: 1 });
    const s = new ResourceUsageSampler(rt.cri as never, 2000);
    await s.sample();
    // too soon for a first rate: none yet, and the window still starts at 10 s
    rt.containers.set('c1', { pod: 'web', name: 'app', cpuNs: 0.2e9, atNs: 10.2e9, ws: 1 });
    await s.sample();
    expect(s.latest()[0]!.cpuNanoCores).toBeUndefined();
    rt.containers.set('c1', { pod: 'web', name: 'app', cpuNs: 1e9, atNs: 12e9, ws: 1 });
    await s.sample();
    expect(s.latest()[0]).toMatchObject({ cpuNanoCores: 500_000_000, cpuWindowMs: 2000 });
    // 100 ms later, all of it busy: a rate over that would read a whole core; the 2 s one stands
    rt.containers.set('c1', { pod: 'web', name: 'app', cpuNs: 1.1e9, atNs: 12.1e9, ws: 1 });
    await s.sample();
    expect(s.latest()[0]).toMatchObject({ cpuNanoCores: 500_000_000, cpuWindowMs: 2000 });
    // the next window runs from 12 s, not from 12.1 s
    rt.containers.set('c1', { pod: 'web', name: 'app', cpuNs: 1.3e9, atNs: 14e9, ws: 1 });
    await s.sample();
    expect(s.latest()[0]).toMatchObject({ cpuNanoCores: 150_000_000, cpuWindowMs: 2000 });
  });

  it('summarises pods and sums the node from them', async () => {
    const rt = runtime();
    rt.containers.set('a', { pod: 'web', name: 'app', cpuNs: 0, atNs: 1e9, ws: 1000 });
    rt.containers.set('b', { pod: 'web', name: 'side', cpuNs: 0, atNs: 1e9, ws: 3000 });
    const s = new ResourceUsageSampler(rt.cri as never, 2000);
    await s.sample();
    rt.containers.set('a', { pod: 'web', name: 'app', cpuNs: 1e9, atNs: 2e9, ws: 1000 });
    rt.containers.set('b', { pod: 'web', name: 'side', cpuNs: 0.5e9, atNs: 2e9, ws: 3000 });
    await s.sample();
    const pods = [{ metadata: { name: 'web', namespace: 'default', uid: 'uid-web' }, status: { startTime: '2026-01-01T00:00:00Z' } }, { metadata: { name: 'gone', namespace: 'default', uid: 'uid-gone' } }];
    const summary = statsSummary('n1', '2026-01-01T00:00:00Z', pods, s.latest()) as any;
    expect(summary.pods).toHaveLength(1);
    expect(summary.pods[0]).toMatchObject({ podRef: { name: 'web' }, cpu: { usageNanoCores: 1.5e9, windowSeconds: 1 }, memory: { workingSetBytes: 4000 } });
    expect(summary.pods[0].containers.map((c: any) => c.name)).toEqual(['app', 'side']);
    expect(summary.node).toMatchObject({ nodeName: 'n1', cpu: { usageNanoCores: 1.5e9, windowSeconds: 1 }, memory: { workingSetBytes: 4000 } });
  });
});
