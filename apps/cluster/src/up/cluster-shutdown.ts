/**
 * Stopping a cluster in order, keeping its state: simulated nodes; real nodes (each: proxy, node agent with its
 * pods, leftover sandboxes, runtime, cgroups, namespace); then the controller manager and scheduler; the API
 * server; the store; and last the host network (bridge and iptables rules) and the cluster's cgroup root.
 * Every wait is bounded; a second Ctrl-C (`force`) shortens every grace period to nothing.
 */
import type { Client } from '@skiff/client';
import type { Server } from 'node:http';
import { tearDownClusterNetwork } from '../network/node-network.js';
import { removeCgroupTree } from '../system/cgroups.js';
import type { SupervisedProcess } from '../supervisor/supervised-process.js';
import type { NodeWatch } from './node-watch.js';
import { stopNode, type RunningNode } from './node-runner.js';
import type { UpContext } from './up-context.js';

export interface ClusterParts {
  control?: Server;
  watch?: NodeWatch;
  client?: Client;
  nodes: RunningNode[];
  networkUp: boolean;
}

export async function stopCluster(ctx: UpContext, parts: ClusterParts, force: () => boolean): Promise<string[]> {
  const problems: string[] = [];
  const grace = (ms: number) => (force() ? 0 : ms);
  const stopLabelled = async (label: string, ms: number) => {
    const proc = ctx.processes.find((p) => p.name === label);
    if (proc?.running) ctx.reporter.progress(`stopping ${label}`);
    await proc?.stop(grace(ms));
  };
  parts.control?.close();
  await stopLabelled('fake-nodes', 10_000);
  if (parts.nodes.length) ctx.reporter.progress(`stopping ${parts.nodes.length} node(s): their pods first`);
  const nodeProblems = await Promise.all(parts.nodes.map((n) => stopNode(ctx, n, { force: force() })));
  problems.push(...nodeProblems.flat());
  await parts.watch?.stop().catch(() => undefined);
  parts.client?.close();
  await stopLabelled('scheduler', 10_000);
  await stopLabelled('controller-manager', 10_000);
  await stopLabelled('apiserver', 15_000);
  await stopLabelled('store', 30_000);
  // Anything not stopped above (a process started out of order) does not outlive us.
  await Promise.all(ctx.processes.filter((p) => p.running).map((p: SupervisedProcess) => p.stop(grace(5_000))));
  if (parts.networkUp) {
    try {
      await tearDownClusterNetwork(ctx.topology);
    } catch (e) {
      problems.push(`cluster network: ${(e as Error).message}`);
    }
  }
  const left = removeCgroupTree(`/skiff-${ctx.state.id}`);
  if (left.length) problems.push(`cgroups still in use: ${left.join(', ')}`);
  return problems;
}
