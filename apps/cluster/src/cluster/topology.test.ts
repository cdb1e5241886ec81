import { describe, expect, it } from 'vitest';
import type { ClusterState } from './cluster-state.js';
import { clusterTopology } from './topology.js';

const state: ClusterState = {
  version: 1,
  id: '3f0a',
  createdAt: '2026-01-01T00:00:00Z',
  network: 'namespaces',
  nodeCidr: '10.240.0.0/24',
  clusterCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
  store: { kind: 'skiff' },
  nodes: 2,
  fakeNodes: 5,
};

describe('clusterTopology', () => {
  it('derives every name and address from the cluster id and networks', () => {
    const t = clusterTopology(state, '/d');
    expect(t).toMatchObject({ bridge: 'skiff-3f0a', gateway: '10.240.0.1', ruleTag: 'skiff-3f0a', netnsPrefix: 'skiff-3f0a-node-' });
    expect(t.nodes[1]).toEqual({
      index: 2,
      name: 'skiff-node-2',
      address: '10.240.0.12',
      podCidr: '10.244.2.0/24',
      netns: 'skiff-3f0a-node-2',
      hostVeth: 'skiff-3f0a-2',
      dir: '/d/nodes/skiff-node-2',
      cgroupParent: '/skiff-3f0a/skiff-node-2',
    });
  });

  it('keeps fake nodes\' addresses in the upper half of the cluster CIDR, apart from real nodes\' pods', () => {
    expect(clusterTopology(state, '/d').fakePodCidr).toEqual(clusterTopology({ ...state, clusterCidr: '10.244.128.0/17' }, '/d').clusterCidr);
  });

  it('puts every node on 127.0.0.1 on the host network', () => {
    const t = clusterTopology({ ...state, network: 'host' }, '/d');
    expect(t.gateway).toBe('127.0.0.1');
    expect(t.nodes.map((n) => n.address)).toEqual(['127.0.0.1', '127.0.0.1']);
  });

  it('keeps interface names within the 15 characters Linux allows', () => {
    const t = clusterTopology({ ...state, nodes: 200 }, '/d');
    expect(Math.max(...t.nodes.map((n) => n.hostVeth.length))).toBeLessThanOrEqual(15);
  });
});
