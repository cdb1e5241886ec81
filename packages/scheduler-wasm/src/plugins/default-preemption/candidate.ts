import type { V1Pod } from '@kubernetes/client-node';

/** A preemption victim: the pod, its priority and the core slot that places it. */
export interface Victim {
  pod: V1Pod;
  priority: number;
  slot: number;
}

/** A node where evicting `victims` (most important first) makes room; `pdbViolations` counts violating ones. */
export interface Candidate {
  node: string;
  victims: Victim[];
  pdbViolations: number;
}

/** Pod start time in ms; a pod that has not started counts as starting now (kube's GetPodStartTime). */
export function startTime(pod: V1Pod, now: number): number {
  const t = pod.status?.startTime;
  if (t === undefined || t === null) return now;
  const ms = new Date(t as unknown as string).getTime();
  return Number.isNaN(ms) ? now : ms;
}

/** MoreImportantPod: higher priority, then earlier start. */
export function moreImportant(a: Victim, b: Victim, now: number): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return startTime(a.pod, now) < startTime(b.pod, now);
}

/**
 * pickOneNodeForPreemption: fewest PDB violations, then the lowest highest-priority victim, then the smallest
 * sum of (shifted) priorities, then the fewest victims, then the latest start among the highest-priority
 * victims; remaining ties go to the first candidate.
 */
export function pickCandidate(candidates: readonly Candidate[], now: number): Candidate | undefined {
  let pool = [...candidates];
  const keep = (score: (c: Candidate) => number, preferLow: boolean): void => {
    const scores = pool.map(score);
    const best = preferLow ? Math.min(...scores) : Math.max(...scores);
    pool = pool.filter((_, i) => scores[i] === best);
  };
  if (pool.length === 0) return undefined;
  keep((c) => c.pdbViolations, true);
  keep((c) => c.victims[0]!.priority, true);
  keep((c) => c.victims.reduce((s, v) => s + v.priority + 2 ** 31, 0), true);
  keep((c) => c.victims.length, true);
  keep((c) => earliestStartOfTop(c.victims, now), false);
  return pool[0];
}

function earliestStartOfTop(victims: readonly Victim[], now: number): number {
  const top = Math.max(...victims.map((v) => v.priority));
  return Math.min(...victims.filter((v) => v.priority === top).map((v) => startTime(v.pod, now)));
}
