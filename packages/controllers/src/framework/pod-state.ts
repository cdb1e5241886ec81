/** What controllers ask of a pod's status: is it active, ready, available (ready for minReadySeconds). */
import type { Pod } from '@skiff/api';

/** Not finished and not being deleted: the pods that count toward a controller's replicas. */
export function isPodActive(p: Pod): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata?.deletionTimestamp;
}

export function isPodTerminal(p: Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

export function podReadyCondition(p: Pod) {
  return p.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(p: Pod): boolean {
  return podReadyCondition(p)?.status === 'True';
}

/** Ready for at least minReadySeconds at `nowMs`; with 0 the same as ready. */
export function isPodAvailable(p: Pod, minReadySeconds: number, nowMs: number): boolean {
  const c = podReadyCondition(p);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** Milliseconds until a ready pod becomes available (0 when it already is or never will be by waiting). */
export function msUntilAvailable(p: Pod, minReadySeconds: number, nowMs: number): number {
  const c = podReadyCondition(p);
  if (c?.status !== 'True' || !minReadySeconds || !c.lastTransitionTime) return 0;
  return Math.max(0, Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 - nowMs);
}
