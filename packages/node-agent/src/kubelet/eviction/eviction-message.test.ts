import { describe, expect, it } from 'vitest';
import { evictedStatus, rejectedStatus, withTerminalStatus } from './evicted-status.js';
import { evictionMessage } from './eviction-message.js';
import { parseThresholds } from './thresholds.js';

const Mi = 1024 * 1024;
const web = {
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: {
    containers: [
      { name: 'web', resources: {} },
      { name: 'cache', resources: { requests: { memory: '128Mi', 'ephemeral-storage': '1Gi' } } },
    ],
  },
};

describe('evictionMessage', () => {
  it("is the kubelet's text: the resource, the threshold met, each container above its request", () => {
    const thresholds = parseThresholds('memory.available<100Mi', true);
    const usage = { containers: [{ name: 'web', memoryWorkingSetBytes: 70 * Mi }, { name: 'cache', memoryWorkingSetBytes: 100 * Mi }] };
    const message = evictionMessage('memory', web, usage, thresholds, { 'memory.available': { available: 50 * Mi + 512 * 1024, capacity: 8192 * Mi } });
    expect(message).toBe('The node was low on resource: memory. Threshold quantity: 100Mi, available: 51712Ki. Container web was using 70Mi, request is 0, has larger consumption of memory. ');
  });

  it('names every container above its request, with the request as written', () => {
    const usage = { containers: [{ name: 'web', memoryWorkingSetBytes: 1000 }, { name: 'cache', memoryWorkingSetBytes: 200 * Mi }] };
    const message = evictionMessage('memory', web, usage, [], {});
    expect(message).toBe(
      'The node was low on resource: memory. Container web was using 1000, request is 0, has larger consumption of memory. Container cache was using 200Mi, request is 128Mi, has larger consumption of memory. ',
    );
  });

  it('for ephemeral-storage counts writable layer and logs, and resolves a percentage threshold', () => {
    const thresholds = parseThresholds('memory.available<100Mi,nodefs.available<10%', true);
    const usage = { containers: [{ name: 'web', rootfsBytes: 3 * Mi, logsBytes: Mi }, { name: 'cache', rootfsBytes: 5 * Mi }] };
    const message = evictionMessage('ephemeral-storage', web, usage, thresholds, {
      'memory.available': { available: 8 * Mi, capacity: 8192 * Mi },
      'nodefs.available': { available: 50 * Mi, capacity: 1000 * Mi },
    });
    // cache has no log figure: like the kubelet, no sentence for a container without both
    expect(message).toBe('The node was low on resource: ephemeral-storage. Threshold quantity: 100Mi, available: 50Mi. Container web was using 4Mi, request is 0, has larger consumption of ephemeral-storage. ');
  });

  it('has no container sentences for pids or without stats', () => {
    const thresholds = parseThresholds('pid.available<1k', true);
    expect(evictionMessage('pids', web, { containers: [], processes: 10 }, thresholds, { 'pid.available': { available: 900, capacity: 32768 } })).toBe(
      'The node was low on resource: pids. Threshold quantity: 1k, available: 900. ',
    );
    expect(evictionMessage('memory', web, undefined, [], {})).toBe('The node was low on resource: memory. ');
  });
});

describe('evicted and rejected statuses', () => {
  it('an evicted pod is Failed/Evicted with a DisruptionTarget condition, kept on later rewrites', () => {
    const terminal = evictedStatus('The node was low on resource: memory. ', '2024-01-01T00:00:00Z');
    const status = withTerminalStatus({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] }, terminal);
    expect(status).toEqual({
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: memory. ',
      conditions: [
        { type: 'Ready', status: 'False' },
        { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: 'The node was low on resource: memory. ', lastProbeTime: null, lastTransitionTime: '2024-01-01T00:00:00Z' },
      ],
    });
    const later = withTerminalStatus(status, evictedStatus('The node was low on resource: memory. ', '2024-01-01T00:05:00Z'));
    expect(later.conditions.filter((c: any) => c.type === 'DisruptionTarget')).toEqual([expect.objectContaining({ lastTransitionTime: '2024-01-01T00:00:00Z' })]);
  });

  it('a rejected pod is Failed with the reason, "Pod was rejected: ..." and its QoS class', () => {
    expect(rejectedStatus({ spec: { containers: [{ name: 'a' }] } }, 'Evicted', 'The node had condition: [DiskPressure]. ')).toEqual({
      phase: 'Failed',
      reason: 'Evicted',
      message: 'Pod was rejected: The node had condition: [DiskPressure]. ',
      qosClass: 'BestEffort',
    });
  });
});
