/**
 * The StatefulSet controller: pods with stable names `<set>-<ordinal>` (0 .. replicas-1), hostname = pod name and
 * subdomain = serviceName, so each keeps its identity across restarts.
 *
 *   OrderedReady  creates ordinal i only when 0..i-1 are Running and Ready; removes the highest ordinal first, one
 *                 at a time, only while the rest are healthy.
 *   Parallel      creates and removes all at once.
 *   RollingUpdate replaces pods from the highest ordinal down to `partition`, one at a time, each only after the
 *                 pods above it are back and Ready; ordinals below the partition keep the current revision.
 *   OnDelete      replaces nothing; a deleted pod comes back at the update revision.
 *
 * Revisions are `<set>-<template hash>`, in the pods' controller-revision-hash label and as ControllerRevision
 * objects holding each template (framework/controller-history.ts): a pod recreated below the partition gets the
 * current revision's template back from its object, and `kubectl rollout history/undo` work on the set.
 */
import { deepCopy, jsonEqual, labelSelectorFromObject, type ControllerRevision, type Pod, type StatefulSet } from '@skiff/api';
import { isAlreadyExists, isNotFound, objectKey, type EventRecorder, type ResourceClient, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { pruneRevisions, recordRevision, templateOf } from '../framework/controller-history.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { ownedInformer, ownershipCandidates } from '../framework/owned-objects.js';
import { claimObjects, controllerRef, newControllerRef } from '../framework/owner-refs.js';
import { isPodAvailable, isPodReady } from '../framework/pod-state.js';
import { podFromTemplate } from '../framework/pod-template.js';
import { templateHash } from '../framework/template-hash.js';

export const REVISION_LABEL = 'controller-revision-hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

function ordinalOf(set: StatefulSet, pod: Pod): number | undefined {
  const prefix = `${set.metadata!.name}-`;
  const name = pod.metadata?.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

const healthy = (p: Pod | undefined): boolean => !!p && p.status?.phase === 'Running' && isPodReady(p) && !p.metadata?.deletionTimestamp;

export class StatefulSetController extends QueueController {
  private readonly sets: SharedInformer<StatefulSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly revisions: SharedInformer<ControllerRevision>;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('statefulset', ctx, ctx.options.workers.statefulset);
    this.recorder = ctx.recorder('statefulset-controller');
    this.sets = ctx.informers.informer<StatefulSet>('apps/v1/statefulsets');
    this.pods = ownedInformer<Pod>(ctx, 'v1/pods');
    this.revisions = ownedInformer<ControllerRevision>(ctx, 'apps/v1/controllerrevisions');
    this.sets.addEventHandler({ onAdd: (s) => this.enqueue(objectKey(s)), onUpdate: (_, s) => this.enqueue(objectKey(s)) });
    const podChanged = (p: Pod) => {
      const ref = controllerRef(p);
      if (ref?.kind === 'StatefulSet') this.enqueue(`${p.metadata!.namespace}/${ref.name}`);
    };
    this.pods.addEventHandler({ onAdd: podChanged, onUpdate: (_, p) => podChanged(p), onDelete: podChanged });
  }

  private event(set: StatefulSet, reason: string, message: string): void {
    this.recorder.event({ ...set, apiVersion: 'apps/v1', kind: 'StatefulSet' }, 'Normal', reason, message);
  }

  protected async sync(key: string): Promise<SyncResult> {
    const set = this.sets.indexer.get(key);
    if (!set) return;
    const ns = set.metadata!.namespace!;
    const client = this.ctx.client.resource<Pod>('v1/pods').namespace(ns);
    const selector = labelSelectorFromObject(set.spec?.selector);
    const pods = await claimObjects(ownershipCandidates(this.pods, set), { owner: set, ownerApiVersion: 'apps/v1', ownerKind: 'StatefulSet', selector, client });
    const hash = templateHash(set.spec?.template);
    const revisions = this.ctx.client.resource<ControllerRevision>('apps/v1/controllerrevisions').namespace(ns);
    const updateRevision = set.metadata?.deletionTimestamp
      ? `${set.metadata!.name}-${hash}`
      : await recordRevision(this.revisions, revisions, { obj: set, apiVersion: 'apps/v1', kind: 'StatefulSet' }, hash);
    const currentRevision = set.status?.currentRevision || updateRevision;
    const byOrdinal = new Map<number, Pod>();
    for (const p of pods) {
      const o = ordinalOf(set, p);
      if (o !== undefined) byOrdinal.set(o, p);
    }
    if (!set.metadata?.deletionTimestamp) {
      await this.manage(set, byOrdinal, currentRevision, updateRevision, client);
      const inUse = new Set([currentRevision, updateRevision, ...pods.map((p) => p.metadata?.labels?.[REVISION_LABEL] ?? '')]);
      await pruneRevisions(this.revisions, revisions, set, inUse);
    }
    return this.writeStatus(set, [...byOrdinal.values()], currentRevision, updateRevision);
  }

  private partition(set: StatefulSet): number {
    return set.spec?.updateStrategy?.type === 'OnDelete' ? Infinity : (set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0);
  }

  /** One step toward the desired pods; OrderedReady stops at the first pod it must wait for. */
  private async manage(set: StatefulSet, byOrdinal: Map<number, Pod>, currentRevision: string, updateRevision: string, client: ResourceClient<Pod>): Promise<void> {
    const replicas = set.spec?.replicas ?? 1;
    const ordered = (set.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const partition = this.partition(set);
    for (let i = 0; i < replicas; i++) {
      const pod = byOrdinal.get(i);
      if (pod?.status?.phase === 'Failed' && !pod.metadata?.deletionTimestamp) {
        await this.deletePod(set, pod, client);
        if (ordered) return;
        continue;
      }
      if (!pod) {
        const revision = i < partition && set.spec?.updateStrategy?.type !== 'OnDelete' ? currentRevision : updateRevision;
        await this.createPod(set, i, revision, updateRevision, client);
        if (ordered) return;
        continue;
      }
      if (ordered && !healthy(pod)) return;
    }
    const condemned = [...byOrdinal.keys()].filter((o) => o >= replicas).sort((a, b) => b - a);
    for (const o of condemned) {
      const pod = byOrdinal.get(o)!;
      if (pod.metadata?.deletionTimestamp) {
        if (ordered) return;
        continue;
      }
      if (ordered && [...byOrdinal.entries()].some(([k, p]) => k < o && !healthy(p))) return;
      await this.deletePod(set, pod, client);
      if (ordered) return;
    }
    // Rolling update: the highest out-of-date pod at or above the partition, once every pod is healthy.
    if (set.spec?.updateStrategy?.type === 'OnDelete') return;
    for (let i = 0; i < replicas; i++) if (!healthy(byOrdinal.get(i))) return;
    for (let i = replicas - 1; i >= partition; i--) {
      const pod = byOrdinal.get(i)!;
      if (pod.metadata?.labels?.[REVISION_LABEL] !== updateRevision) {
        await this.deletePod(set, pod, client);
        return;
      }
    }
  }

  private async createPod(set: StatefulSet, ordinal: number, revision: string, updateRevision: string, client: ResourceClient<Pod>): Promise<void> {
    const name = `${set.metadata!.name}-${ordinal}`;
    let template = set.spec?.template;
    if (revision !== updateRevision) {
      const old = this.revisions.indexer.get(`${set.metadata!.namespace}/${revision}`);
      const kept = old && templateOf(old);
      if (kept) template = kept as typeof template;
      else revision = updateRevision;
    }
    const pod = podFromTemplate(template, newControllerRef(set, 'apps/v1', 'StatefulSet'), {
      name,
      labels: { [REVISION_LABEL]: revision, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) },
    });
    pod.spec!.hostname = name;
    if (set.spec?.serviceName) pod.spec!.subdomain = set.spec.serviceName;
    try {
      await client.create(pod);
      this.event(set, 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${set.metadata!.name} successful`);
    } catch (e) {
      // The previous pod of this name is still going away: the next sync retries.
      if (!isAlreadyExists(e)) throw e;
    }
  }

  private async deletePod(set: StatefulSet, pod: Pod, client: ResourceClient<Pod>): Promise<void> {
    try {
      await client.delete(pod.metadata!.name!, { preconditions: { uid: pod.metadata!.uid } });
      this.event(set, 'SuccessfulDelete', `delete Pod ${pod.metadata!.name} in StatefulSet ${set.metadata!.name} successful`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async writeStatus(set: StatefulSet, pods: Pod[], currentRevision: string, updateRevision: string): Promise<SyncResult> {
    const now = this.ctx.now();
    const replicas = set.spec?.replicas ?? 1;
    const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
    const updated = live.filter((p) => p.metadata?.labels?.[REVISION_LABEL] === updateRevision).length;
    // The update is complete once every wanted pod runs the new revision: it becomes the current one.
    const allUpdated = updated === replicas && live.length === replicas && live.every((p) => healthy(p));
    const current = allUpdated && this.partition(set) === 0 ? updateRevision : currentRevision;
    const status: NonNullable<StatefulSet['status']> = {
      observedGeneration: set.metadata?.generation ?? 0,
      replicas: live.length,
      readyReplicas: live.filter(isPodReady).length,
      availableReplicas: live.filter((p) => isPodAvailable(p, set.spec?.minReadySeconds ?? 0, now)).length,
      currentReplicas: live.filter((p) => p.metadata?.labels?.[REVISION_LABEL] === current).length,
      updatedReplicas: updated,
      currentRevision: current,
      updateRevision,
      collisionCount: set.status?.collisionCount ?? 0,
    };
    if (jsonEqual(status, set.status ?? {})) return;
    try {
      await this.ctx.client.resource<StatefulSet>('apps/v1/statefulsets').namespace(set.metadata!.namespace!).updateStatus({ ...deepCopy(set), status });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
