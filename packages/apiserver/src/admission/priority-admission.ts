/**
 * The Priority admission plugin: a new pod's spec.priority (and preemptionPolicy) come from its PriorityClass, or
 * from the cluster's global default class when it names none (priority 0 when there is none); a client may not
 * set a priority of its own that disagrees. PriorityClasses: at most one may be the global default.
 */
import { forbidden, type KubeObject, type ResourceDefinition } from '@skiff/api';
import { objectKey } from '../storage/keys.js';
import type { ServerContext } from '../rest/server-context.js';

const PODS = { group: '', resource: 'pods' };
const PRIORITY_CLASSES = { group: 'scheduling.k8s.io', resource: 'priorityclasses' };

function priorityClassDef(ctx: ServerContext): ResourceDefinition {
  return ctx.registry.get('scheduling.k8s.io', 'v1', 'priorityclasses')!;
}

/** The class by name: from the watch cache, else (a remote store's cache may lag a class created just now) the store. */
async function priorityClass(ctx: ServerContext, name: string): Promise<KubeObject | undefined> {
  const def = priorityClassDef(ctx);
  return (ctx.cache(def).getStored(objectKey(def, undefined, name)) ?? (await ctx.storage(def).get(undefined, name)))?.obj;
}

/** The global default class, the oldest if several slipped in (as the real plugin picks the lowest value, then any). */
function globalDefault(ctx: ServerContext): KubeObject | undefined {
  let best: KubeObject | undefined;
  for (const s of ctx.cache(priorityClassDef(ctx)).list({}).items) {
    const pc = s.obj;
    if (pc.globalDefault !== true) continue;
    if (!best || pc.value < best.value) best = pc;
  }
  return best;
}

export async function admitPodPriority(ctx: ServerContext, pod: KubeObject): Promise<void> {
  const spec = pod.spec;
  if (!spec || typeof spec !== 'object') return;
  const name = pod.metadata.name ?? '';
  let cls: KubeObject | undefined;
  if (spec.priorityClassName) {
    cls = await priorityClass(ctx, String(spec.priorityClassName));
    if (!cls) throw forbidden(PODS, name, `no PriorityClass with name ${String(spec.priorityClassName)} was found`);
  } else {
    cls = globalDefault(ctx);
    if (cls) spec.priorityClassName = cls.metadata.name;
  }
  spec.priority = computed(name, 'integer value of priority', spec.priority, cls?.value ?? 0);
  spec.preemptionPolicy = computed(name, 'string value of PreemptionPolicy', spec.preemptionPolicy, cls?.preemptionPolicy ?? 'PreemptLowerPriority');
}

/**
 * On update the plugin only keeps what it set at create: a replacement that leaves priority or preemptionPolicy out
 * (`kubectl replace` of a pod written by hand) carries the stored values over, so that the update validation, which
 * forbids changing them, sees them unchanged. A value that differs is still refused there.
 */
export function keepPodPriority(pod: KubeObject, prev: KubeObject): void {
  const spec = pod.spec;
  if (!spec || typeof spec !== 'object') return;
  if ((spec.priority === undefined || spec.priority === null) && prev.spec?.priority !== undefined) spec.priority = prev.spec.priority;
  if ((spec.preemptionPolicy === undefined || spec.preemptionPolicy === null) && prev.spec?.preemptionPolicy !== undefined) {
    spec.preemptionPolicy = prev.spec.preemptionPolicy;
  }
}

/** What the class gives, unless the pod set something else itself, which it may not. */
function computed<T>(pod: string, what: string, given: unknown, value: T): T {
  if (given !== undefined && given !== null && given !== value) {
    throw forbidden(
      PODS,
      pod,
      `the ${what} (${String(given)}) must not be provided in pod spec; priority admission controller computed ${String(value)} from the given PriorityClass name`,
    );
  }
  return value;
}

export function admitPriorityClass(ctx: ServerContext, pc: KubeObject): void {
  if (pc.globalDefault !== true) return;
  const other = globalDefault(ctx);
  if (other && other.metadata.name !== pc.metadata.name) {
    throw forbidden(PRIORITY_CLASSES, pc.metadata.name ?? '', `PriorityClass ${String(other.metadata.name)} is already marked as default. Only one default can exist`);
  }
}
