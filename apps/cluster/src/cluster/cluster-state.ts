/**
 * What a cluster is, kept in <data dir>/cluster.json so that the next `skiff up` resumes the same cluster (same
 * id, networks and nodes) and `skiff reset` knows what a crashed run may have left on the host.
 *
 * Written once when the cluster is created and again whenever its shape changes (nodes added); never holds
 * objects: those live in the store.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ClusterError } from '../errors.js';

export type StoreKind = 'skiff' | 'embedded' | 'etcd';
export type NetworkMode = 'namespaces' | 'host';

export interface ClusterState {
  readonly version: 1;
  /** Four hex digits; names the host objects of this cluster (bridge, namespaces, interfaces, cgroups). */
  readonly id: string;
  readonly createdAt: string;
  /** 'namespaces': each node is a network namespace on a bridge (root); 'host': every node shares the host's network. */
  network: NetworkMode;
  /** Host gateway and node addresses (namespaces mode). */
  nodeCidr: string;
  /** Pods' addresses; node n gets the n-th /24 of it. */
  clusterCidr: string;
  serviceCidr: string;
  store: { kind: StoreKind; endpoints?: string[] };
  /** Real nodes (node agent + CRI + proxy each), numbered 1..nodes. */
  nodes: number;
  /** Simulated nodes, numbered 1..fakeNodes. */
  fakeNodes: number;
}

const FILE = 'cluster.json';

export function statePath(dataDir: string): string {
  return `${dataDir}/${FILE}`;
}

export function newClusterId(): string {
  return randomBytes(2).toString('hex');
}

export function loadClusterState(dataDir: string): ClusterState | undefined {
  const path = statePath(dataDir);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ClusterError('StateMismatch', `${path} is not valid JSON (${(e as Error).message}); \`skiff reset --data-dir ${dataDir}\` starts over`);
  }
  const s = parsed as Partial<ClusterState>;
  if (s.version !== 1 || typeof s.id !== 'string' || !/^[0-9a-f]{4}$/.test(s.id) || typeof s.nodes !== 'number') {
    throw new ClusterError('StateMismatch', `${path} is not a cluster description this skiff understands; \`skiff reset --data-dir ${dataDir}\` starts over`);
  }
  return s as ClusterState;
}

/** Atomic: a crash leaves either the old or the new file. */
export function saveClusterState(dataDir: string, state: ClusterState): void {
  const path = statePath(dataDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
