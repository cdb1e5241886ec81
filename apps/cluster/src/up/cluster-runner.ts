/**
 * `skiff up`: runs a whole cluster in the foreground until Ctrl-C (SIGINT) or SIGTERM, then stops it in order
 * and keeps its state for the next run.
 *
 * Start order: host network (as root) -> store -> API server (kubeconfig written) -> controller manager and
 * scheduler -> each node (network namespace, CRI runtime, node agent, proxy) -> fake nodes -> wait until every
 * node is Ready -> `Cluster ready`. Any component exiting on its own stops the cluster (exit 1) with that
 * component's last words; its full log is in <data dir>/logs.
 */
import { createClient, loadKubeconfig } from '@skiff/client';
import { loadClusterState, saveClusterState, type ClusterState } from '../cluster/cluster-state.js';
import { claimDataDir, dataDirLayout, releaseDataDir } from '../cluster/data-dir.js';
import { clusterTopology, fakeNodeName, layoutProblem } from '../cluster/topology.js';
import { skiffEntry } from '../components/components.js';
import { serveControl, type ClusterStatus } from '../control/control-server.js';
import { ClusterError, isClusterError } from '../errors.js';
import { formatCidr } from '../network/cidr.js';
import { setUpClusterNetwork } from '../network/node-network.js';
import type { Reporter } from '../supervisor/reporter.js';
import { stopCluster, type ClusterParts } from './cluster-shutdown.js';
import { requireComponent, startControlPlane, type ControlPlane } from './control-plane.js';
import { plannedNode, startNode } from './node-runner.js';
import { NodeWatch } from './node-watch.js';
import { spawnComponent, type UpContext } from './up-context.js';
import { resolveClusterState, type UpOptions } from './up-options.js';
import { ensureClusterDnsService } from './cluster-dns.js';
import { hostModeNotice } from './privileges.js';

export interface RunHooks {
  /** Installs what stops the cluster and returns its removal; default: SIGINT or SIGTERM (a second one forces). */
  installSignals?: (stop: (force: boolean) => void) => () => void;
}

class Interrupted extends Error {}

const STEP_SETTLE_MS = 10_000;

export async function runCluster(options: UpOptions, reporter: Reporter, hooks: RunHooks = {}): Promise<number> {
  const dir = dataDirLayout(options.dataDir);
  const root = process.getuid?.() === 0;
  const existing = loadClusterState(dir.root);
  const state = resolveClusterState(existing, options, root);
  requireComponent('apiserver');
  if (state.store.kind === 'skiff') requireComponent('store');
  if (state.nodes > 0) requireComponent('cri');
  claimDataDir(dir);
  saveClusterState(dir.root, state);

  const ctx: UpContext = { state, topology: clusterTopology(state, dir.root), dir, options, reporter, skiffEntry: skiffEntry(), processes: [] };
  const parts: ClusterParts = { nodes: [], networkUp: false };
  let stopRequested = false;
  let forced = false;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  let exitCode = 0;
  const requestStop = (force: boolean, code = 0) => {
    if (stopRequested && force && !forced) {
      forced = true;
      reporter.warn('stopping now, without waiting for graceful shutdowns');
      for (const p of ctx.processes) if (!p.name.endsWith('/cri')) p.kill();
    }
    if (!stopRequested) exitCode = code;
    stopRequested = true;
    wake();
  };
  const removeSignals = (hooks.installSignals ?? installProcessSignals)((force) => {
    if (!stopRequested) reporter.progress('stopping the cluster (Ctrl-C again to stop at once); its state stays in ' + dir.root);
    requestStop(force);
  });
  // A step that Ctrl-C interrupts keeps running; stopping waits for it a little (STEP_SETTLE_MS) so that what it
  // was creating (a namespace, a process) exists before teardown looks for it.
  let inFlight: Promise<unknown> | undefined;
  const step = async <T>(fn: () => Promise<T>, settle = true): Promise<T> => {
    if (stopRequested) throw new Interrupted();
    const running = fn();
    inFlight = settle ? running : undefined;
    return Promise.race([running, stopped.then(() => Promise.reject(new Interrupted()))]);
  };

  try {
    reporter.progress(
      `${existing ? 'resuming' : 'creating'} cluster ${state.id} (data in ${dir.root}); ` +
        `${state.nodes} node(s)${state.fakeNodes ? ` + ${state.fakeNodes} fake` : ''}, store: ${state.store.kind}, network: ${state.network}`,
    );
    if (state.network === 'host') reporter.warn(hostModeNotice(root));
    if (state.network === 'namespaces') {
      parts.networkUp = true;
      await step(() => setUpClusterNetwork(ctx.topology));
      reporter.progress(`network: bridge ${ctx.topology.bridge} ${ctx.topology.gateway}/${ctx.topology.nodeCidr.bits}, pods ${formatCidr(ctx.topology.clusterCidr)}`);
    }
    const plane = await step(() => startControlPlane(ctx));
    watchForCrashes(ctx, reporter, requestStop);
    reporter.headline(`export KUBECONFIG=${dir.kubeconfig}`);
    parts.client = createClient(loadKubeconfig({ path: dir.kubeconfig }), { userAgent: 'skiff-up', qps: 50 });
    // The proxies serve DNS on a cluster IP they hold on an interface, which needs root; without it pods are host
    // processes using the host's resolver.
    if (root && state.nodes > 0) {
      ctx.clusterDns = await step(() => ensureClusterDnsService(parts.client!, state.serviceCidr));
      reporter.progress(`cluster DNS: ${ctx.clusterDns} (kube-system/kube-dns), served by every node's proxy`);
    }
    parts.watch = new NodeWatch(parts.client, ctx.topology, reporter, state.network === 'namespaces');
    await step(() => parts.watch!.start());
    parts.watch.track(ctx.topology.nodes);
    for (const node of ctx.topology.nodes) {
      const running = plannedNode(node);
      parts.nodes.push(running);
      await step(() => startNode(ctx, running, plane.apiUrl));
    }
    if (state.fakeNodes > 0) await step(() => startFakeNodes(ctx));
    watchForCrashes(ctx, reporter, requestStop);
    parts.control = await serveControl(dir.controlSocket, {
      status: () => statusOf(ctx, plane, parts),
      addNodes: (count) => addNodes(ctx, parts, plane, count, () => watchForCrashes(ctx, reporter, requestStop)),
    });
    await step(() => awaitReady(ctx, parts, plane), false);
    await stopped;
  } catch (e) {
    if (!(e instanceof Interrupted)) {
      reporter.warn(isClusterError(e) ? e.message : `failed: ${(e as Error).stack ?? e}`);
      exitCode = 1;
    }
  } finally {
    stopRequested = true;
    if (inFlight) await Promise.race([inFlight.catch(() => undefined), new Promise((r) => setTimeout(r, STEP_SETTLE_MS).unref())]);
    const problems = await stopCluster(ctx, parts, () => forced);
    removeSignals();
    releaseDataDir(dir);
    for (const p of problems) reporter.warn(`left behind: ${p}`);
    reporter.progress(exitCode === 0 ? `stopped; the cluster's state is kept in ${dir.root} (\`skiff reset\` wipes it)` : 'stopped after a failure');
  }
  return exitCode;
}

function installProcessSignals(stop: (force: boolean) => void): () => void {
  let count = 0;
  const onSignal = () => stop(++count > 1);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

const watched = new WeakSet<object>();

/** Any component that exits without being asked to stops the cluster, with the reason. */
function watchForCrashes(ctx: UpContext, reporter: Reporter, requestStop: (force: boolean, code: number) => void): void {
  for (const proc of ctx.processes) {
    if (watched.has(proc)) continue;
    watched.add(proc);
    void proc.exited.then((info) => {
      if (proc.stopping) return;
      reporter.warn(`${proc.describeExit(info)}\nstopping the cluster`);
      requestStop(false, 1);
    });
  }
}

/**
 * The fake nodes' request budget. Their leases alone take count/10 writes a second (one renewal per node every
 * 10 s); a fixed budget left pod status updates a trickle at 5,000 nodes (measured: 35 pods/s going Running with
 * 200 qps). Three times the lease load plus a base leaves most of it to pods.
 */
export function fakeNodesQps(count: number): number {
  return 500 + Math.ceil(count / 10) * 3;
}

async function startFakeNodes(ctx: UpContext): Promise<void> {
  const proc = spawnComponent(ctx, {
    label: 'fake-nodes',
    component: 'fake-nodes',
    args: ['--count', String(ctx.state.fakeNodes), '--kubeconfig', ctx.dir.kubeconfig, '--cidr', formatCidr(ctx.topology.fakePodCidr), '--qps', String(fakeNodesQps(ctx.state.fakeNodes)), '--log-level', ctx.options.logLevel],
  });
  ctx.reporter.progress(`fake nodes: registering ${ctx.state.fakeNodes}`);
  await proc.waitForLine(/^skiff-fake-nodes ready/, 300_000);
}

async function awaitReady(ctx: UpContext, parts: ClusterParts, plane: ControlPlane): Promise<void> {
  const withAgent = parts.nodes.filter((n) => n.agent).map((n) => n.node.name);
  const fake = Array.from({ length: ctx.state.fakeNodes }, (_, i) => fakeNodeName(i + 1));
  const names = [...withAgent, ...fake];
  const withoutAgent = parts.nodes.filter((n) => !n.agent).map((n) => n.node.name);
  if (withoutAgent.length) ctx.reporter.warn(`${withoutAgent.join(', ')}: no node agent, so these nodes cannot become Ready`);
  if (names.length === 0) {
    ctx.reporter.warn('no node can become Ready, so pods cannot run: not printing "Cluster ready" (the control plane is up; Ctrl-C stops it)');
    return;
  }
  ctx.reporter.progress(`waiting for ${names.length} node(s) to be Ready`);
  try {
    await parts.watch!.waitForReady(names, ctx.options.timeoutSeconds * 1000, (ready) => {
      if (ready.length > 0 && ready.length < names.length) ctx.reporter.progress(`${ready.length}/${names.length} nodes Ready`);
    });
  } catch (e) {
    if (!isClusterError(e, 'StartTimeout')) throw e;
    // Keep running: the control plane works and the logs say why the nodes are late; the person decides.
    ctx.reporter.warn(`${e.message}; still running (node logs in ${ctx.dir.logsDir}), Ctrl-C stops`);
    return;
  }
  const missing = plane.missing.length ? `; not running yet: ${plane.missing.join(', ')}` : '';
  const shown = names.length > 6 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
  ctx.reporter.headline(`Cluster ready: ${names.length} node(s) Ready (${shown}), API server ${plane.apiUrl}${missing}. Try: kubectl get nodes -o wide`);
}

async function addNodes(ctx: UpContext, parts: ClusterParts, plane: ControlPlane, count: number, afterStart: () => void): Promise<string[]> {
  const next: ClusterState = { ...ctx.state, nodes: ctx.state.nodes + count };
  const problem = layoutProblem(next);
  if (problem) throw new ClusterError('StateMismatch', problem);
  ctx.state.nodes = next.nodes;
  saveClusterState(ctx.dir.root, ctx.state);
  const fresh = clusterTopology(ctx.state, ctx.dir.root).nodes.slice(-count);
  ctx.topology.nodes.push(...fresh);
  parts.watch!.track(fresh);
  const added: string[] = [];
  for (const node of fresh) {
    const running = plannedNode(node);
    parts.nodes.push(running);
    await startNode(ctx, running, plane.apiUrl);
    added.push(node.name);
  }
  afterStart();
  ctx.reporter.progress(`added ${added.join(', ')}`);
  return added;
}

function statusOf(ctx: UpContext, plane: ControlPlane, parts: ClusterParts): ClusterStatus {
  const ready = parts.watch?.readyNodes() ?? new Set<string>();
  return {
    pid: process.pid,
    id: ctx.state.id,
    dataDir: ctx.dir.root,
    network: ctx.state.network,
    apiUrl: plane.apiUrl,
    storeUrls: plane.storeUrls,
    ready: parts.nodes.every((n) => ready.has(n.node.name)),
    nodes: parts.nodes.map((n) => ({ name: n.node.name, address: n.node.address, podCidr: parts.watch?.routeOf(n.node.name), ready: ready.has(n.node.name) })),
    fakeNodes: ctx.state.fakeNodes,
    processes: ctx.processes.map((p) => ({ name: p.name, pid: p.pid, running: p.running })),
    notRunning: plane.missing,
  };
}
