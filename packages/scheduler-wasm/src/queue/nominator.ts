import type { V1Pod } from '@kubernetes/client-node';
import { keyOf } from './scheduling-queue.js';

/** A nominated pod and, when it reserves room in the core, the slot of its placed record. */
export interface Nomination {
  key: string;
  pod: V1Pod;
  priority: number;
  slot?: number;
}

/**
 * Pods nominated to a node by preemption (status.nominatedNodeName), waiting for their victims to leave.
 * `release` is called for every nomination that goes away, to free what it reserved.
 */
export class Nominator {
  private readonly byNode = new Map<string, Map<string, Nomination>>();
  private readonly nodeOf = new Map<string, string>();

  constructor(private readonly release: (n: Nomination) => void = () => {}) {}

  set(pod: V1Pod, node: string, priority: number, slot?: number): void {
    const key = keyOf(pod);
    this.clear(key);
    let m = this.byNode.get(node);
    if (!m) {
      m = new Map();
      this.byNode.set(node, m);
    }
    m.set(key, { key, pod, priority, slot });
    this.nodeOf.set(key, node);
  }

  clear(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const m = this.byNode.get(node)!;
    const n = m.get(key)!;
    m.delete(key);
    if (m.size === 0) this.byNode.delete(node);
    this.release(n);
  }

  nodeFor(key: string): string | undefined {
    return this.nodeOf.get(key);
  }

  get size(): number {
    return this.nodeOf.size;
  }

  /** Calls `fn` for every nomination (no arrays built: this runs every cycle while nominations exist). */
  forEach(fn: (n: Nomination) => void): void {
    for (const m of this.byNode.values()) for (const n of m.values()) fn(n);
  }

  /** Every nomination as [node, nominations]. */
  entries(): [string, Nomination[]][] {
    return [...this.byNode].map(([node, m]) => [node, [...m.values()]]);
  }

  podsOn(node: string): V1Pod[] {
    return [...(this.byNode.get(node)?.values() ?? [])].map((n) => n.pod);
  }
}
