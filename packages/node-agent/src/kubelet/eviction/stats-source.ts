/**
 * What the eviction manager measures, as one small contract so tests can feed it numbers: the node's signals, and
 * each pod's use of the resources evictions reclaim. The real source is host-stats-source.ts.
 */
import type { Observations } from './signals.js';

export interface ContainerUsage {
  name: string;
  memoryWorkingSetBytes?: number;
  /** The container's writable layer. */
  rootfsBytes?: number;
  rootfsInodes?: number;
  /** The container's log files. */
  logsBytes?: number;
}

export interface PodUsage {
  containers: ContainerUsage[];
  /** Disk-backed emptyDir volumes. */
  volumeBytes?: number;
  volumeInodes?: number;
  /** Processes (threads included) in the pod's cgroup. */
  processes?: number;
}

export interface EvictionStatsSource {
  node(): Promise<Observations>;
  /** Usage of the given pods by uid; a pod the runtime has no stats for is absent. */
  pods(pods: readonly any[]): Promise<Map<string, PodUsage>>;
}

function sum(values: (number | undefined)[]): number | undefined {
  let total: number | undefined;
  for (const v of values) if (v !== undefined) total = (total ?? 0) + v;
  return total;
}

export function podMemoryUsage(u: PodUsage | undefined): number | undefined {
  return u ? sum(u.containers.map((c) => c.memoryWorkingSetBytes)) : undefined;
}

/** Writable layers, logs and emptyDirs: what the pod holds of the node's ephemeral storage. */
export function podDiskUsage(u: PodUsage | undefined): number | undefined {
  return u ? sum([...u.containers.flatMap((c) => [c.rootfsBytes, c.logsBytes]), u.volumeBytes]) : undefined;
}

export function podInodeUsage(u: PodUsage | undefined): number | undefined {
  return u ? sum([...u.containers.map((c) => c.rootfsInodes), u.volumeInodes]) : undefined;
}
