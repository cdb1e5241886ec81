/**
 * The ServiceAccount controller: every active namespace has a ServiceAccount named "default" (pods without a
 * serviceAccountName use it); it is created with the namespace and again if someone deletes it.
 */
import type { Namespace, ServiceAccount } from '@skiff/api';
import { isAlreadyExists, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

export class ServiceAccountController extends QueueController {
  private readonly namespaces: SharedInformer<Namespace>;
  private readonly accounts: SharedInformer<ServiceAccount>;

  constructor(ctx: ControllerContext) {
    super('serviceaccount', ctx, ctx.options.workers.serviceaccount);
    this.namespaces = ctx.informers.informer<Namespace>('v1/namespaces');
    this.accounts = ctx.informers.informer<ServiceAccount>('v1/serviceaccounts');
    this.namespaces.addEventHandler({ onAdd: (n) => this.enqueue(n.metadata!.name!), onUpdate: (_, n) => this.enqueue(n.metadata!.name!) });
    this.accounts.addEventHandler({
      onDelete: (sa) => {
        if (sa.metadata?.name === DEFAULT_SERVICE_ACCOUNT) this.enqueue(sa.metadata.namespace!);
      },
    });
  }

  protected async sync(namespace: string): Promise<SyncResult> {
    const ns = this.namespaces.indexer.get(namespace);
    if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    if (this.accounts.indexer.get(`${namespace}/${DEFAULT_SERVICE_ACCOUNT}`)) return;
    try {
      await this.ctx.client.resource<ServiceAccount>('v1/serviceaccounts').namespace(namespace).create({ metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } });
    } catch (e) {
      // Already there (our cache lags), or the namespace started terminating meanwhile: both fine.
      if (!isAlreadyExists(e) && (e as { reason?: string }).reason !== 'Forbidden') throw e;
    }
  }
}
