import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../cli/flags.js';
import type { ClusterState } from '../cluster/cluster-state.js';
import { UsageError } from '../errors.js';
import { resolveClusterState, upFlags, upOptionsFrom, type UpOptions } from './up-options.js';

function options(argv: string[]): UpOptions {
  return upOptionsFrom(parseCommandLine('skiff up', upFlags, argv).flags, () => '/data/.skiff');
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('expected a UsageError');
}

const recorded: ClusterState = {
  version: 1,
  id: '3f0a',
  createdAt: '2026-01-01T00:00:00Z',
  network: 'namespaces',
  nodeCidr: '10.240.0.0/24',
  clusterCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
  store: { kind: 'skiff' },
  nodes: 2,
  fakeNodes: 0,
};

describe('skiff up flags', () => {
  it('has defaults for everything a fresh clone needs', () => {
    const o = options([]);
    expect(o).toMatchObject({ dataDir: '/data/.skiff', apiPort: 6443, storePort: 2379, timeoutSeconds: 300, logLevel: 'info', verbose: false, proxyMode: 'userspace' });
    expect(o.nodes).toBeUndefined();
  });

  it.each([
    [['--etcd-endpoints', 'http://127.0.0.1:2379'], '--etcd-endpoints goes with --store etcd'],
    [['--store', 'etcd'], '--store etcd needs --etcd-endpoints URL[,URL...] (e.g. http://127.0.0.1:2379)'],
    [['--store', 'embedded', '--store-port', '2380'], '--store-port is for --store skiff, not embedded'],
    [['--store', 'mysql'], '--store: "mysql" is not one of skiff, embedded, etcd'],
    [['--etcd-endpoints', 'localhost:2379', '--store', 'etcd'], '--etcd-endpoints: "localhost:2379" must start with http:// or https://'],
    [['--cluster-cidr', '10.96.0.0/16'], '--cluster-cidr 10.96.0.0/16 overlaps --service-cidr 10.96.0.0/12'],
    [['--node-cidr', '10.244.7.0/24'], '--cluster-cidr 10.244.0.0/16 overlaps --node-cidr 10.244.7.0/24'],
    [['--cluster-cidr', '10.244.0.0/24'], '--cluster-cidr: 10.244.0.0/24 needs a prefix length between /8 and /22'],
    [['--nodes', '-1'], '--nodes: "-1" is not a whole number (0-200)'],
    [['--api-port', '70000'], '--api-port: 70000 is out of range (0-65535)'],
    [['--timeout', '0'], '--timeout: 0 is out of range (1-3600)'],
    [['--proxy-mode', 'ipvs'], '--proxy-mode: "ipvs" is not one of userspace, nftables'],
  ])('refuses %j: %s', (argv, message) => {
    expect(failure(() => options(argv))).toBe(message);
  });

  it('accepts a real etcd with its endpoints', () => {
    const o = options(['--store', 'etcd', '--etcd-endpoints', 'http://10.0.0.1:2379,http://10.0.0.2:2379']);
    expect(o.etcdEndpoints).toEqual(['http://10.0.0.1:2379', 'http://10.0.0.2:2379']);
  });
});

describe('resolveClusterState', () => {
  it('creates a cluster with namespaces as root and the host network otherwise', () => {
    const asRoot = resolveClusterState(undefined, options(['--nodes', '3']), true);
    expect(asRoot).toMatchObject({ network: 'namespaces', nodes: 3, fakeNodes: 0, clusterCidr: '10.244.0.0/16', store: { kind: 'skiff' } });
    expect(asRoot.id).toMatch(/^[0-9a-f]{4}$/);
    expect(resolveClusterState(undefined, options([]), false)).toMatchObject({ network: 'host', nodes: 2 });
  });

  it('refuses network namespaces without root, saying what to do', () => {
    expect(failure(() => resolveClusterState(undefined, options(['--network', 'namespaces']), false))).toMatch(/needs root .* use --network host/);
  });

  it('takes the nftables proxy mode only where each node has its own network namespace', () => {
    expect(resolveClusterState(undefined, options(['--proxy-mode', 'nftables']), true)).toMatchObject({ network: 'namespaces' });
    const needs = /--proxy-mode nftables needs --network namespaces/;
    expect(failure(() => resolveClusterState(undefined, options(['--proxy-mode', 'nftables', '--network', 'host']), true))).toMatch(needs);
    expect(failure(() => resolveClusterState(undefined, options(['--proxy-mode', 'nftables']), false))).toMatch(needs);
  });

  it('resumes the recorded cluster, taking a new node count', () => {
    const s = resolveClusterState(recorded, options(['--nodes', '4', '--fake-nodes', '10']), true);
    expect(s).toMatchObject({ id: '3f0a', nodes: 4, fakeNodes: 10, clusterCidr: '10.244.0.0/16' });
    expect(resolveClusterState(recorded, options([]), true).nodes).toBe(2);
  });

  it('refuses to change what the cluster was created with, pointing at skiff reset', () => {
    const message = failure(() => resolveClusterState(recorded, options(['--cluster-cidr', '10.200.0.0/16']), true));
    expect(message).toBe(
      '--cluster-cidr 10.200.0.0/16: the cluster in /data/.skiff was created with --cluster-cidr 10.244.0.0/16 (`skiff reset --data-dir /data/.skiff` wipes it to start over)',
    );
    expect(failure(() => resolveClusterState(recorded, options(['--store', 'embedded']), true))).toMatch(/created with --store skiff/);
    expect(failure(() => resolveClusterState(recorded, options([]), false))).toMatch(/network namespaces, which needs root/);
  });

  it('refuses more nodes than the networks can address', () => {
    const small = options(['--node-cidr', '10.240.0.0/28', '--nodes', '5']);
    expect(failure(() => resolveClusterState(undefined, small, true))).toBe('node network 10.240.0.0/28 is too small for 5 nodes');
    const narrow = options(['--cluster-cidr', '10.244.0.0/22', '--nodes', '2']);
    expect(failure(() => resolveClusterState(undefined, narrow, true))).toMatch(/cluster CIDR 10.244.0.0\/22 is too small for 2 nodes/);
  });
});
