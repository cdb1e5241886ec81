/**
 * When a pod on a node with NoExecute taints must go (the taint manager's rule):
 *
 *   - a NoExecute taint the pod does not tolerate: now;
 *   - every such taint tolerated: when the shortest tolerationSeconds among the matching tolerations has passed
 *     since the taint was added (no tolerationSeconds: never).
 *
 * `defaultTolerationSeconds`, when set, replaces the 300 s of the tolerations that the API server's
 * DefaultTolerationSeconds admission adds to every pod (not-ready and unreachable, Exists, NoExecute, 300), so a
 * cluster can evict faster without rewriting every pod spec.
 */
import type { Pod } from '@skiff/api';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

const ADMISSION_DEFAULT_KEYS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

function seconds(t: Toleration, defaultSeconds: number | undefined): number | undefined {
  const isAdmissionDefault = ADMISSION_DEFAULT_KEYS.has(t.key ?? '') && t.operator === 'Exists' && t.effect === 'NoExecute' && t.tolerationSeconds === 300;
  if (isAdmissionDefault && defaultSeconds !== undefined) return defaultSeconds;
  return t.tolerationSeconds;
}

/**
 * Milliseconds (wall clock) at which the pod must be evicted: 0 for now, Infinity for never, undefined when the
 * node has no NoExecute taint.
 */
export function evictionTime(pod: Pod, taints: Taint[], nowMs: number, defaultSeconds?: number): number | undefined {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  if (noExecute.length === 0) return undefined;
  const tolerations = (pod.spec?.tolerations ?? []) as Toleration[];
  let minSeconds = Infinity;
  let since = 0;
  for (const taint of noExecute) {
    const matching = tolerations.filter((t) => tolerates(t, taint));
    if (matching.length === 0) return 0;
    for (const t of matching) {
      const s = seconds(t, defaultSeconds);
      if (s !== undefined) minSeconds = Math.min(minSeconds, Math.max(0, s));
    }
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : nowMs;
    since = Math.max(since, Number.isFinite(added) ? added : nowMs);
  }
  if (minSeconds === Infinity) return Infinity;
  return since + minSeconds * 1000;
}
