/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods matching the selector.
 *
 * One sync:
 *   1. Claim pods: the RS's own (by controller uid) stay while they match, orphans that match are adopted, own
 *      pods that stopped matching are released.
 *   2. If the expectations of the previous sync have been observed: create or delete the difference, at most
 *      burstReplicas (500) per sync, creations in slow-start batches (1, 2, 4 ...), deletions least valuable
 *      first (pod-ranking.ts). Expectations then record what the informer must show before the next round.
 *   3. Write status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration) when
 *      it changed; with minReadySeconds, come back when the next ready pod turns available.
 */
import { deepCopy, jsonEqual, labelSelectorFromObject, type Pod, type ReplicaSet } from '@skiff/api';
import { isNotFound, objectKey, type EventRecorder, type ResourceClient, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { Expectations } from '../framework/expectations.js';
import { ownedInformer, ownershipCandidates } from '../framework/owned-objects.js';
import { claimObjects, controllerRef, newControllerRef } from '../framework/owner-refs.js';
import { isPodActive } from '../framework/pod-state.js';
import { podFromTemplate } from '../framework/pod-template.js';
import { slowStartBatch } from '../framework/slow-start.js';
import { podsToDelete } from './pod-ranking.js';
import { replicaSetStatus } from './replicaset-status.js';

const RS_API_VERSION = 'apps/v1';

export class ReplicaSetController extends QueueController {
  private readonly rsInformer: SharedInformer<ReplicaSet>;
  private readonly podInformer: SharedInformer<Pod>;
  readonly expectations = new Expectations();
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('replicaset', ctx, ctx.options.workers.replicaset);
    this.recorder = ctx.recorder('replicaset-controller');
    this.rsInformer = ctx.informers.informer<ReplicaSet>('apps/v1/replicasets');
    this.podInformer = ownedInformer<Pod>(ctx, 'v1/pods');
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.enqueue(objectKey(rs)),
      onUpdate: (_, rs) => this.enqueue(objectKey(rs)),
      onDelete: (rs) => {
        this.expectations.delete(objectKey(rs));
        this.enqueue(objectKey(rs));
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  /** The RS that controls `pod`, if it is a ReplicaSet this cache knows (uid checked). */
  private ownerKey(pod: Pod): string | undefined {
    const ref = controllerRef(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const key = `${pod.metadata!.namespace}/${ref.name}`;
    const rs = this.rsInformer.indexer.get(key);
    return rs?.metadata?.uid === ref.uid ? key : undefined;
  }

  /** RSs in the pod's namespace whose selector matches it: candidates to adopt an orphan. */
  private enqueueMatching(pod: Pod): void {
    for (const rs of this.rsInformer.indexer.byIndex('namespace', pod.metadata!.namespace!)) {
      if (labelSelectorFromObject(rs.spec?.selector).matches(pod.metadata?.labels)) this.enqueue(objectKey(rs));
    }
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod);
    const key = this.ownerKey(pod);
    if (key) {
      this.expectations.creationObserved(key);
      this.enqueue(key);
    } else if (!controllerRef(pod)) this.enqueueMatching(pod);
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    if (pod.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) {
      // A pod being deleted is as good as gone for counting; expect its DELETED event no longer.
      const key = this.ownerKey(pod);
      if (key) this.expectations.deletionObserved(key, objectKey(pod));
    }
    const oldRef = controllerRef(old);
    const newRef = controllerRef(pod);
    if (oldRef && oldRef.uid !== newRef?.uid) {
      const oldKey = this.ownerKey(old);
      if (oldKey) this.enqueue(oldKey);
    }
    const key = this.ownerKey(pod);
    if (key) {
      this.enqueue(key);
      return;
    }
    if (!newRef && (!jsonEqual(old.metadata?.labels, pod.metadata?.labels) || oldRef)) this.enqueueMatching(pod);
  }

  private podDeleted(pod: Pod): void {
    const key = this.ownerKey(pod);
    if (!key) return;
    this.expectations.deletionObserved(key, objectKey(pod));
    this.enqueue(key);
  }

  protected async sync(key: string): Promise<SyncResult> {
    const cached = this.rsInformer.indexer.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const rs = cached;
    const ns = rs.metadata!.namespace!;
    const pods = this.ctx.client.resource<Pod>('v1/pods').namespace(ns);
    const selector = labelSelectorFromObject(rs.spec?.selector);
    const needsSync = this.expectations.satisfied(key);
    const candidates = ownershipCandidates(this.podInformer, rs).filter(isPodActive);
    const owned = await claimObjects(candidates, { owner: rs, ownerApiVersion: RS_API_VERSION, ownerKind: 'ReplicaSet', selector, client: pods });
    let manageError: unknown;
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(key, rs, owned, pods);
      } catch (e) {
        manageError = e;
      }
    }
    const now = this.ctx.now();
    const { status, nextAvailableInMs } = replicaSetStatus(rs, owned, now, manageError);
    if (!jsonEqual(status, rs.status ?? {})) {
      try {
        await this.ctx.client.resource<ReplicaSet>('apps/v1/replicasets').namespace(ns).updateStatus({ ...deepCopy(rs), status });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    if (manageError) throw manageError;
    if (nextAvailableInMs > 0) return { requeueAfterMs: nextAvailableInMs + 10 };
  }

  private async manageReplicas(key: string, rs: ReplicaSet, owned: Pod[], pods: ResourceClient<Pod>): Promise<void> {
    const want = rs.spec?.replicas ?? 1;
    const diff = owned.length - want;
    const burst = this.ctx.options.burstReplicas;
    if (diff < 0) {
      const n = Math.min(-diff, burst);
      this.expectations.expectCreations(key, n);
      const ref = newControllerRef(rs, RS_API_VERSION, 'ReplicaSet');
      const template = rs.spec?.template;
      const { succeeded, error } = await slowStartBatch(n, 1, async () => {
        try {
          const created = await pods.create(podFromTemplate(template, ref, { generateName: `${rs.metadata!.name}-` }));
          this.recorder.event(rsObject(rs), 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
        } catch (e) {
          this.recorder.event(rsObject(rs), 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
          throw e;
        }
      });
      // Creations that failed or never started will not show up in the informer.
      if (succeeded < n) this.expectations.creationFailed(key, n - succeeded);
      if (error) throw error;
      return;
    }
    if (diff > 0) {
      const victims = podsToDelete(owned, Math.min(diff, burst));
      this.expectations.expectDeletions(key, victims.map(objectKey));
      const results = await Promise.allSettled(
        victims.map(async (p) => {
          try {
            await pods.delete(p.metadata!.name!);
            this.recorder.event(rsObject(rs), 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata!.name}`);
          } catch (e) {
            // Gone already: that is what we wanted. Anything else: the deletion will not be observed.
            this.expectations.deletionObserved(key, objectKey(p));
            if (isNotFound(e)) return;
            this.recorder.event(rsObject(rs), 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
            throw e;
          }
        }),
      );
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
  }
}

/** The RS with its type meta, as events name it. */
function rsObject(rs: ReplicaSet): ReplicaSet {
  return { ...rs, apiVersion: RS_API_VERSION, kind: 'ReplicaSet' };
}
