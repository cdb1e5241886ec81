import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { resolveEvictionConfig, type EvictionOptions } from './eviction-config.js';
import type { TerminalStatus } from './evicted-status.js';
import { EvictionManager } from './eviction-manager.js';
import type { Observations, PressureCondition } from './signals.js';
import type { PodUsage } from './stats-source.js';

const Mi = 1024 * 1024;

function pod(name: string, o: { priority?: number; memory?: string; grace?: number } = {}): any {
  const resources = o.memory ? { requests: { memory: o.memory }, limits: { memory: o.memory } } : {};
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { priority: o.priority, terminationGracePeriodSeconds: o.grace, containers: [{ name: 'app', resources }] },
  };
}

/** A node whose signals and pods the test sets; evictions take the pod off the node at once. */
function fakeNode(options: EvictionOptions, pods: any[], memoryMi: Record<string, number>) {
  let clock = 0;
  let observations: Observations = { 'memory.available': { available: 4096 * Mi, capacity: 8192 * Mi } };
  const active = new Map(pods.map((p) => [p.metadata.uid, p]));
  const evictions: { name: string; grace: number; status: TerminalStatus }[] = [];
  const events: string[] = [];
  const changes: PressureCondition[][] = [];
  const manager = new EvictionManager({
    config: resolveEvictionConfig(options),
    stats: {
      node: async () => observations,
      pods: async (list) =>
        new Map<string, PodUsage>(list.map((p) => [p.metadata.uid, { containers: [{ name: 'app', memoryWorkingSetBytes: (memoryMi[p.metadata.name] ?? 0) * Mi }] }])),
    },
    activePods: () => [...active.values()],
    evict: async (p, grace, status) => {
      active.delete(p.metadata.uid);
      evictions.push({ name: p.metadata.name, grace, status });
      return true;
    },
    event: (p, type, reason, message) => events.push(`${p.metadata.name} ${type} ${reason}: ${message}`),
    onPressureChange: (c) => changes.push([...c]),
    now: () => clock,
    logger: silentLogger(),
  });
  return {
    manager,
    evictions,
    events,
    changes,
    setMemoryMi(mi: number) {
      observations = { 'memory.available': { available: mi * Mi, capacity: 8192 * Mi } };
    },
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe('EvictionManager', () => {
  it('evicts one pod per round in ranking order, with grace 0 for a hard threshold, and never a critical pod', async () => {
    const pods = [pod('guaranteed', { priority: 1000, memory: '200Mi' }), pod('critical', { priority: 2_000_001_000 }), pod('besteffort')];
    const node = fakeNode({ hard: 'memory.available<100Mi' }, pods, { guaranteed: 50, critical: 500, besteffort: 70 });
    node.setMemoryMi(50);

    const first = await node.manager.synchronize();
    expect(first.evicted?.metadata.name).toBe('besteffort');
    expect(node.evictions).toEqual([
      {
        name: 'besteffort',
        grace: 0,
        status: {
          reason: 'Evicted',
          message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was using 70Mi, request is 0, has larger consumption of memory. ',
          conditions: [expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet' })],
        },
      },
    ]);
    expect(node.events).toEqual([`besteffort Warning Evicted: ${node.evictions[0]!.status.message}`]);

    await node.manager.synchronize();
    expect(node.evictions.map((e) => e.name)).toEqual(['besteffort', 'guaranteed']);
    // the critical pod is all that is left: pressure persists, nobody else is evicted
    const third = await node.manager.synchronize();
    expect(third.evicted).toBeUndefined();
    expect(node.evictions.map((e) => e.name)).toEqual(['besteffort', 'guaranteed']);
    expect([...node.manager.pressure()]).toEqual(['MemoryPressure']);
  });

  it('evicts nothing while no threshold is met', async () => {
    const node = fakeNode({}, [pod('a')], { a: 10 });
    const r = await node.manager.synchronize();
    expect(r.evicted).toBeUndefined();
    expect(node.manager.pressure().size).toBe(0);
  });

  it('waits out a soft threshold grace period, then gives the pod min(its grace, the max pod grace period)', async () => {
    const pods = [pod('slow', { grace: 60 }), pod('quick', { grace: 5 })];
    const node = fakeNode({ hard: '', soft: 'memory.available<1Gi', softGracePeriod: 'memory.available=30s', maxPodGracePeriodSeconds: 10 }, pods, { slow: 300, quick: 200 });
    node.setMemoryMi(512);
    await node.manager.synchronize();
    expect(node.evictions).toEqual([]);
    expect([...node.manager.pressure()]).toEqual(['MemoryPressure']);
    node.advance(30_000);
    await node.manager.synchronize();
    node.advance(10_000);
    await node.manager.synchronize();
    expect(node.evictions.map((e) => [e.name, e.grace])).toEqual([
      ['slow', 10],
      ['quick', 5],
    ]);
  });

  it('keeps the pressure condition for the transition period, reports changes, and admits by it', async () => {
    const node = fakeNode({ hard: 'memory.available<100Mi', pressureTransitionPeriodMs: 60_000 }, [], {});
    const bestEffort = pod('new');
    node.setMemoryMi(50);
    await node.manager.observe();
    expect(node.manager.admit(bestEffort)).toEqual({ admit: false, reason: 'Evicted', message: 'The node had condition: [MemoryPressure]. ' });
    expect(node.manager.admit(pod('burstable', { memory: '10Mi' })).admit).toBe(true);
    node.setMemoryMi(4096);
    node.advance(59_999);
    await node.manager.synchronize();
    expect([...node.manager.pressure()]).toEqual(['MemoryPressure']);
    node.advance(1);
    await node.manager.synchronize();
    expect(node.manager.pressure().size).toBe(0);
    expect(node.manager.admit(bestEffort).admit).toBe(true);
    expect(node.changes).toEqual([['MemoryPressure'], []]);
  });
});
