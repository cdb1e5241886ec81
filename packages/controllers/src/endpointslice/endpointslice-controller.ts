/**
 * The EndpointSlice controller: for every Service with a selector, EndpointSlices listing the pods that back it.
 *
 * Slices carry the labels kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by, and the Service
 * as controlling owner (the garbage collector removes them with the Service). Each slice holds one port set and
 * at most 100 endpoints. Reconciling reuses the Service's existing slices of the same port set in order, updates
 * only those whose content changed, creates what is missing and deletes the rest; a Service with no endpoints
 * keeps one empty slice, as Kubernetes does, so consumers can tell "no endpoints" from "not yet processed".
 */
import { deepCopy, jsonEqual, type EndpointSlice, type Node, type Pod, type Service } from '@skiff/api';
import { isNotFound, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { newControllerRef } from '../framework/owner-refs.js';
import { WriteTracker } from '../framework/write-tracker.js';
import { endpointGroups, portKey, serviceSelector, type EndpointGroup, type EndpointPort } from './service-endpoints.js';
import { watchServicesAndPods } from './service-pod-index.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;

const SERVICE_INDEX = 'serviceName';

type Slice = EndpointSlice;

export class EndpointSliceController extends QueueController {
  private readonly services: SharedInformer<Service>;
  private readonly pods: SharedInformer<Pod>;
  private readonly slices: SharedInformer<Slice>;
  private readonly nodes: SharedInformer<Node>;
  private readonly tracker = new WriteTracker();

  constructor(ctx: ControllerContext) {
    super('endpointslice', ctx, ctx.options.workers.endpointslice);
    ({ services: this.services, pods: this.pods } = watchServicesAndPods(ctx, (k) => this.enqueue(k)));
    this.nodes = ctx.informers.informer<Node>('v1/nodes');
    this.slices = ctx.informers.informer<Slice>('discovery.k8s.io/v1/endpointslices', {
      indexers: {
        [SERVICE_INDEX]: (s) => {
          const l = s.metadata?.labels ?? {};
          return l[MANAGED_BY_LABEL] === MANAGED_BY && l[SERVICE_NAME_LABEL] ? [`${s.metadata!.namespace}/${l[SERVICE_NAME_LABEL]}`] : [];
        },
      },
    });
    const sliceChanged = (s: Slice) => {
      const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (svc && s.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) this.enqueue(`${s.metadata!.namespace}/${svc}`);
    };
    this.slices.addEventHandler({ onAdd: sliceChanged, onUpdate: (_, s) => sliceChanged(s), onDelete: sliceChanged });
  }

  protected async sync(key: string): Promise<SyncResult> {
    const svc = this.services.indexer.get(key);
    const existing = this.slices.indexer.byIndex(SERVICE_INDEX, key);
    if (!svc || !serviceSelector(svc)) {
      // Without the Service the garbage collector removes its slices; without a selector, slices are the user's.
      this.tracker.forget(key);
      return;
    }
    // Our last writes not in the cache yet: acting now would duplicate them. Their watch events requeue us.
    if (!this.tracker.caughtUp(key, new Map(existing.map((s) => [s.metadata!.name!, s.metadata!.resourceVersion])))) return;
    const ns = svc.metadata!.namespace!;
    const groups = endpointGroups(svc, this.pods.indexer.byIndex('namespace', ns));
    const desired = this.desiredSlices(svc, groups);
    const client = this.ctx.client.resource<Slice>('discovery.k8s.io/v1/endpointslices').namespace(ns);
    const unused = new Map<string, Slice[]>();
    for (const s of [...existing].sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1))) {
      const k = portKey((s.ports ?? []) as EndpointPort[]);
      unused.set(k, [...(unused.get(k) ?? []), s]);
    }
    for (const want of desired) {
      const reuse = unused.get(want.key)?.shift();
      if (reuse) {
        if (jsonEqual(reuse.endpoints ?? [], want.slice.endpoints) && jsonEqual(reuse.metadata?.labels, want.slice.metadata!.labels)) continue;
        const updated = await client.update({ ...deepCopy(reuse), endpoints: want.slice.endpoints, ports: want.slice.ports, metadata: { ...reuse.metadata, labels: want.slice.metadata!.labels } });
        this.tracker.wrote(key, updated.metadata!.name!, updated.metadata!.resourceVersion);
      } else {
        const created = await client.create(want.slice);
        this.tracker.wrote(key, created.metadata!.name!, created.metadata!.resourceVersion);
      }
    }
    for (const rest of unused.values()) {
      for (const s of rest) {
        await client.delete(s.metadata!.name!, { preconditions: { uid: s.metadata!.uid } }).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
        this.tracker.deleted(key, s.metadata!.name!);
      }
    }
  }

  private desiredSlices(svc: Service, groups: EndpointGroup[]): { key: string; slice: Slice }[] {
    const labels = { ...(svc.metadata?.labels ?? {}), [SERVICE_NAME_LABEL]: svc.metadata!.name!, [MANAGED_BY_LABEL]: MANAGED_BY };
    const base = (ports: EndpointPort[], endpoints: Slice['endpoints']): Slice => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { generateName: `${svc.metadata!.name}-`, namespace: svc.metadata!.namespace, labels, ownerReferences: [newControllerRef(svc, 'v1', 'Service')] },
      addressType: 'IPv4',
      ports: ports as Slice['ports'],
      endpoints,
    });
    if (groups.length === 0) return [{ key: portKey([]), slice: base([], []) }];
    const out: { key: string; slice: Slice }[] = [];
    for (const g of groups) {
      for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
        const endpoints = g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE).map((e) => {
          const ep: NonNullable<Slice['endpoints']>[number] = {
            addresses: [e.ip],
            conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
            targetRef: { kind: 'Pod', namespace: e.pod.metadata!.namespace, name: e.pod.metadata!.name, uid: e.pod.metadata!.uid },
          };
          if (e.hostname) ep.hostname = e.hostname;
          const node = e.pod.spec?.nodeName;
          if (node) {
            ep.nodeName = node;
            const zone = this.nodes.indexer.get(node)?.metadata?.labels?.['topology.kubernetes.io/zone'];
            if (zone) ep.zone = zone;
          }
          return ep;
        });
        out.push({ key: g.key, slice: base(g.ports, endpoints) });
      }
    }
    return out;
  }
}
