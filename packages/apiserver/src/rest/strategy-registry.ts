/** The strategies of the built-in resources. Resources not listed use the generic behaviour alone. */
import { generateJobSelector, initialPodStatus, type KubeObject, type ResourceDefinition } from '@skiff/api';
import { admitPodPriority, admitPriorityClass, keepPodPriority } from '../admission/priority-admission.js';
import type { Strategy } from './strategy.js';

const podStrategy: Strategy = {
  prepareForCreate(pod) {
    pod.status = initialPodStatus(pod);
  },
  // Priority admission's update half; it runs before validation, as mutating admission does on the real server.
  prepareForUpdate(next, prev) {
    keepPodPriority(next, prev);
    // Ephemeral containers come and stay through pods/ephemeralcontainers only; a pod update carries them over.
    if (next.spec) {
      if (prev.spec?.ephemeralContainers !== undefined) next.spec.ephemeralContainers = prev.spec.ephemeralContainers;
      else delete next.spec.ephemeralContainers;
    }
  },
  gracePeriod(pod, opts) {
    // A pod no kubelet runs has nothing to wait for.
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    return opts.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  },
  admit(ctx, pod, prev) {
    if (!prev) return admitPodPriority(ctx, pod);
  },
  returnsDeletedObject: true,
};

const serviceStrategy: Strategy = {
  prepareForCreate(svc) {
    svc.status = { loadBalancer: {} };
  },
  allocate(ctx, svc, prev, dryRun) {
    return ctx.allocator.allocate(svc, prev, dryRun);
  },
  release(ctx, svc, next) {
    return ctx.allocator.release(svc, next);
  },
  returnsDeletedObject: true,
};

const namespaceStrategy: Strategy = {
  prepareForCreate(ns) {
    ns.status = { phase: 'Active' };
  },
  prepareForUpdate(next, prev) {
    // spec.finalizers changes only through /finalize.
    next.spec = prev.spec;
  },
  returnsDeletedObject: true,
};

const jobStrategy: Strategy = {
  prepareForCreate(job) {
    job.status = {};
    generateJobSelector(job);
  },
  tracksGeneration: true,
};

const resetStatus: Strategy = {
  prepareForCreate(obj: KubeObject) {
    obj.status = {};
  },
  tracksGeneration: true,
};

const pendingStatus: Strategy = {
  prepareForCreate(obj: KubeObject) {
    obj.status = { phase: 'Pending' };
  },
};

const strategies: Record<string, Strategy> = {
  '/pods': podStrategy,
  '/services': serviceStrategy,
  '/namespaces': namespaceStrategy,
  '/nodes': { prepareForCreate: () => {} },
  '/endpoints': { allowCreateOnUpdate: true },
  '/events': { allowCreateOnUpdate: true },
  'events.k8s.io/events': { allowCreateOnUpdate: true },
  'scheduling.k8s.io/priorityclasses': { admit: (ctx, pc) => admitPriorityClass(ctx, pc) },
  'apps/deployments': resetStatus,
  'apps/replicasets': resetStatus,
  'apps/daemonsets': resetStatus,
  'apps/statefulsets': resetStatus,
  'batch/jobs': jobStrategy,
  'batch/cronjobs': resetStatus,
  // A claim or a volume starts Pending until a binder acts on it; the others start with an empty status.
  '/persistentvolumeclaims': pendingStatus,
  '/persistentvolumes': pendingStatus,
  '/resourcequotas': { prepareForCreate: (obj: KubeObject) => void (obj.status = {}) },
  'autoscaling/horizontalpodautoscalers': resetStatus,
  'policy/poddisruptionbudgets': resetStatus,
  'networking.k8s.io/ingresses': resetStatus,
};

/** By definition object: looked up several times per write, so the key string is built once. */
const byDefinition = new WeakMap<ResourceDefinition, Strategy>();
const NONE: Strategy = {};

export function strategyFor(def: ResourceDefinition): Strategy {
  let s = byDefinition.get(def);
  if (!s) byDefinition.set(def, (s = strategies[`${def.group}/${def.resource}`] ?? NONE));
  return s;
}
