/** `kubectl get pods`: NAME READY STATUS RESTARTS AGE (+ IP NODE NOMINATED NODE READINESS GATES with -o wide). */
import type { KubeObject } from '@skiff/api';
import { ageColumn, nameColumn } from './common-columns.js';
import { humanDuration } from './human-duration.js';
import type { Column } from './table.js';

/** The STATUS column: the most telling state among the pod's phase, its containers and its deletion. */
export function podStatusReason(pod: KubeObject): string {
  const status = pod.status ?? {};
  let reason: string = status.reason || status.phase || 'Unknown';
  const initStatuses: any[] = status.initContainerStatuses ?? [];
  const initCount = (pod.spec?.initContainers ?? []).length;
  let initializing = false;
  initStatuses.forEach((c, i) => {
    if (initializing) return;
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) return;
    if (t) {
      reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
      initializing = true;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
      initializing = true;
    } else {
      reason = `Init:${i}/${initCount}`;
      initializing = true;
    }
  });
  if (!initializing) {
    let hasRunning = false;
    const statuses: any[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata?.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function readyCell(pod: KubeObject): string {
  const total = (pod.spec?.containers ?? []).length;
  const ready = ((pod.status?.containerStatuses ?? []) as any[]).filter((c) => c.ready).length;
  return `${ready}/${total}`;
}

function restartsCell(pod: KubeObject, now: number): string {
  let restarts = 0;
  let last = 0;
  for (const c of (pod.status?.containerStatuses ?? []) as any[]) {
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished) last = Math.max(last, Date.parse(finished));
  }
  return restarts > 0 && last > 0 ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts);
}

function readinessGatesCell(pod: KubeObject): string {
  const gates: any[] = pod.spec?.readinessGates ?? [];
  if (!gates.length) return '<none>';
  const conds: any[] = pod.status?.conditions ?? [];
  const met = gates.filter((g) => conds.some((c) => c.type === g.conditionType && c.status === 'True')).length;
  return `${met}/${gates.length}`;
}

export const podColumns: Column[] = [
  nameColumn,
  { name: 'Ready', description: 'The number of containers that are ready, out of all of them.', cell: readyCell },
  { name: 'Status', description: 'The aggregate state of the containers in this pod.', cell: podStatusReason },
  { name: 'Restarts', description: 'The number of times the containers in this pod have been restarted.', cell: restartsCell },
  ageColumn,
  { name: 'IP', description: 'The IP address assigned to the pod.', priority: 1, cell: (p) => p.status?.podIP || '<none>' },
  { name: 'Node', description: 'The node the pod is scheduled to.', priority: 1, cell: (p) => p.spec?.nodeName || '<none>' },
  { name: 'Nominated Node', description: 'The node the pod is nominated to after a preemption.', priority: 1, cell: (p) => p.status?.nominatedNodeName || '<none>' },
  { name: 'Readiness Gates', description: 'Pod readiness gates met, out of all of them.', priority: 1, cell: readinessGatesCell },
];
