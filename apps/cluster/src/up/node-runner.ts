/**
 * One real node of `skiff up`: its network (as root: a namespace on the cluster bridge), then, inside that
 * namespace, its CRI runtime, its node agent and its service proxy, each a process of its own that reaches the
 * control plane only through the API server (the node's own kubeconfig).
 *
 * Stopping is the reverse: proxy; node agent; its pods, terminated through the CRI with their grace periods; the
 * runtime; the node's cgroups; and last its namespace and routes.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeKubeconfig } from '../cluster/kubeconfig-file.js';
import type { NodeTopology } from '../cluster/topology.js';
import { setUpNodeNetwork, tearDownNodeNetwork } from '../network/node-network.js';
import { removeCgroupTree } from '../system/cgroups.js';
import { choosePort } from '../system/ports.js';
import type { SupervisedProcess } from '../supervisor/supervised-process.js';
import { startOptional } from './control-plane.js';
import { sweepRuntime, waitForRuntime } from './cri-sweep.js';
import { spawnComponent, type UpContext } from './up-context.js';

/** Containers get their pod's terminationGracePeriodSeconds to stop, but at most this, so stopping stays bounded. */
const MAX_POD_GRACE_SECONDS = 30;
const DEFAULT_POD_GRACE_SECONDS = 30;
const RUNTIME_START_TIMEOUT_MS = 60_000;
const PROXY_METRICS_PORT = 10249;

export interface RunningNode {
  readonly node: NodeTopology;
  readonly kubeconfig: string;
  readonly criSocket: string;
  cri?: SupervisedProcess;
  agent?: SupervisedProcess;
  proxy?: SupervisedProcess;
}

/** A node before its start: register it with the cluster's parts first, so that stopping also undoes a half-done start. */
export function plannedNode(node: NodeTopology): RunningNode {
  return { node, kubeconfig: join(node.dir, 'kubeconfig'), criSocket: join(node.dir, 'cri', 'skiff-cri.sock') };
}

export async function startNode(ctx: UpContext, running: RunningNode, apiUrl: string): Promise<void> {
  const { node } = running;
  const namespaces = ctx.state.network === 'namespaces';
  const netns = namespaces ? node.netns : undefined;
  if (namespaces) {
    await setUpNodeNetwork(ctx.topology, node);
    ctx.reporter.progress(`${node.name}: network namespace ${node.netns}, address ${node.address}, pods ${node.podCidr}`);
  }
  mkdirSync(join(node.dir, 'cri'), { recursive: true });
  mkdirSync(join(node.dir, 'agent'), { recursive: true });
  mkdirSync(join(node.dir, 'manifests'), { recursive: true });
  writeKubeconfig(running.kubeconfig, { server: apiUrl, name: `skiff-${ctx.state.id}`, user: `system:node:${node.name}` });

  running.cri = spawnComponent(ctx, { label: `${node.name}/cri`, component: 'cri', args: criArgs(ctx, node, running), netns });
  const version = await Promise.race([
    waitForRuntime(running.criSocket, RUNTIME_START_TIMEOUT_MS),
    running.cri.exited.then((info) => Promise.reject(new Error(running.cri!.describeExit(info)))),
  ]);
  ctx.reporter.progress(`${node.name}: CRI runtime ready (${version})`);
  running.agent = startOptional(ctx, 'node', agentArgs(ctx, node, running), netns, `${node.name}/agent`);
  // On the shared host network, node ports and cluster IPs are the same for every node: one proxy serves them all.
  if (namespaces || node.index === 1) running.proxy = startOptional(ctx, 'proxy', await proxyArgs(ctx, node, running), netns, `${node.name}/proxy`);
}

function criArgs(ctx: UpContext, node: NodeTopology, r: RunningNode): string[] {
  const args = [
    '--root', join(node.dir, 'cri'),
    '--socket', r.criSocket,
    '--pod-cidr', node.podCidr,
    '--cgroup-parent', node.cgroupParent,
    '--streaming-address', node.address,
    '--log-level', ctx.options.logLevel,
  ];
  // In its own namespace a node's pod bridge keeps the default name; on the shared host network each node needs its
  // own. Pods keep their addresses across nodes (no masquerade); the host masquerades traffic leaving the cluster.
  if (ctx.state.network === 'namespaces') args.push('--no-ip-masq');
  else args.push('--bridge', `${ctx.topology.bridge}-p${node.index}`);
  return args;
}

/** The node agent's arguments (skiff-node-agent's flags). */
function agentArgs(ctx: UpContext, node: NodeTopology, r: RunningNode): string[] {
  const namespaces = ctx.state.network === 'namespaces';
  return [
    '--node-name', node.name,
    '--kubeconfig', r.kubeconfig,
    '--cri-socket', r.criSocket,
    '--root', join(node.dir, 'agent'),
    '--node-ip', node.address,
    // In its namespace each node has its own address and the kubelet's usual port; on the host they would collide.
    '--address', node.address,
    '--port', namespaces ? '10250' : '0',
    '--pod-cidr', node.podCidr,
    '--cgroup-parent', node.cgroupParent,
    // Static pods: a Pod manifest dropped here runs on this node (mirrored in the API server).
    '--pod-manifest-path', join(node.dir, 'manifests'),
    // Every node shares the host's disk: as kind does for its nodes, disk signals are off (0%), so a nearly full
    // disk does not put every node under DiskPressure and refuse all pods; memory pressure still evicts.
    '--eviction-hard', 'memory.available<100Mi,nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%,imagefs.inodesFree<0%',
    ...(ctx.clusterDns ? ['--cluster-dns', ctx.clusterDns] : []),
    '--log-level', ctx.options.logLevel,
  ];
}

/** The per-node service proxy's arguments (skiff-proxy's flags, kube-proxy's names). */
async function proxyArgs(ctx: UpContext, node: NodeTopology, r: RunningNode): Promise<string[]> {
  const args = [
    '--kubeconfig', r.kubeconfig,
    '--node-name', node.name,
    // NodePorts listen on the node's address; the host reaches them there.
    '--bind-address', node.address,
    '--cluster-cidr', ctx.state.clusterCidr,
    ...(ctx.clusterDns ? ['--cluster-dns', ctx.clusterDns] : []),
    '--proxy-mode', ctx.options.proxyMode,
    '--log-level', ctx.options.logLevel,
  ];
  // On the shared host network one proxy serves every node (see startNode); it keeps its cluster IPs on an
  // interface of this cluster's own, so that two clusters on one host do not share kube-ipvs0.
  if (ctx.state.network === 'host') {
    if (process.getuid?.() === 0) args.push('--cluster-ip-interface', `${ctx.topology.bridge}-v`);
    // kube-proxy's metrics port is per host here, not per node namespace: take another if it is in use.
    const { port } = await choosePort('127.0.0.1', PROXY_METRICS_PORT);
    args.push('--metrics-bind-address', `127.0.0.1:${port}`);
  }
  return args;
}

/** Stops the node's processes and removes what it made on the host. Collects problems rather than stopping at the first. */
export async function stopNode(ctx: UpContext, r: RunningNode, opts: { force: boolean }): Promise<string[]> {
  const problems: string[] = [];
  const grace = opts.force ? 0 : 1;
  await r.proxy?.stop(10_000 * grace);
  await r.agent?.stop(30_000 * grace);
  // The node agent leaves containers running when it stops (so that a restarted agent adopts them); when the
  // cluster stops, its pods are terminated through the CRI with their grace periods.
  if (r.cri?.running) {
    try {
      const max = opts.force ? 0 : MAX_POD_GRACE_SECONDS;
      const swept = await sweepRuntime(r.criSocket, Math.min(DEFAULT_POD_GRACE_SECONDS, max), max);
      if (swept.sandboxes > 0) ctx.reporter.progress(`${r.node.name}: stopped ${swept.containers} container(s) in ${swept.sandboxes} pod(s)`);
      problems.push(...swept.failures.map((f) => `${r.node.name}: ${f}`));
    } catch (e) {
      problems.push(`${r.node.name}: could not sweep its CRI runtime: ${(e as Error).message}`);
    }
  }
  await r.cri?.stop(15_000 * grace);
  const left = removeCgroupTree(r.node.cgroupParent);
  if (left.length) problems.push(`${r.node.name}: cgroups still in use: ${left.join(', ')}`);
  if (ctx.state.network === 'namespaces') {
    try {
      await tearDownNodeNetwork(r.node);
    } catch (e) {
      problems.push(`${r.node.name}: ${(e as Error).message}`);
    }
  }
  return problems;
}
