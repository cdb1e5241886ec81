/**
 * The Namespace controller: finishes deleting a namespace. The API server marks a deleted namespace Terminating
 * and keeps it while its spec.finalizers holds "kubernetes"; this controller deletes everything in it (every
 * namespaced resource the server serves, Background propagation), waits until nothing is left (pods may take
 * their grace period), then removes the finalizer through /finalize and the server deletes the namespace.
 *
 * While content remains, the namespace's conditions say what (NamespaceContentRemaining), as `kubectl describe
 * namespace` shows them.
 */
import { ResourceRegistry, deepCopy, jsonEqual, type Namespace, type ResourceDefinition } from '@skiff/api';
import { isNotFound, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { setCondition, type Condition } from '../framework/conditions.js';

const FINALIZER = 'kubernetes';

export class NamespaceController extends QueueController {
  private readonly namespaces: SharedInformer<Namespace>;
  private readonly contentTypes: ResourceDefinition[];

  constructor(ctx: ControllerContext) {
    super('namespace', ctx, ctx.options.workers.namespace);
    this.contentTypes = new ResourceRegistry().all.filter((d) => d.namespaced && d.verbs.includes('list') && d.verbs.includes('delete'));
    this.namespaces = ctx.informers.informer<Namespace>('v1/namespaces');
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.enqueue(ns.metadata!.name!),
      onUpdate: (_, ns) => this.enqueue(ns.metadata!.name!),
    });
  }

  protected async sync(name: string): Promise<SyncResult> {
    const ns = this.namespaces.indexer.get(name);
    if (!ns?.metadata?.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(FINALIZER)) return;
    const remaining = new Map<string, number>();
    for (const def of this.contentTypes) {
      const c = this.ctx.client.resource(def).namespace(name);
      if (def.verbs.includes('deletecollection')) await c.deleteCollection({ propagationPolicy: 'Background' });
      const left = (await c.list()).items;
      for (const o of left) if (!def.verbs.includes('deletecollection') && !o.metadata?.deletionTimestamp) await c.delete(o.metadata!.name!, { propagationPolicy: 'Background' }).catch(ignoreNotFound);
      if (left.length) remaining.set(def.group ? `${def.resource}.${def.group}` : def.resource, left.length);
    }
    if (remaining.size > 0) {
      await this.reportRemaining(ns, remaining);
      this.log.debug({ namespace: name, remaining: Object.fromEntries(remaining) }, 'namespace content still terminating');
      return { requeueAfterMs: 1000 };
    }
    const fresh = await this.ctx.client.resource<Namespace>('v1/namespaces').get(name).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
    if (!fresh) return;
    const finalizers = (fresh.spec?.finalizers ?? []).filter((f) => f !== FINALIZER);
    await finalize(this.ctx, { ...fresh, spec: { ...fresh.spec, finalizers } });
    this.log.info({ namespace: name }, 'namespace emptied and finalized');
  }

  private async reportRemaining(ns: Namespace, remaining: Map<string, number>): Promise<void> {
    const message = `Some resources are remaining: ${[...remaining].map(([r, n]) => `${r} has ${n} resource instances`).join(', ')}`;
    const conditions = setCondition((ns.status?.conditions ?? []) as Condition[], { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message }, this.ctx.now());
    if (jsonEqual(conditions, ns.status?.conditions ?? [])) return;
    await this.ctx.client
      .resource<Namespace>('v1/namespaces')
      .updateStatus({ ...deepCopy(ns), status: { ...ns.status, conditions: conditions as NonNullable<Namespace['status']>['conditions'] } })
      .catch(ignoreNotFound);
  }
}

/** PUT /api/v1/namespaces/<name>/finalize with the new spec.finalizers. */
async function finalize(ctx: ControllerContext, ns: Namespace): Promise<void> {
  await ctx.client.resource<Namespace>('v1/namespaces').updateSubresource(ns.metadata!.name!, 'finalize', { apiVersion: 'v1', kind: 'Namespace', ...ns }).catch(ignoreNotFound);
}

function ignoreNotFound(e: unknown): undefined {
  if (isNotFound(e)) return undefined;
  throw e;
}
