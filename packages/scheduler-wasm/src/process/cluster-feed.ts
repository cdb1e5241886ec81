/**
 * Informers into the Scheduler: nodes, pods (pending ones for the queue, assigned ones for the cache), namespaces
 * (pod affinity's namespace selectors), the workloads behind default spreading, and, where served,
 * PriorityClasses and PodDisruptionBudgets. One watch per resource; handlers only update the scheduler's state
 * and wake the scheduling loop.
 *
 * An update of a pending pod that the scheduler has assumed is skipped: it is the scheduler's own status write
 * or a view from before the binding landed, and must not put the pod back into the queue (kube-scheduler skips
 * these too). The binding's own update, which sets spec.nodeName, confirms the assumed pod.
 */
import type {
  V1Namespace,
  V1Node,
  V1Pod,
  V1PodDisruptionBudget,
  V1PriorityClass,
  V1ReplicaSet,
  V1ReplicationController,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { KubeObject, ResourceDefinition } from '@skiff/api';
import { InformerFactory, type Client, type EventHandler, type Logger, type SharedInformer } from '@skiff/client';
import { podKey } from '../cache/scheduler-cache.js';
import type { Scheduler } from '../framework/scheduler.js';
import type { QueueEntryTimes } from './metrics/queue-entry-times.js';
import { discoverOptional, POD_DISRUPTION_BUDGETS, PRIORITY_CLASSES, REPLICATION_CONTROLLERS } from './optional-resources.js';

/** Terminal pods hold no resources; the server filters them out of the watch (and reports them deleted). */
export const POD_FIELD_SELECTOR = 'status.phase!=Succeeded,status.phase!=Failed';

export interface ClusterFeedDeps {
  client: Client;
  scheduler: Scheduler;
  logger: Logger;
  entryTimes: QueueEntryTimes;
  /** Called after any change that may let a pod be scheduled now. */
  onChange(): void;
}

export class ClusterFeed {
  readonly informers: InformerFactory;
  private pods?: SharedInformer<KubeObject>;

  constructor(private readonly deps: ClusterFeedDeps) {
    this.informers = new InformerFactory(deps.client, { logger: deps.logger });
  }

  /** Discovers what is served, registers every informer and starts them. */
  async start(): Promise<void> {
    const s = this.deps.scheduler;
    const served = await discoverOptional(this.deps.client);
    this.watch<V1Node>('v1/nodes', {
      onAdd: (n) => this.guard('node add', () => s.addNode(n)),
      onUpdate: (_, n) => this.guard('node update', () => s.updateNode(n)),
      onDelete: (n) => this.guard('node delete', () => s.deleteNode(n.metadata?.name ?? '')),
    });
    this.pods = this.watch<V1Pod>(
      'v1/pods',
      {
        onAdd: (p) => this.guard('pod add', () => this.podAdded(p)),
        onUpdate: (_, p) => this.guard('pod update', () => this.podUpdated(p)),
        onDelete: (p) => this.guard('pod delete', () => this.podDeleted(p)),
      },
      POD_FIELD_SELECTOR,
    );
    this.watch<V1Namespace>('v1/namespaces', {
      onAdd: (ns) => s.upsertNamespace(ns),
      onUpdate: (_, ns) => s.upsertNamespace(ns),
      onDelete: (ns) => s.namespaces.remove(ns.metadata?.name ?? ''),
    });
    this.watch<V1Service>('v1/services', {
      onAdd: (o) => s.upsertService(o),
      onUpdate: (_, o) => s.upsertService(o),
      onDelete: (o) => s.workloads.removeService(o.metadata?.namespace ?? '', o.metadata?.name ?? ''),
    });
    this.controller<V1ReplicaSet>('apps/v1/replicasets', 'ReplicaSet');
    this.controller<V1StatefulSet>('apps/v1/statefulsets', 'StatefulSet');
    if (served.has(REPLICATION_CONTROLLERS)) this.controller<V1ReplicationController>(REPLICATION_CONTROLLERS, 'ReplicationController');
    if (served.has(PRIORITY_CLASSES)) {
      this.watch<V1PriorityClass>(PRIORITY_CLASSES, {
        onAdd: (pc) => s.upsertPriorityClass(pc),
        onUpdate: (_, pc) => s.upsertPriorityClass(pc),
        onDelete: (pc) => s.priorityClasses.remove(pc.metadata?.name ?? ''),
      });
    }
    if (served.has(POD_DISRUPTION_BUDGETS)) {
      this.watch<V1PodDisruptionBudget>(POD_DISRUPTION_BUDGETS, {
        onAdd: (o) => s.upsertPodDisruptionBudget(o),
        onUpdate: (_, o) => s.upsertPodDisruptionBudget(o),
        onDelete: (o) => s.pdbs.remove(o.metadata?.namespace ?? '', o.metadata?.name ?? ''),
      });
    }
    this.deps.logger.info({ optional: [...served].map((d) => d.resource) }, 'watching cluster state');
    this.informers.start();
  }

  waitForSync(timeoutMs?: number): Promise<void> {
    return this.informers.waitForSync(timeoutMs);
  }

  hasSynced(): boolean {
    return this.pods !== undefined && this.informers.hasSynced();
  }

  /** The pod as the informer last saw it (undefined once deleted). */
  currentPod(key: string): V1Pod | undefined {
    return this.pods?.indexer.get(key) as unknown as V1Pod | undefined;
  }

  stop(): Promise<void> {
    return this.informers.stop();
  }

  private watch<T>(ref: string | ResourceDefinition, h: EventHandler<T>, fieldSelector?: string): SharedInformer<KubeObject> {
    const inf = this.informers.informer<KubeObject>(ref, { fieldSelector });
    // Wire objects (timestamps as strings) are what the scheduler reads; it never looks at the Date fields.
    inf.addEventHandler(h as unknown as EventHandler<KubeObject>);
    return inf;
  }

  private controller<T extends V1ReplicaSet | V1StatefulSet | V1ReplicationController>(
    ref: string | ResourceDefinition,
    kind: 'ReplicaSet' | 'StatefulSet' | 'ReplicationController',
  ): void {
    const s = this.deps.scheduler;
    this.watch<T>(ref, {
      onAdd: (o) => s.upsertController(kind, o),
      onUpdate: (_, o) => s.upsertController(kind, o),
      onDelete: (o) => s.workloads.removeController(kind, o.metadata?.namespace ?? '', o.metadata?.name ?? ''),
    });
  }

  private podAdded(p: V1Pod): void {
    this.trackEntry(p);
    this.deps.scheduler.addPod(p);
  }

  private podUpdated(p: V1Pod): void {
    const s = this.deps.scheduler;
    if (!p.spec?.nodeName && s.cache.get(podKey(p))?.assumed) return;
    this.trackEntry(p);
    s.updatePod(p);
  }

  /**
   * Pending pods of our profiles start their end-to-end clock. A pod seen bound that we had not assumed (another
   * scheduler bound it, or it was created bound) stops it without a sample; one we assumed keeps it for the
   * binder, whose answer may come after this event.
   */
  private trackEntry(p: V1Pod): void {
    const key = podKey(p);
    if (!p.spec?.nodeName) {
      if (this.deps.scheduler.profileFor(p)) this.deps.entryTimes.entered(key);
    } else if (!this.deps.scheduler.cache.get(key)?.assumed) this.deps.entryTimes.forget(key);
  }

  private podDeleted(p: V1Pod): void {
    this.deps.entryTimes.forget(podKey(p));
    this.deps.scheduler.deletePod(p);
  }

  /** Runs a handler; a malformed object is logged and skipped, and the loop is woken either way. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.deps.logger.warn({ err: (e as Error).message }, `${what}: skipped`);
    }
    this.deps.onChange();
  }
}
