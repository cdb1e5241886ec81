/**
 * Both endpoint controllers watch the same things: Services (their keys are the work items) and pods, where a
 * pod change concerns every Service in its namespace whose selector matched the pod before or after the change.
 */
import type { Pod, Service } from '@skiff/api';
import { jsonEqual } from '@skiff/api';
import { objectKey, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { serviceSelector } from './service-endpoints.js';

export function watchServicesAndPods(ctx: ControllerContext, enqueue: (key: string) => void): { services: SharedInformer<Service>; pods: SharedInformer<Pod> } {
  const services = ctx.informers.informer<Service>('v1/services');
  const pods = ctx.informers.informer<Pod>('v1/pods');
  const forPod = (p: Pod, also?: Pod) => {
    for (const svc of services.indexer.byIndex('namespace', p.metadata!.namespace!)) {
      const sel = serviceSelector(svc);
      if (sel && (sel.matches(p.metadata?.labels) || (also && sel.matches(also.metadata?.labels)))) enqueue(objectKey(svc));
    }
  };
  services.addEventHandler({
    onAdd: (s) => enqueue(objectKey(s)),
    onUpdate: (_, s) => enqueue(objectKey(s)),
    onDelete: (s) => enqueue(objectKey(s)),
  });
  pods.addEventHandler({
    onAdd: (p) => forPod(p),
    onUpdate: (old, p) => {
      if (old.metadata?.resourceVersion === p.metadata?.resourceVersion) return;
      // Only what endpoints are made of: labels, IP, readiness, deletion, phase, ports. Hostname and subdomain
      // count too but are immutable, so a change to them arrives as a delete and an add.
      const same =
        jsonEqual(old.metadata?.labels, p.metadata?.labels) &&
        old.status?.podIP === p.status?.podIP &&
        old.status?.phase === p.status?.phase &&
        !!old.metadata?.deletionTimestamp === !!p.metadata?.deletionTimestamp &&
        jsonEqual(old.status?.conditions?.find((c) => c.type === 'Ready')?.status, p.status?.conditions?.find((c) => c.type === 'Ready')?.status) &&
        old.spec?.nodeName === p.spec?.nodeName;
      if (!same) forPod(p, old);
    },
    onDelete: (p) => forPod(p),
  });
  return { services, pods };
}
