import type { Pod } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { podsToDelete } from './pod-ranking.js';

function pod(name: string, o: { node?: string; phase?: string; readySince?: string; restarts?: number; created?: string } = {}): Pod {
  return {
    metadata: { name, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z' },
    spec: { nodeName: o.node, containers: [] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', image: '', imageID: '', ready: !!o.readySince, restartCount: o.restarts ?? 0 }],
    },
  };
}

const names = (ps: Pod[]) => ps.map((p) => p.metadata!.name);

describe('podsToDelete', () => {
  it.each([
    { why: 'an unscheduled pod before a scheduled one', pods: [pod('scheduled', { node: 'n', readySince: '2024-01-01T00:00:00Z' }), pod('unscheduled', { phase: 'Pending' })], first: 'unscheduled' },
    { why: 'a pending pod before a running one', pods: [pod('running', { node: 'n' }), pod('pending', { node: 'n', phase: 'Pending' })], first: 'pending' },
    { why: 'a not-ready pod before a ready one', pods: [pod('ready', { node: 'n', readySince: '2024-01-01T00:00:00Z' }), pod('not-ready', { node: 'n' })], first: 'not-ready' },
    {
      why: 'the pod ready for less time',
      pods: [pod('old-ready', { node: 'n', readySince: '2024-01-01T00:00:00Z' }), pod('new-ready', { node: 'n', readySince: '2024-01-02T00:00:00Z' })],
      first: 'new-ready',
    },
    { why: 'the pod restarted more often', pods: [pod('calm', { node: 'n', restarts: 0 }), pod('crashy', { node: 'n', restarts: 5 })], first: 'crashy' },
    { why: 'the newer pod', pods: [pod('older', { node: 'n', created: '2024-01-01T00:00:00Z' }), pod('newer', { node: 'n', created: '2024-01-03T00:00:00Z' })], first: 'newer' },
  ])('deletes $why first', ({ pods, first }) => {
    expect(names(podsToDelete(pods, 1))).toEqual([first]);
  });

  it('picks the n least valuable in order', () => {
    const pods = [pod('ready', { node: 'n', readySince: '2024-01-01T00:00:00Z' }), pod('unscheduled', { phase: 'Pending' }), pod('not-ready', { node: 'n' })];
    expect(names(podsToDelete(pods, 2))).toEqual(['unscheduled', 'not-ready']);
  });
});
