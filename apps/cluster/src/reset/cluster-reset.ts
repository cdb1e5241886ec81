/**
 * `skiff reset`: removes a stopped cluster completely, including what a crashed run left on the host.
 *
 * Order: pods first, through each node's own CRI runtime started for the purpose (it adopts its containers and
 * removes them properly: containers, pod network namespaces, CNI addresses); then, for anything that survived,
 * processes in the cluster's cgroups are killed and pod namespaces the runtime recorded are deleted; then node
 * namespaces, veths, the bridge and iptables rules; the cluster's cgroups; mounts below the data dir; and the data
 * dir itself.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadClusterState, type ClusterState } from '../cluster/cluster-state.js';
import { dataDirLayout, runningOwner } from '../cluster/data-dir.js';
import { clusterTopology, type ClusterTopology, type NodeTopology } from '../cluster/topology.js';
import { skiffEntry } from '../components/components.js';
import { ClusterError } from '../errors.js';
import { clusterLinkNames, clusterNetnsNames, netnsPath, tearDownClusterNetwork, tearDownNodeNetwork } from '../network/node-network.js';
import { removeCgroupTree } from '../system/cgroups.js';
import { unmountUnder } from '../system/mounts.js';
import { mustRun, runCommand } from '../system/run-command.js';
import { memoryReporter, type Reporter } from '../supervisor/reporter.js';
import { SupervisedProcess } from '../supervisor/supervised-process.js';
import { sweepRuntime, waitForRuntime } from '../up/cri-sweep.js';

export interface ResetReport {
  removed: string[];
  problems: string[];
}

export async function resetCluster(dataDir: string, reporter: Reporter): Promise<ResetReport> {
  const dir = dataDirLayout(dataDir);
  const owner = runningOwner(dir);
  if (owner !== undefined) {
    throw new ClusterError('AlreadyRunning', `the cluster in ${dataDir} is running (skiff pid ${owner}); stop it first (Ctrl-C where it runs), then reset`);
  }
  const report: ResetReport = { removed: [], problems: [] };
  let state: ClusterState | undefined;
  try {
    state = loadClusterState(dataDir);
  } catch (e) {
    report.problems.push(`${(e as Error).message}; removing the data dir without host cleanup`);
  }
  if (state) await cleanHost(state, dataDir, reporter, report);
  const stuck = await unmountUnder(dataDir);
  report.problems.push(...stuck.map((m) => `could not unmount ${m}`));
  if (existsSync(dataDir)) {
    rmSync(dataDir, { recursive: true, force: true });
    report.removed.push(`data dir ${dataDir}`);
  }
  return report;
}

async function cleanHost(state: ClusterState, dataDir: string, reporter: Reporter, report: ResetReport): Promise<void> {
  const t = clusterTopology({ ...state, nodes: Math.max(state.nodes, countNodeDirs(dataDir)) }, dataDir);
  for (const node of t.nodes) {
    if (!existsSync(join(node.dir, 'cri'))) continue;
    reporter.progress(`${node.name}: removing its pods through its CRI runtime`);
    await sweepNode(state, node, dataDir, report);
  }
  const killed = killCgroupProcesses(`/skiff-${state.id}`);
  if (killed) report.removed.push(`${killed} leftover container process(es)`);
  for (const node of t.nodes) {
    for (const ns of recordedPodNetns(join(node.dir, 'cri'))) {
      if (existsSync(netnsPath(ns)) && (await runCommand('ip', ['netns', 'delete', ns])).code === 0) report.removed.push(`pod network namespace ${ns}`);
    }
  }
  if (state.network === 'namespaces') await cleanNetwork(t, report);
  // On the host network (as root) the cluster still made interfaces of its own: the proxy's cluster-IP interface
  // and each node's pod bridge.
  else await removeClusterLinks(t, report);
  // Killed processes leave their cgroups a moment after the signal: retry a few times, bounded.
  let left = removeCgroupTree(`/skiff-${state.id}`);
  for (let i = 0; i < 10 && left.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = removeCgroupTree(`/skiff-${state.id}`);
  }
  report.problems.push(...left.map((c) => `cgroup still in use: ${c}`));
}

/** Starts the node's runtime (in its namespace when that still exists), removes every sandbox, stops it. */
async function sweepNode(state: ClusterState, node: NodeTopology, dataDir: string, report: ResetReport): Promise<void> {
  const socket = join(node.dir, 'cri', 'reset.sock');
  const args = [skiffEntry(), 'cri', '--root', join(node.dir, 'cri'), '--socket', socket, '--pod-cidr', node.podCidr, '--cgroup-parent', node.cgroupParent, '--log-level', 'warn'];
  const inNetns = state.network === 'namespaces' && existsSync(netnsPath(node.netns));
  const [command, argv] = inNetns ? ['nsenter', [`--net=${netnsPath(node.netns)}`, '--', process.execPath, ...args]] : [process.execPath, args];
  const cri = new SupervisedProcess({ name: `${node.name}/cri`, command, args: argv, logFile: dataDirLayout(dataDir).log(`${node.name}/cri-reset`) }, memoryReporter());
  try {
    await Promise.race([waitForRuntime(socket, 60_000), cri.exited.then((i) => Promise.reject(new Error(cri.describeExit(i))))]);
    const swept = await sweepRuntime(socket, 5);
    if (swept.sandboxes || swept.containers) report.removed.push(`${node.name}: ${swept.containers} container(s), ${swept.sandboxes} pod sandbox(es)`);
    report.problems.push(...swept.failures.map((f) => `${node.name}: ${f}`));
  } catch (e) {
    report.problems.push(`${node.name}: could not remove its pods through the CRI (${(e as Error).message}); cleaning up by force`);
  } finally {
    await cri.stop(15_000);
  }
}

async function cleanNetwork(t: ClusterTopology, report: ResetReport): Promise<void> {
  for (const ns of await clusterNetnsNames(t)) {
    const node = t.nodes.find((n) => n.netns === ns);
    try {
      if (node) await tearDownNodeNetwork(node);
      else await mustRun('ip', ['netns', 'delete', ns]);
      report.removed.push(`network namespace ${ns}`);
    } catch (e) {
      report.problems.push((e as Error).message);
    }
  }
  try {
    await tearDownClusterNetwork(t);
  } catch (e) {
    report.problems.push((e as Error).message);
  }
  await removeClusterLinks(t, report);
}

/** Deletes every interface named after the cluster's bridge (`skiff-<id>`, `skiff-<id>-...`). */
async function removeClusterLinks(t: ClusterTopology, report: ResetReport): Promise<void> {
  const links = await clusterLinkNames(t);
  try {
    for (const link of await clusterLinkNames(t)) await mustRun('ip', ['link', 'delete', link]);
    if (links.length) report.removed.push(`interfaces ${links.join(', ')}`);
  } catch (e) {
    report.problems.push((e as Error).message);
  }
}

function countNodeDirs(dataDir: string): number {
  const dir = join(dataDir, 'nodes');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .map((name) => /^skiff-node-(\d+)$/.exec(name)?.[1])
    .reduce((max, n) => Math.max(max, n ? Number(n) : 0), 0);
}

/** SIGKILLs every process in the cgroup tree at `path` in every hierarchy; returns how many. */
function killCgroupProcesses(path: string): number {
  const pids = new Set<number>();
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line) pids.add(Number(line));
      for (const entry of readdirSync(dir)) if (statSync(join(dir, entry)).isDirectory()) walk(join(dir, entry));
    } catch {
      // gone meanwhile
    }
  };
  for (const h of existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup') : []) walk(join('/sys/fs/cgroup', h, path));
  walk(join('/sys/fs/cgroup', path));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids.size;
}

/** Pod network namespaces the node's runtime recorded in its sandbox records (for when the runtime could not run). */
function recordedPodNetns(criRoot: string): string[] {
  const dir = join(criRoot, 'sandboxes');
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  const visit = (path: string) => {
    try {
      if (statSync(path).isDirectory()) return readdirSync(path).forEach((e) => visit(join(path, e)));
      if (!path.endsWith('.json')) return;
      const name = (JSON.parse(readFileSync(path, 'utf8')) as { network?: { netnsName?: unknown } }).network?.netnsName;
      if (typeof name === 'string' && /^skiff-[0-9a-f]+$/.test(name)) names.push(name);
    } catch {
      // not a record
    }
  };
  visit(dir);
  return names;
}
