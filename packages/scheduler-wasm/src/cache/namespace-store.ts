import type { V1LabelSelector, V1Namespace } from '@kubernetes/client-node';
import { labelSelectorMatches } from '../model/label-selector.js';

/** Namespace labels, for pod-affinity namespaceSelectors. */
export class NamespaceStore {
  private readonly labels = new Map<string, Record<string, string>>();

  /** Returns whether the labels changed (pods with namespace selectors then need re-encoding). */
  upsert(ns: V1Namespace): boolean {
    const name = ns.metadata?.name;
    if (!name) return false;
    const next = ns.metadata?.labels ?? {};
    const prev = this.labels.get(name);
    this.labels.set(name, next);
    return prev === undefined || JSON.stringify(prev) !== JSON.stringify(next);
  }

  remove(name: string): boolean {
    return this.labels.delete(name);
  }

  labelsOf(name: string): Record<string, string> | undefined {
    return this.labels.get(name);
  }

  /** Names of the known namespaces whose labels the selector matches. */
  matching(selector: V1LabelSelector): string[] {
    const out: string[] = [];
    for (const [name, labels] of this.labels) if (labelSelectorMatches(selector, labels)) out.push(name);
    return out;
  }
}
