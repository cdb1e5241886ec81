import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { SchedulerError } from '../errors.js';
import type { CoreModel } from '../model/core-model.js';
import { validateNode } from '../model/encode-node.js';
import { NodeTree } from './node-tree.js';

/** A pod the cache accounts on a node: bound (seen with spec.nodeName) or assumed by the scheduler. */
export interface CachedPod {
  readonly key: string;
  pod: V1Pod;
  nodeName: string;
  /** The pod's slot in the core's pod store. */
  slot: number;
  assumed: boolean;
  bindingFinished: boolean;
  /** When an assumed pod whose binding finished expires (ms on the cache clock), if a TTL is set. */
  deadline?: number;
}

interface CachedNode {
  node?: V1Node;
  pods: Map<string, CachedPod>;
}

export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace || 'default'}/${pod.metadata?.name ?? ''}`;
}

/**
 * kube-scheduler's cache: nodes, the pods on them, and pods assumed onto a node before their binding is
 * confirmed. Pod changes go straight into the core's table (placing or removing a pod is O(1)); node object
 * changes are collected and written by `updateSnapshot` at the start of a cycle, so a node updated many times
 * between cycles is rewritten once and unchanged nodes never are.
 *
 * Lifecycle of a pod: assume -> finishBinding -> (informer) add = confirmed; or assume -> forget on a failed
 * binding; an assumed pod whose binding finished but was never confirmed expires after the TTL (0 = never).
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, CachedNode>();
  private readonly pods = new Map<string, CachedPod>();
  private readonly bySlot = new Map<number, CachedPod>();
  private readonly dirty = new Set<string>();
  private readonly tree = new NodeTree();
  private orderDirty = false;

  constructor(
    private readonly model: CoreModel,
    /** Encodes a pod placed on a node (its record as an existing pod). */
    private readonly encode: (pod: V1Pod) => Int32Array,
    private readonly clock: () => number,
    private readonly assumedTtlMs = 0,
  ) {}

  get nodeCount(): number {
    return this.tree.size;
  }

  get podCount(): number {
    return this.pods.size;
  }

  /** Accepts a node (written at the next snapshot); a malformed one is rejected now with InvalidNode. */
  upsertNode(node: V1Node): void {
    validateNode(node);
    const name = node.metadata!.name!;
    const entry = this.entry(name);
    entry.node = node;
    this.model.slotFor(name);
    if (this.tree.upsert(node)) this.orderDirty = true;
    this.dirty.add(name);
  }

  removeNode(name: string): void {
    const entry = this.nodes.get(name);
    if (!entry?.node) return;
    entry.node = undefined;
    if (this.tree.remove(name)) this.orderDirty = true;
    this.dirty.add(name);
  }

  node(name: string): V1Node | undefined {
    return this.nodes.get(name)?.node;
  }

  /** Nodes with an object, in the filter loop's order. */
  nodeNames(): string[] {
    return this.tree.list();
  }

  podsOn(nodeName: string): CachedPod[] {
    return [...(this.nodes.get(nodeName)?.pods.values() ?? [])];
  }

  get(key: string): CachedPod | undefined {
    return this.pods.get(key);
  }

  /** The cached pod whose record is in a core slot. */
  bySlotOf(slot: number): CachedPod | undefined {
    return this.bySlot.get(slot);
  }

  /** A pod seen bound to a node: confirms an assumed pod, moves it if it landed elsewhere, or adds it. */
  addPod(pod: V1Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw new SchedulerError('InvalidPod', `${podKey(pod)}: the cache only holds pods with spec.nodeName`);
    const key = podKey(pod);
    const cur = this.pods.get(key);
    if (cur?.assumed && cur.nodeName === nodeName) {
      cur.assumed = false;
      cur.deadline = undefined;
      cur.pod = pod;
      return;
    }
    if (cur) this.drop(cur);
    this.place(pod, nodeName, false);
  }

  /** A bound pod changed: its record is rewritten (labels, requests or terms may differ). */
  updatePod(pod: V1Pod): void {
    const cur = this.pods.get(podKey(pod));
    if (!cur) return this.addPod(pod);
    const nodeName = pod.spec?.nodeName ?? cur.nodeName;
    this.drop(cur);
    this.place(pod, nodeName, false);
  }

  removePod(pod: V1Pod): void {
    const cur = this.pods.get(podKey(pod));
    if (cur) this.drop(cur);
  }

  /**
   * Accounts a pod on the node the scheduler chose. With `slot`, the core already placed the pod's record
   * there (a batch cycle); otherwise it is encoded and placed now.
   */
  assume(pod: V1Pod, nodeName: string, slot?: number): CachedPod {
    const key = podKey(pod);
    if (this.pods.has(key)) throw new SchedulerError('PodExists', `${key} is already in the cache`);
    if (slot === undefined) return this.place(pod, nodeName, true);
    const entry = this.entry(nodeName);
    const cached: CachedPod = { key, pod, nodeName, slot, assumed: true, bindingFinished: false };
    entry.pods.set(key, cached);
    this.pods.set(key, cached);
    this.bySlot.set(slot, cached);
    return cached;
  }

  finishBinding(pod: V1Pod): void {
    const cur = this.pods.get(podKey(pod));
    if (!cur?.assumed) return;
    cur.bindingFinished = true;
    if (this.assumedTtlMs > 0) cur.deadline = this.clock() + this.assumedTtlMs;
  }

  /** Undoes an assume (the binding failed). */
  forget(pod: V1Pod): void {
    const cur = this.pods.get(podKey(pod));
    if (!cur) return;
    if (!cur.assumed) throw new SchedulerError('PodExists', `${cur.key} is bound, not assumed`);
    this.drop(cur);
  }

  /** Drops assumed pods whose binding finished longer than the TTL ago without confirmation. */
  cleanupExpired(): CachedPod[] {
    const now = this.clock();
    const expired = [...this.pods.values()].filter((p) => p.assumed && p.deadline !== undefined && p.deadline <= now);
    for (const p of expired) this.drop(p);
    return expired;
  }

  /** Rewrites every cached pod matching `pred` (their records depend on something that changed, e.g. namespaces). */
  reencodeWhere(pred: (p: CachedPod) => boolean): void {
    for (const p of [...this.pods.values()]) {
      if (!pred(p)) continue;
      this.drop(p);
      this.place(p.pod, p.nodeName, p.assumed);
    }
  }

  /** The snapshot update: writes the nodes that changed since the last call, and the order when it changed. */
  updateSnapshot(): number {
    const written = this.dirty.size;
    for (const name of this.dirty) {
      const entry = this.nodes.get(name);
      if (entry?.node) this.model.writeNode(entry.node);
      else if (entry && entry.pods.size > 0) this.model.clearNode(name);
      else {
        this.model.removeNode(name);
        this.nodes.delete(name);
      }
    }
    this.dirty.clear();
    if (this.orderDirty) {
      this.model.setOrder(this.tree.list().map((n) => this.model.slotFor(n)));
      this.orderDirty = false;
    }
    return written;
  }

  private entry(name: string): CachedNode {
    let e = this.nodes.get(name);
    if (!e) {
      e = { pods: new Map() };
      this.nodes.set(name, e);
    }
    return e;
  }

  private place(pod: V1Pod, nodeName: string, assumed: boolean): CachedPod {
    const key = podKey(pod);
    const entry = this.entry(nodeName);
    const slot = this.model.pods.add(this.encode(pod));
    this.model.pods.place(slot, this.model.slotFor(nodeName));
    const cached: CachedPod = { key, pod, nodeName, slot, assumed, bindingFinished: false };
    entry.pods.set(key, cached);
    this.pods.set(key, cached);
    this.bySlot.set(slot, cached);
    return cached;
  }

  private drop(p: CachedPod): void {
    this.model.pods.remove(p.slot);
    this.pods.delete(p.key);
    this.bySlot.delete(p.slot);
    const entry = this.nodes.get(p.nodeName);
    if (!entry) return;
    entry.pods.delete(p.key);
    if (!entry.node && entry.pods.size === 0) this.dirty.add(p.nodeName);
  }
}
