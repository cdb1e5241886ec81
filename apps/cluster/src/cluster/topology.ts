/**
 * Names and addresses derived from a cluster's state, so that every run (and `skiff reset` after a crash) computes
 * the same ones. Worked example, cluster id "3f0a", node network 10.240.0.0/24, cluster CIDR 10.244.0.0/16:
 *
 *   host bridge  skiff-3f0a      10.240.0.1/24 (also where the API server listens)
 *   node 1       skiff-node-1    netns skiff-3f0a-node-1, eth0 10.240.0.11, host end of its veth skiff-3f0a-1,
 *                                pods 10.244.1.0/24 (bridge skiff0 inside the netns, gateway 10.244.1.1)
 *   node 2       skiff-node-2    netns skiff-3f0a-node-2, eth0 10.240.0.12, ...           pods 10.244.2.0/24
 *   fake node 1  skiff-fake-1    no host objects; pod IPs from the upper half of the cluster CIDR
 *
 * Interface names stay within Linux's 15 characters: "skiff-" + 4 + "-" + up to 3 digits.
 */
import { join } from 'node:path';
import type { ClusterState } from './cluster-state.js';
import { formatCidr, hostAt, parseCidr, size, subnetAt, type Cidr } from '../network/cidr.js';

/** Node n's address is the (NODE_ADDRESS_OFFSET + n)-th of the node network; the first ten are left for the host. */
export const NODE_ADDRESS_OFFSET = 10;
export const MAX_NODES = 200;

export interface NodeTopology {
  readonly index: number;
  readonly name: string;
  /** Node's address on the cluster bridge (namespaces mode), or 127.0.0.1 (host mode). */
  readonly address: string;
  readonly podCidr: string;
  readonly netns: string;
  readonly hostVeth: string;
  readonly dir: string;
  readonly cgroupParent: string;
}

export interface ClusterTopology {
  readonly bridge: string;
  readonly gateway: string;
  readonly nodeCidr: Cidr;
  readonly clusterCidr: Cidr;
  /** Where fake nodes' pod IPs come from: the upper half of the cluster CIDR. */
  readonly fakePodCidr: Cidr;
  /** Comment on this cluster's iptables rules, so they can be found and removed. */
  readonly ruleTag: string;
  /** Prefix of every network namespace of this cluster's nodes. */
  readonly netnsPrefix: string;
  readonly nodes: NodeTopology[];
}

export function nodeName(index: number): string {
  return `skiff-node-${index}`;
}

export function fakeNodeName(index: number): string {
  return `skiff-fake-${index}`;
}

export function clusterTopology(state: ClusterState, dataDir: string): ClusterTopology {
  const nodeCidr = parseCidr(state.nodeCidr);
  const clusterCidr = parseCidr(state.clusterCidr);
  const hostMode = state.network === 'host';
  const nodes: NodeTopology[] = [];
  for (let i = 1; i <= state.nodes; i++) nodes.push(nodeTopology(state, dataDir, i, nodeCidr, clusterCidr, hostMode));
  return {
    bridge: `skiff-${state.id}`,
    gateway: hostMode ? '127.0.0.1' : hostAt(nodeCidr, 1),
    nodeCidr,
    clusterCidr,
    fakePodCidr: subnetAt(clusterCidr, clusterCidr.bits + 1, 1),
    ruleTag: `skiff-${state.id}`,
    netnsPrefix: `skiff-${state.id}-node-`,
    nodes,
  };
}

function nodeTopology(state: ClusterState, dataDir: string, i: number, nodeCidr: Cidr, clusterCidr: Cidr, hostMode: boolean): NodeTopology {
  const name = nodeName(i);
  return {
    index: i,
    name,
    address: hostMode ? '127.0.0.1' : hostAt(nodeCidr, NODE_ADDRESS_OFFSET + i),
    podCidr: formatCidr(subnetAt(clusterCidr, 24, i)),
    netns: `skiff-${state.id}-node-${i}`,
    hostVeth: `skiff-${state.id}-${i}`,
    dir: join(dataDir, 'nodes', name),
    cgroupParent: `/skiff-${state.id}/${name}`,
  };
}

/** Why a cluster of this shape cannot be laid out, or undefined when it can. */
export function layoutProblem(state: Pick<ClusterState, 'nodeCidr' | 'clusterCidr' | 'nodes'>): string | undefined {
  const nodeCidr = parseCidr(state.nodeCidr);
  const clusterCidr = parseCidr(state.clusterCidr);
  if (state.nodes > MAX_NODES) return `at most ${MAX_NODES} real nodes (use --fake-nodes for more)`;
  if (size(nodeCidr) < NODE_ADDRESS_OFFSET + state.nodes + 2) return `node network ${state.nodeCidr} is too small for ${state.nodes} nodes`;
  // Real nodes take /24s numbered from 1 in the lower half; the upper half is for fake nodes' pods.
  if (clusterCidr.bits > 22 || 2 ** (24 - clusterCidr.bits) / 2 <= state.nodes) {
    return `cluster CIDR ${state.clusterCidr} is too small for ${state.nodes} nodes: each takes a /24 of its lower half (a /16 is usual)`;
  }
  return undefined;
}
