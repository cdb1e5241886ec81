/**
 * The cluster's network as root: nodes as network namespaces on one host bridge, like hosts on a LAN.
 *
 *   host: bridge skiff-<id> (gateway, API server address) -- veth skiff-<id>-<n> --> netns of node n: eth0
 *         route <pod CIDR of node n> via <address of node n>
 *   node netns: default via the gateway; its pods' bridge (made by the CNI plugin when the first pod starts)
 *
 * So a pod reaches a pod on another node as pod -> its node -> host -> other node -> pod, with no NAT, and the host
 * reaches node addresses (NodePorts) and pod IPs directly. Traffic from pods and nodes to anywhere else leaves
 * through the host with masquerade. Every step is idempotent: setting up over a crashed run's leftovers reuses them.
 */
import { existsSync } from 'node:fs';
import { formatCidr } from './cidr.js';
import type { ClusterTopology, NodeTopology } from '../cluster/topology.js';
import { mustRun, runCommand } from '../system/run-command.js';

export function netnsPath(name: string): string {
  return `/run/netns/${name}`;
}

async function linkExists(name: string, netns?: string): Promise<boolean> {
  const args = netns ? ['-n', netns, 'link', 'show', name] : ['link', 'show', name];
  return (await runCommand('ip', args)).code === 0;
}

/** Bridge, gateway address, forwarding and the masquerade/forward rules. */
export async function setUpClusterNetwork(t: ClusterTopology): Promise<void> {
  if (!(await linkExists(t.bridge))) await mustRun('ip', ['link', 'add', t.bridge, 'type', 'bridge']);
  await mustRun('ip', ['addr', 'replace', `${t.gateway}/${t.nodeCidr.bits}`, 'dev', t.bridge]);
  await mustRun('ip', ['link', 'set', t.bridge, 'up']);
  // Forwarding is a host-wide switch; turning it on is required and harmless, turning it off again would break
  // any other cluster on this host, so it stays on.
  await mustRun('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  for (const rule of clusterRules(t)) await ensureRule(rule);
}

export async function tearDownClusterNetwork(t: ClusterTopology): Promise<void> {
  for (const rule of clusterRules(t)) await deleteRule(rule);
  if (await linkExists(t.bridge)) await mustRun('ip', ['link', 'delete', t.bridge]);
}

/** The node's namespace, its veth onto the bridge, its address and default route, and the host's route to its pods. */
export async function setUpNodeNetwork(t: ClusterTopology, node: NodeTopology): Promise<void> {
  if (!existsSync(netnsPath(node.netns))) await mustRun('ip', ['netns', 'add', node.netns]);
  if (!(await linkExists(node.hostVeth))) {
    if (await linkExists('eth0', node.netns)) await mustRun('ip', ['-n', node.netns, 'link', 'delete', 'eth0']);
    await mustRun('ip', ['link', 'add', node.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns]);
  }
  await mustRun('ip', ['link', 'set', node.hostVeth, 'master', t.bridge, 'up']);
  const inNode = (args: string[]) => mustRun('ip', ['-n', node.netns, ...args]);
  await inNode(['link', 'set', 'lo', 'up']);
  await inNode(['addr', 'replace', `${node.address}/${t.nodeCidr.bits}`, 'dev', 'eth0']);
  await inNode(['link', 'set', 'eth0', 'up']);
  await inNode(['route', 'replace', 'default', 'via', t.gateway, 'dev', 'eth0']);
  await mustRun('ip', ['netns', 'exec', node.netns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  await routePods(t, node.podCidr, node.address);
}

/** Host route to a node's pod network; `replace` also moves it when the node's podCIDR changed owner. */
export async function routePods(t: ClusterTopology, podCidr: string, via: string): Promise<void> {
  await mustRun('ip', ['route', 'replace', podCidr, 'via', via, 'dev', t.bridge]);
}

export async function tearDownNodeNetwork(node: NodeTopology): Promise<void> {
  await runCommand('ip', ['route', 'delete', node.podCidr]);
  if (existsSync(netnsPath(node.netns))) await mustRun('ip', ['netns', 'delete', node.netns]);
  // The veth pair goes with the namespace (the kernel removes the host end a moment later); a host end left by a
  // half-done setup is removed here, and one that vanishes meanwhile is just as good.
  if (await linkExists(node.hostVeth)) {
    const r = await runCommand('ip', ['link', 'delete', node.hostVeth]);
    if (r.code !== 0 && (await linkExists(node.hostVeth))) throw new Error(`cannot delete ${node.hostVeth}: ${r.stderr.trim()}`);
  }
}

/** Network namespaces on this host that belong to the cluster (including ones of nodes it no longer has). */
export async function clusterNetnsNames(t: ClusterTopology): Promise<string[]> {
  const out = await runCommand('ip', ['netns', 'list']);
  return out.stdout
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(t.netnsPrefix));
}

/** Host interfaces of the cluster (bridge and veth host ends). */
export async function clusterLinkNames(t: ClusterTopology): Promise<string[]> {
  const out = await runCommand('ip', ['-o', 'link', 'show']);
  return out.stdout
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
    .filter((name): name is string => !!name && (name === t.bridge || name.startsWith(`${t.bridge}-`)));
}

/** Host routes that lead into the cluster's bridge. */
export async function clusterRoutes(t: ClusterTopology): Promise<string[]> {
  const out = await runCommand('ip', ['-4', 'route', 'show', 'dev', t.bridge]);
  return out.code === 0 ? out.stdout.split('\n').filter((l) => l.includes(' via ')) : [];
}

interface Rule {
  table: string;
  chain: string;
  spec: string[];
}

function clusterRules(t: ClusterTopology): Rule[] {
  const tag = ['-m', 'comment', '--comment', t.ruleTag];
  const cluster = formatCidr(t.clusterCidr);
  const nodes = formatCidr(t.nodeCidr);
  return [
    { table: 'nat', chain: 'POSTROUTING', spec: ['-s', cluster, '!', '-o', t.bridge, ...tag, '-j', 'MASQUERADE'] },
    { table: 'nat', chain: 'POSTROUTING', spec: ['-s', nodes, '!', '-o', t.bridge, ...tag, '-j', 'MASQUERADE'] },
    // Accept explicitly: a host whose FORWARD policy is DROP (Docker sets that) would otherwise cut the nodes off.
    { table: 'filter', chain: 'FORWARD', spec: ['-i', t.bridge, ...tag, '-j', 'ACCEPT'] },
    { table: 'filter', chain: 'FORWARD', spec: ['-o', t.bridge, ...tag, '-j', 'ACCEPT'] },
  ];
}

async function ensureRule(r: Rule): Promise<void> {
  const check = await runCommand('iptables', ['-w', '-t', r.table, '-C', r.chain, ...r.spec]);
  if (check.code !== 0) await mustRun('iptables', ['-w', '-t', r.table, r.chain === 'FORWARD' ? '-I' : '-A', r.chain, ...r.spec]);
}

async function deleteRule(r: Rule): Promise<void> {
  // A rule added twice (two crashed runs) is deleted as often as it is there; bounded in case -D keeps succeeding.
  for (let i = 0; i < 16; i++) {
    if ((await runCommand('iptables', ['-w', '-t', r.table, '-D', r.chain, ...r.spec])).code !== 0) return;
  }
}
