/**
 * `skiff up`'s flags, and how they combine with the cluster already in the data dir: a new cluster takes them
 * (with defaults), a resumed one keeps its shape and only accepts changes that are safe (more or fewer nodes);
 * anything else is refused with the flag, the recorded value, and the way out (`skiff reset`).
 */
import { flag, switchFlag } from '../cli/flags.js';
import { cidr, directory, logLevel, oneOf, port, urlList, wholeNumber } from '../cli/values.js';
import { newClusterId, type ClusterState, type NetworkMode, type StoreKind } from '../cluster/cluster-state.js';
import { layoutProblem, MAX_NODES } from '../cluster/topology.js';
import { UsageError } from '../errors.js';
import { formatCidr, overlaps, parseCidr } from '../network/cidr.js';

export const DEFAULTS = {
  nodes: 2,
  clusterCidr: '10.244.0.0/16',
  nodeCidr: '10.240.0.0/24',
  serviceCidr: '10.96.0.0/12',
  apiPort: 6443,
  storePort: 2379,
  timeoutSeconds: 300,
} as const;

export const upFlags = {
  dataDir: flag('DIR', 'where the cluster keeps its state', directory, '.skiff/ at the repository root'),
  nodes: flag('N', `real nodes (node agent, CRI runtime and proxy each), 0-${MAX_NODES}`, wholeNumber(0, MAX_NODES), `${DEFAULTS.nodes}, or as many as the cluster had`),
  fakeNodes: flag('N', 'simulated nodes (like kwok) in one extra process, for scale tests', wholeNumber(0, 100_000), '0, or as many as the cluster had'),
  store: flag('KIND', 'skiff (the skiff-store process), embedded (inside the API server) or etcd (a real etcd, with --etcd-endpoints)', oneOf(['skiff', 'embedded', 'etcd'] as const), 'skiff'),
  etcdEndpoints: flag('URL,...', 'etcd client URLs, with --store etcd', urlList),
  apiPort: flag('PORT', 'API server port (0: any free port)', port, String(DEFAULTS.apiPort)),
  storePort: flag('PORT', 'skiff-store client port on 127.0.0.1 (0: any free port)', port, String(DEFAULTS.storePort)),
  clusterCidr: flag('CIDR', 'pod addresses; node n gets the n-th /24', cidr(8, 22), DEFAULTS.clusterCidr),
  nodeCidr: flag('CIDR', 'node addresses on the cluster bridge (as root)', cidr(8, 28), DEFAULTS.nodeCidr),
  serviceCidr: flag('CIDR', 'Service cluster IPs', cidr(8, 24), DEFAULTS.serviceCidr),
  network: flag('MODE', 'namespaces (each node a network namespace; needs root) or host (all nodes on the host network)', oneOf(['namespaces', 'host'] as const), 'namespaces as root, else host'),
  proxyMode: flag('MODE', 'userspace (Service connections through each node\'s proxy) or nftables (kernel DNAT rules carry what they can; needs --network namespaces)', oneOf(['userspace', 'nftables'] as const), 'userspace'),
  timeout: flag('SECONDS', 'how long to wait for the cluster to become ready', wholeNumber(1, 3600), String(DEFAULTS.timeoutSeconds)),
  logLevel: flag('LEVEL', 'components\' log level (their logs go to <data dir>/logs)', logLevel, 'info'),
  verbose: switchFlag('show components\' info logs on the terminal, not only warnings and errors'),
};

export interface UpOptions {
  dataDir: string;
  nodes?: number;
  fakeNodes?: number;
  store?: StoreKind;
  etcdEndpoints?: string[];
  apiPort: number;
  storePort: number;
  clusterCidr?: string;
  nodeCidr?: string;
  serviceCidr?: string;
  network?: NetworkMode;
  proxyMode: 'userspace' | 'nftables';
  timeoutSeconds: number;
  logLevel: string;
  verbose: boolean;
}

type UpFlagValues = { [K in keyof typeof upFlags]?: ReturnType<(typeof upFlags)[K]['parse']> };

/** Flag values -> options, with the checks that involve more than one flag. */
export function upOptionsFrom(f: UpFlagValues, defaultDataDir: () => string): UpOptions {
  const cmd = 'skiff up';
  if (f.etcdEndpoints && f.store !== 'etcd') throw new UsageError(cmd, '--etcd-endpoints goes with --store etcd');
  if (f.store === 'etcd' && !f.etcdEndpoints) throw new UsageError(cmd, '--store etcd needs --etcd-endpoints URL[,URL...] (e.g. http://127.0.0.1:2379)');
  if (f.storePort !== undefined && f.store && f.store !== 'skiff') throw new UsageError(cmd, `--store-port is for --store skiff, not ${f.store}`);
  const text = (c: { base: number; bits: number } | undefined) => (c ? formatCidr(c) : undefined);
  const opts: UpOptions = {
    dataDir: f.dataDir ?? defaultDataDir(),
    nodes: f.nodes,
    fakeNodes: f.fakeNodes,
    store: f.store,
    etcdEndpoints: f.etcdEndpoints,
    apiPort: f.apiPort ?? DEFAULTS.apiPort,
    storePort: f.storePort ?? DEFAULTS.storePort,
    clusterCidr: text(f.clusterCidr),
    nodeCidr: text(f.nodeCidr),
    serviceCidr: text(f.serviceCidr),
    network: f.network,
    proxyMode: f.proxyMode ?? 'userspace',
    timeoutSeconds: f.timeout ?? DEFAULTS.timeoutSeconds,
    logLevel: f.logLevel ?? 'info',
    verbose: f.verbose ?? false,
  };
  const nets: [string, string][] = [
    ['--cluster-cidr', opts.clusterCidr ?? DEFAULTS.clusterCidr],
    ['--node-cidr', opts.nodeCidr ?? DEFAULTS.nodeCidr],
    ['--service-cidr', opts.serviceCidr ?? DEFAULTS.serviceCidr],
  ];
  for (let i = 0; i < nets.length; i++) {
    for (let j = i + 1; j < nets.length; j++) {
      const [an, a] = nets[i]!;
      const [bn, b] = nets[j]!;
      if (overlaps(parseCidr(a), parseCidr(b))) throw new UsageError(cmd, `${an} ${a} overlaps ${bn} ${b}`);
    }
  }
  return opts;
}

/**
 * The cluster to run: `existing` (from cluster.json) adjusted by the options, or a new one. `root` says whether
 * network namespaces are possible. Throws UsageError for options that contradict the recorded cluster.
 */
export function resolveClusterState(existing: ClusterState | undefined, o: UpOptions, root: boolean): ClusterState {
  const cmd = 'skiff up';
  if (o.network === 'namespaces' && !root) {
    throw new UsageError(cmd, '--network namespaces needs root (network namespaces, veths, routes); run as root or use --network host');
  }
  // On the host network the proxy's kernel table would be the host's, shared with anything else on it.
  if (o.proxyMode === 'nftables' && (!root || (o.network ?? existing?.network) === 'host')) {
    throw new UsageError(cmd, '--proxy-mode nftables needs --network namespaces (and so root): each node\'s rules live in its own namespace');
  }
  if (!existing) {
    const state: ClusterState = {
      version: 1,
      id: newClusterId(),
      createdAt: new Date().toISOString(),
      network: o.network ?? (root ? 'namespaces' : 'host'),
      nodeCidr: o.nodeCidr ?? DEFAULTS.nodeCidr,
      clusterCidr: o.clusterCidr ?? DEFAULTS.clusterCidr,
      serviceCidr: o.serviceCidr ?? DEFAULTS.serviceCidr,
      store: o.store === 'etcd' ? { kind: 'etcd', endpoints: o.etcdEndpoints } : { kind: o.store ?? 'skiff' },
      nodes: o.nodes ?? DEFAULTS.nodes,
      fakeNodes: o.fakeNodes ?? 0,
    };
    const problem = layoutProblem(state);
    if (problem) throw new UsageError(cmd, problem);
    return state;
  }
  const reset = `(\`skiff reset --data-dir ${o.dataDir}\` wipes it to start over)`;
  const keep = (flagName: string, given: string | undefined, recorded: string) => {
    if (given !== undefined && given !== recorded) {
      throw new UsageError(cmd, `${flagName} ${given}: the cluster in ${o.dataDir} was created with ${flagName} ${recorded} ${reset}`);
    }
  };
  keep('--cluster-cidr', o.clusterCidr, existing.clusterCidr);
  keep('--node-cidr', o.nodeCidr, existing.nodeCidr);
  keep('--service-cidr', o.serviceCidr, existing.serviceCidr);
  keep('--store', o.store, existing.store.kind);
  if (o.network !== undefined && o.network !== existing.network) keep('--network', o.network, existing.network);
  if (existing.network === 'namespaces' && !root) {
    throw new UsageError(cmd, `the cluster in ${o.dataDir} runs its nodes in network namespaces, which needs root; run as root ${reset}`);
  }
  const state: ClusterState = {
    ...existing,
    store: existing.store.kind === 'etcd' && o.etcdEndpoints ? { kind: 'etcd', endpoints: o.etcdEndpoints } : existing.store,
    nodes: o.nodes ?? existing.nodes,
    fakeNodes: o.fakeNodes ?? existing.fakeNodes,
  };
  const problem = layoutProblem(state);
  if (problem) throw new UsageError(cmd, problem);
  return state;
}
