import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { isEmptySelector, labelSelectorMatches } from '../model/label-selector.js';

/** PodDisruptionBudgets, for preferring preemption victims whose eviction violates none. */
export class DisruptionBudgets {
  private readonly pdbs = new Map<string, V1PodDisruptionBudget>();

  upsert(pdb: V1PodDisruptionBudget): void {
    this.pdbs.set(`${pdb.metadata?.namespace ?? 'default'}/${pdb.metadata?.name ?? ''}`, pdb);
  }

  remove(namespace: string, name: string): void {
    this.pdbs.delete(`${namespace}/${name}`);
  }

  get size(): number {
    return this.pdbs.size;
  }

  /**
   * filterPodsWithPDBViolation: walks the pods in order, spending each matching budget's disruptionsAllowed;
   * a pod that drives any budget below zero is "violating". Pods already listed in a budget's disruptedPods
   * do not spend it; a nil or empty selector matches nothing.
   */
  split<T extends { pod: V1Pod }>(pods: readonly T[]): { violating: T[]; nonViolating: T[] } {
    const budgets = [...this.pdbs.values()];
    const allowed = budgets.map((b) => b.status?.disruptionsAllowed ?? 0);
    const violating: T[] = [];
    const nonViolating: T[] = [];
    for (const item of pods) {
      const labels = item.pod.metadata?.labels ?? {};
      let violated = false;
      if (Object.keys(labels).length > 0) {
        budgets.forEach((b, i) => {
          if ((b.metadata?.namespace ?? 'default') !== (item.pod.metadata?.namespace || 'default')) return;
          const sel = b.spec?.selector;
          if (!sel || isEmptySelector(sel)) return;
          let matches: boolean;
          try {
            matches = labelSelectorMatches(sel, labels);
          } catch {
            return;
          }
          if (!matches) return;
          if (b.status?.disruptedPods && item.pod.metadata?.name && item.pod.metadata.name in b.status.disruptedPods) return;
          allowed[i]!--;
          if (allowed[i]! < 0) violated = true;
        });
      }
      (violated ? violating : nonViolating).push(item);
    }
    return { violating, nonViolating };
  }
}
