/**
 * The legacy Endpoints controller: one Endpoints object per Service with a selector, named after it, for
 * consumers that predate EndpointSlices. Each port set is a subset; ready pods go in `addresses`, pods not ready
 * in `notReadyAddresses`, and terminating pods are left out (unless the Service publishes not-ready addresses).
 * When the Service goes, its Endpoints go too.
 */
import { deepCopy, jsonEqual, type Endpoints, type Pod, type Service } from '@skiff/api';
import { isAlreadyExists, isNotFound, splitKey, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { endpointGroups, serviceSelector } from './service-endpoints.js';
import { watchServicesAndPods } from './service-pod-index.js';

export class EndpointsController extends QueueController {
  private readonly services: SharedInformer<Service>;
  private readonly pods: SharedInformer<Pod>;
  private readonly endpoints: SharedInformer<Endpoints>;

  constructor(ctx: ControllerContext) {
    super('endpoints', ctx, ctx.options.workers.endpoints);
    ({ services: this.services, pods: this.pods } = watchServicesAndPods(ctx, (k) => this.enqueue(k)));
    this.endpoints = ctx.informers.informer<Endpoints>('v1/endpoints');
  }

  protected async sync(key: string): Promise<SyncResult> {
    const { namespace, name } = splitKey(key);
    const client = this.ctx.client.resource<Endpoints>('v1/endpoints').namespace(namespace!);
    const svc = this.services.indexer.get(key);
    const current = this.endpoints.indexer.get(key);
    if (!svc) {
      if (current) await client.delete(name).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
      return;
    }
    if (!serviceSelector(svc)) return;
    const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
    const subsets: NonNullable<Endpoints['subsets']> = [];
    for (const g of endpointGroups(svc, this.pods.indexer.byIndex('namespace', namespace!))) {
      const address = (e: (typeof g.endpoints)[number]) => {
        const a: NonNullable<NonNullable<Endpoints['subsets']>[number]['addresses']>[number] = {
          ip: e.ip,
          targetRef: { kind: 'Pod', namespace: e.pod.metadata!.namespace, name: e.pod.metadata!.name, uid: e.pod.metadata!.uid },
        };
        if (e.hostname) a.hostname = e.hostname;
        if (e.pod.spec?.nodeName) a.nodeName = e.pod.spec.nodeName;
        return a;
      };
      const ready = g.endpoints.filter((e) => e.ready && (!e.terminating || publishNotReady)).map(address);
      const notReady = g.endpoints.filter((e) => !e.ready && !e.terminating).map(address);
      if (!ready.length && !notReady.length) continue;
      const subset: NonNullable<Endpoints['subsets']>[number] = { ports: g.ports.map((p) => ({ ...p })) };
      if (ready.length) subset.addresses = ready;
      if (notReady.length) subset.notReadyAddresses = notReady;
      subsets.push(subset);
    }
    const labels = { ...(svc.metadata?.labels ?? {}) };
    if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    if (current && jsonEqual(current.subsets ?? [], subsets) && jsonEqual(current.metadata?.labels ?? {}, labels)) return;
    const body: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets };
    if (current) {
      await client.update({ ...deepCopy(current), metadata: { ...current.metadata, labels }, subsets });
      return;
    }
    try {
      await client.create(body);
    } catch (e) {
      // Created meanwhile (our informer lags): the next sync updates it.
      if (!isAlreadyExists(e)) throw e;
      return { requeueAfterMs: 100 };
    }
  }
}
