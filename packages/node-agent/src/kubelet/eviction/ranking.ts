/**
 * The order in which pods are evicted for a starved resource, the kubelet's:
 *
 *   memory, ephemeral-storage   1. pods whose usage exceeds their request, before those within it
 *                               2. lower priority (spec.priority) first
 *                               3. more usage above the request first
 *   inodes, pids                (no requests exist) lower priority first, then more usage first
 *
 * A pod without stats (its containers not started yet, or the runtime had none) sorts before the others at the
 * steps that look at usage, as the kubelet does: it cannot be shown to be the innocent one. Ties keep the input
 * order. QoS classes are not consulted; they fall out of this order (a BestEffort pod's usage always exceeds its
 * zero request). Critical pods are ranked too: the caller skips them.
 */
import { priorityOf, podRequest } from './pod-priority.js';
import type { StarvedResource } from './signals.js';
import { podDiskUsage, podInodeUsage, podMemoryUsage, type PodUsage } from './stats-source.js';

interface Candidate {
  pod: any;
  priority: number;
  usage: number | undefined;
  request: number;
}

type Compare = (a: Candidate, b: Candidate) => number;

/** True sorts first. */
function firstIf(a: boolean, b: boolean): number {
  return a === b ? 0 : a ? -1 : 1;
}

const withoutStatsFirst: Compare = (a, b) => firstIf(a.usage === undefined, b.usage === undefined);
const exceedsRequest: Compare = (a, b) => withoutStatsFirst(a, b) || firstIf(a.usage! > a.request, b.usage! > b.request);
const lowerPriority: Compare = (a, b) => a.priority - b.priority;
const moreAboveRequest: Compare = (a, b) => withoutStatsFirst(a, b) || b.usage! - b.request - (a.usage! - a.request);
const moreUsage: Compare = (a, b) => withoutStatsFirst(a, b) || b.usage! - a.usage!;

function orderedBy(...compares: Compare[]): Compare {
  return (a, b) => {
    for (const c of compares) {
      const r = c(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}

const ORDER: Record<StarvedResource, Compare> = {
  memory: orderedBy(exceedsRequest, lowerPriority, moreAboveRequest),
  'ephemeral-storage': orderedBy(exceedsRequest, lowerPriority, moreAboveRequest),
  inodes: orderedBy(lowerPriority, moreUsage),
  pids: orderedBy(lowerPriority, moreUsage),
};

function usageOf(resource: StarvedResource, u: PodUsage | undefined): number | undefined {
  switch (resource) {
    case 'memory':
      return podMemoryUsage(u);
    case 'ephemeral-storage':
      return podDiskUsage(u);
    case 'inodes':
      return podInodeUsage(u);
    case 'pids':
      return u?.processes;
  }
}

/** The pods in eviction order for `resource`; `usage` is by pod uid. */
export function rankForEviction(pods: readonly any[], resource: StarvedResource, usage: ReadonlyMap<string, PodUsage>): any[] {
  const candidates: Candidate[] = pods.map((pod) => ({
    pod,
    priority: priorityOf(pod),
    usage: usageOf(resource, usage.get(pod.metadata?.uid)),
    request: resource === 'memory' || resource === 'ephemeral-storage' ? podRequest(pod, resource) : 0,
  }));
  return candidates.sort(ORDER[resource]).map((c) => c.pod);
}
