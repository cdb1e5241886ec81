import type { V1Pod, V1PriorityClass } from '@kubernetes/client-node';

/**
 * PriorityClass values. A pod's priority is spec.priority when admission resolved it; otherwise its class's
 * value, the global default class's value, or 0.
 */
export class PriorityClasses {
  private readonly values = new Map<string, number>();
  private globalDefault: string | undefined;

  upsert(pc: V1PriorityClass): void {
    const name = pc.metadata?.name;
    if (!name) return;
    this.values.set(name, pc.value);
    if (pc.globalDefault) this.globalDefault = name;
    else if (this.globalDefault === name) this.globalDefault = undefined;
  }

  remove(name: string): void {
    this.values.delete(name);
    if (this.globalDefault === name) this.globalDefault = undefined;
  }

  priorityOf(pod: V1Pod): number {
    const p = pod.spec?.priority;
    if (typeof p === 'number') return p;
    const cls = pod.spec?.priorityClassName;
    if (cls && this.values.has(cls)) return this.values.get(cls)!;
    if (this.globalDefault !== undefined) return this.values.get(this.globalDefault)!;
    return 0;
  }
}
