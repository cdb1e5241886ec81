/**
 * Who owns whom, across every resource the collector watches: one node per object uid, with its owner
 * references and the uids of its dependents. Owners referenced before they are seen (or after they are gone)
 * get a placeholder node ("virtual") so their dependents can be found when the owner's fate is known.
 *
 * Worked example: Deployment D (uid d1) -> ReplicaSet R (uid r1, owner d1) -> Pods P1, P2 (owner r1).
 *   nodes: d1 {dependents: r1}, r1 {owners: [d1], dependents: p1, p2}, p1 {owners: [r1]}, p2 {owners: [r1]}
 * Deleting D removes d1; r1's owner is then absent, so the collector checks r1 (and, once R is gone, p1 and p2).
 */
import type { OwnerReference, ResourceDefinition } from '@skiff/api';

export interface GraphNode {
  uid: string;
  /** Undefined for a virtual node (an owner known only by reference). */
  def?: ResourceDefinition;
  namespace?: string;
  name: string;
  owners: OwnerReference[];
  dependents: Set<string>;
  deletionTimestamp?: string;
  finalizers: string[];
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  isReal(uid: string): boolean {
    return !!this.nodes.get(uid)?.def;
  }

  /**
   * Records an object's current state. Returns the owner uids it gained and lost, so the caller can decide what
   * to look at again.
   */
  upsert(obj: { uid: string; def: ResourceDefinition; namespace?: string; name: string; owners: OwnerReference[]; deletionTimestamp?: string; finalizers: string[] }): { added: string[]; removed: string[] } {
    let node = this.nodes.get(obj.uid);
    const before = new Set(node?.owners.map((o) => o.uid) ?? []);
    if (!node) {
      node = { uid: obj.uid, name: obj.name, owners: [], dependents: new Set(), finalizers: [] };
      this.nodes.set(obj.uid, node);
    }
    node.def = obj.def;
    node.namespace = obj.namespace;
    node.name = obj.name;
    node.owners = obj.owners;
    node.deletionTimestamp = obj.deletionTimestamp;
    node.finalizers = obj.finalizers;
    const after = new Set(obj.owners.map((o) => o.uid));
    const added = [...after].filter((u) => !before.has(u));
    const removed = [...before].filter((u) => !after.has(u));
    for (const u of added) this.ownerNode(u, obj.owners.find((o) => o.uid === u)!).dependents.add(obj.uid);
    for (const u of removed) this.unlink(u, obj.uid);
    return { added, removed };
  }

  /** Removes an object; returns its dependents (now possibly orphaned) and owners. */
  remove(uid: string): { dependents: string[]; owners: string[] } {
    const node = this.nodes.get(uid);
    if (!node) return { dependents: [], owners: [] };
    const dependents = [...node.dependents];
    const owners = node.owners.map((o) => o.uid);
    for (const o of owners) this.unlink(o, uid);
    if (dependents.length) {
      // Keep a placeholder while dependents still point here.
      node.def = undefined;
      node.owners = [];
      node.deletionTimestamp = undefined;
      node.finalizers = [];
    } else this.nodes.delete(uid);
    return { dependents, owners };
  }

  private ownerNode(uid: string, ref: OwnerReference): GraphNode {
    let n = this.nodes.get(uid);
    if (!n) {
      n = { uid, name: ref.name, owners: [], dependents: new Set(), finalizers: [] };
      this.nodes.set(uid, n);
    }
    return n;
  }

  private unlink(ownerUid: string, dependentUid: string): void {
    const owner = this.nodes.get(ownerUid);
    if (!owner) return;
    owner.dependents.delete(dependentUid);
    if (!owner.def && owner.dependents.size === 0) this.nodes.delete(ownerUid);
  }
}
