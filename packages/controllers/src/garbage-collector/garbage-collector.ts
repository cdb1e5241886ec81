/**
 * The garbage collector: deletes objects whose owners are gone, and carries out the three propagation policies.
 *
 *   Background  the server deletes the owner at once; its dependents then have no owner left and are deleted
 *               here (each with Background again, so the cascade walks down the tree).
 *   Foreground  the server keeps the owner, with the `foregroundDeletion` finalizer, until this controller has
 *               deleted its dependents (with Foreground, so grandchildren go first) and every dependent whose
 *               reference has blockOwnerDeletion is gone; then the finalizer is removed and the owner goes.
 *   Orphan      the server keeps the owner with the `orphan` finalizer; its dependents lose their reference to it,
 *               then the finalizer is removed.
 *
 * An owner the caches do not know is looked up live before anything is deleted on its account: a dependent
 * created a moment after its owner must not be collected because the owner's watch event is still on its way.
 * An object with an owner that still exists only loses its references to owners that are gone.
 */
import { ResourceRegistry, type KubeObject, type OwnerReference, type ResourceDefinition } from '@skiff/api';
import { isNotFound, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { DependencyGraph, type GraphNode } from './dependency-graph.js';

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

type OwnerState = 'solid' | 'dangling' | 'waiting';

export class GarbageCollector extends QueueController {
  readonly graph = new DependencyGraph();
  private readonly registry = new ResourceRegistry();
  private readonly informers = new Map<ResourceDefinition, SharedInformer<KubeObject>>();

  constructor(ctx: ControllerContext) {
    super('garbagecollector', ctx, ctx.options.workers.garbagecollector);
    for (const def of this.registry.all) {
      const verbs = new Set(def.verbs);
      if (!verbs.has('list') || !verbs.has('watch') || !verbs.has('delete')) continue;
      if (ctx.options.gcIgnoredResources.has(`${def.group}/${def.resource}`)) continue;
      const inf = ctx.informers.informer<KubeObject>(def);
      this.informers.set(def, inf);
      inf.addEventHandler({
        onAdd: (o) => this.observe(def, o),
        onUpdate: (_, o) => this.observe(def, o),
        onDelete: (o) => this.forget(o),
      });
    }
  }

  private observe(def: ResourceDefinition, o: KubeObject): void {
    const m = o.metadata;
    const uid = m.uid!;
    const finalizers = m.finalizers ?? [];
    const { added, removed } = this.graph.upsert({ uid, def, namespace: m.namespace, name: m.name!, owners: m.ownerReferences ?? [], deletionTimestamp: m.deletionTimestamp, finalizers });
    if (added.some((u) => !this.graph.isReal(u))) this.enqueue(uid);
    for (const u of removed) if (this.graph.get(u)?.finalizers.includes(FOREGROUND)) this.enqueue(u);
    if (m.deletionTimestamp && (finalizers.includes(ORPHAN) || finalizers.includes(FOREGROUND))) this.enqueue(uid);
  }

  private forget(o: KubeObject): void {
    const { dependents, owners } = this.graph.remove(o.metadata.uid!);
    for (const d of dependents) this.enqueue(d);
    for (const u of owners) if (this.graph.get(u)?.finalizers.includes(FOREGROUND)) this.enqueue(u);
  }

  private cached(node: GraphNode): KubeObject | undefined {
    if (!node.def) return undefined;
    const obj = this.informers.get(node.def)?.indexer.get(node.namespace ? `${node.namespace}/${node.name}` : node.name);
    return obj?.metadata.uid === node.uid ? obj : undefined;
  }

  private client(def: ResourceDefinition, namespace: string | undefined) {
    const c = this.ctx.client.resource<KubeObject>(def);
    return def.namespaced && namespace ? c.namespace(namespace) : c;
  }

  protected async sync(uid: string): Promise<SyncResult> {
    const node = this.graph.get(uid);
    if (!node) return;
    if (!node.def) {
      // An owner no cache holds: its dependents decide, each checking it live.
      for (const d of node.dependents) this.enqueue(d);
      return;
    }
    const obj = this.cached(node);
    if (!obj) return;
    if (obj.metadata.deletionTimestamp) {
      const fins = obj.metadata.finalizers ?? [];
      if (fins.includes(ORPHAN)) return this.orphanDependents(node, obj);
      if (fins.includes(FOREGROUND)) return this.deleteDependents(node, obj);
      return;
    }
    if (node.owners.length) return this.checkOwners(node, obj);
  }

  private async orphanDependents(node: GraphNode, owner: KubeObject): Promise<void> {
    await Promise.all(
      [...node.dependents].map(async (uid) => {
        const dep = this.graph.get(uid);
        const obj = dep && this.cached(dep);
        if (!dep || !obj) return;
        const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== node.uid);
        await this.patchMeta(dep, { ownerReferences: refs.length ? refs : null, resourceVersion: obj.metadata.resourceVersion });
      }),
    );
    await this.removeFinalizer(node, owner, ORPHAN);
  }

  private async deleteDependents(node: GraphNode, owner: KubeObject): Promise<void> {
    let blocking = 0;
    for (const uid of node.dependents) {
      const dep = this.graph.get(uid);
      if (!dep?.def) continue;
      const ref = dep.owners.find((r) => r.uid === node.uid);
      if (ref?.blockOwnerDeletion) blocking++;
      if (dep.deletionTimestamp) continue;
      try {
        await this.client(dep.def, dep.namespace).delete(dep.name, { propagationPolicy: 'Foreground', preconditions: { uid: dep.uid } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    if (blocking === 0) await this.removeFinalizer(node, owner, FOREGROUND);
  }

  private async removeFinalizer(node: GraphNode, obj: KubeObject, finalizer: string): Promise<void> {
    const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    await this.patchMeta(node, { finalizers: rest.length ? rest : null, resourceVersion: obj.metadata.resourceVersion });
    this.log.debug({ kind: node.def?.kind, namespace: node.namespace, name: node.name, finalizer }, 'removed finalizer');
  }

  private async patchMeta(node: GraphNode, metadata: Record<string, unknown>): Promise<void> {
    try {
      await this.client(node.def!, node.namespace).patch(node.name, { metadata }, 'merge');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Whether an owner exists, is being deleted in the foreground, or is gone; checked live when no cache has it. */
  private async ownerState(ref: OwnerReference, namespace: string | undefined): Promise<OwnerState> {
    const known = this.graph.get(ref.uid);
    const cached = known && this.cached(known);
    let owner: KubeObject | undefined = cached;
    if (!owner) {
      const def = this.registry.byKind(ref.apiVersion, ref.kind);
      // A kind this server does not serve cannot be checked: leave its dependents alone.
      if (!def) return 'solid';
      try {
        owner = await this.client(def, def.namespaced ? namespace : undefined).get(ref.name);
      } catch (e) {
        if (isNotFound(e)) return 'dangling';
        throw e;
      }
      if (owner.metadata.uid !== ref.uid) return 'dangling';
    }
    if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND)) return 'waiting';
    return 'solid';
  }

  private async checkOwners(node: GraphNode, obj: KubeObject): Promise<void> {
    const states = await Promise.all(node.owners.map(async (r) => [r, await this.ownerState(r, node.namespace)] as const));
    const dangling = states.filter(([, s]) => s === 'dangling').map(([r]) => r.uid);
    const solid = states.some(([, s]) => s === 'solid');
    const waiting = states.some(([, s]) => s === 'waiting');
    if (solid) {
      if (dangling.length) {
        const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !dangling.includes(r.uid));
        await this.patchMeta(node, { ownerReferences: refs, resourceVersion: obj.metadata.resourceVersion });
      }
      return;
    }
    const policy = waiting && node.dependents.size > 0 ? 'Foreground' : 'Background';
    this.log.debug({ kind: node.def?.kind, namespace: node.namespace, name: node.name, policy }, 'deleting an object whose owners are gone');
    try {
      await this.client(node.def!, node.namespace).delete(node.name, { propagationPolicy: policy, preconditions: { uid: node.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
