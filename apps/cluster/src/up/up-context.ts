/**
 * What every step of `skiff up` shares: the cluster's state and layout, where to report, and how to start a
 * component as a child process (`skiff <component> ...`, inside a node's network namespace when given one).
 */
import type { ClusterState } from '../cluster/cluster-state.js';
import type { DataDir } from '../cluster/data-dir.js';
import type { ClusterTopology } from '../cluster/topology.js';
import type { ComponentName } from '../components/components.js';
import { netnsPath } from '../network/node-network.js';
import type { Reporter } from '../supervisor/reporter.js';
import { SupervisedProcess } from '../supervisor/supervised-process.js';
import type { UpOptions } from './up-options.js';

export interface UpContext {
  readonly state: ClusterState;
  readonly topology: ClusterTopology;
  readonly dir: DataDir;
  readonly options: UpOptions;
  readonly reporter: Reporter;
  /** dist/bin/skiff.js */
  readonly skiffEntry: string;
  /** Every process started so far, in start order; stopping walks it backwards. */
  readonly processes: SupervisedProcess[];
  /** The cluster DNS address (the kube-dns Service's cluster IP), once known; none without root (no pod network). */
  clusterDns?: string;
}

export interface SpawnOptions {
  /** Output label and log file name, e.g. "apiserver" or "skiff-node-1/cri". */
  label: string;
  component: ComponentName | 'fake-nodes';
  args: string[];
  /** Run inside this network namespace (a node's). */
  netns?: string;
}

export function spawnComponent(ctx: UpContext, o: SpawnOptions): SupervisedProcess {
  const node = [ctx.skiffEntry, o.component, ...o.args];
  // nsenter execs node in place, so the pid we hold is the component's own and signals reach it directly.
  const [command, args] = o.netns ? ['nsenter', [`--net=${netnsPath(o.netns)}`, '--', process.execPath, ...node]] : [process.execPath, node];
  const proc = new SupervisedProcess({ name: o.label, command, args, logFile: ctx.dir.log(o.label) }, ctx.reporter);
  ctx.processes.push(proc);
  return proc;
}
