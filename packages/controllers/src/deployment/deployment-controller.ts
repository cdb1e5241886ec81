/**
 * The Deployment controller: rolls a Deployment's pod template out through ReplicaSets.
 *
 * One sync, in the order Kubernetes uses:
 *   - being deleted: only the status is kept up to date (the garbage collector removes the ReplicaSets);
 *   - claim ReplicaSets (adopt orphans matching the selector, release ours that stopped matching);
 *   - paused, or only spec.replicas changed (a scaling event): resize proportionally, no rollout;
 *   - otherwise roll out: RollingUpdate (rollout-plan.ts) or Recreate (old pods all gone before new ones start);
 *   - once complete, prune old ReplicaSets beyond revisionHistoryLimit;
 *   - write status and conditions, and come back when the progress deadline would pass.
 */
import { deepCopy, jsonEqual, labelSelectorFromObject, type Deployment, type Pod, type ReplicaSet } from '@skiff/api';
import { isNotFound, objectKey, type EventRecorder, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { setCondition, type Condition } from '../framework/conditions.js';
import { controlledBy, ownedInformer, ownershipCandidates } from '../framework/owned-objects.js';
import { claimObjects, controllerRef } from '../framework/owner-refs.js';
import { calculateStatus, deploymentComplete, withProgress, type DeploymentStatus } from './deployment-status.js';
import { activeReplicaSets, DeploymentReplicaSets, findNewReplicaSet, REVISION, type NewReplicaSetResult } from './replica-sets.js';
import { isScalingEvent, newReplicaSetReplicas, planOldScaleDown, planProportionalScale, type ScaleStep } from './rollout-plan.js';

/** What one sync works on; the ReplicaSets are replaced by what the server returns as they are written. */
interface SyncState {
  d: Deployment;
  newRS?: ReplicaSet;
  oldRSs: ReplicaSet[];
  progress?: NewReplicaSetResult['progress'];
}

export class DeploymentController extends QueueController {
  private readonly deployments: SharedInformer<Deployment>;
  private readonly rsInformer: SharedInformer<ReplicaSet>;
  private readonly podInformer: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly replicaSets: DeploymentReplicaSets;

  constructor(ctx: ControllerContext) {
    super('deployment', ctx, ctx.options.workers.deployment);
    this.recorder = ctx.recorder('deployment-controller');
    this.replicaSets = new DeploymentReplicaSets(ctx, this.recorder);
    this.deployments = ctx.informers.informer<Deployment>('apps/v1/deployments');
    this.rsInformer = ownedInformer<ReplicaSet>(ctx, 'apps/v1/replicasets');
    this.podInformer = ownedInformer<Pod>(ctx, 'v1/pods');
    this.deployments.addEventHandler({
      onAdd: (d) => this.enqueue(objectKey(d)),
      onUpdate: (_, d) => this.enqueue(objectKey(d)),
      onDelete: (d) => this.enqueue(objectKey(d)),
    });
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.rsChanged(rs),
      onUpdate: (old, rs) => {
        if (old.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
        const oldRef = controllerRef(old);
        if (oldRef && oldRef.uid !== controllerRef(rs)?.uid) this.rsChanged(old);
        this.rsChanged(rs);
      },
      onDelete: (rs) => this.rsChanged(rs),
    });
    // Recreate waits for every old pod to be gone before it starts new ones: a pod deletion may unblock it.
    this.podInformer.addEventHandler({ onDelete: (pod) => this.podDeleted(pod) });
  }

  private rsChanged(rs: ReplicaSet): void {
    const ref = controllerRef(rs);
    if (ref) {
      if (ref.kind === 'Deployment') this.enqueue(`${rs.metadata!.namespace}/${ref.name}`);
      return;
    }
    for (const d of this.deployments.indexer.byIndex('namespace', rs.metadata!.namespace!)) {
      if (labelSelectorFromObject(d.spec?.selector).matches(rs.metadata?.labels)) this.enqueue(objectKey(d));
    }
  }

  private podDeleted(pod: Pod): void {
    const ref = controllerRef(pod);
    if (ref?.kind !== 'ReplicaSet') return;
    const rs = this.rsInformer.indexer.get(`${pod.metadata!.namespace}/${ref.name}`);
    const dRef = rs && controllerRef(rs);
    if (dRef?.kind !== 'Deployment') return;
    const key = `${pod.metadata!.namespace}/${dRef.name}`;
    if (this.deployments.indexer.get(key)?.spec?.strategy?.type === 'Recreate') this.enqueue(key);
  }

  protected async sync(key: string): Promise<SyncResult> {
    const cached = this.deployments.indexer.get(key);
    if (!cached) return;
    const d = cached;
    const selector = labelSelectorFromObject(d.spec?.selector);
    if (selector.isEverything()) {
      this.recorder.event({ ...d, apiVersion: 'apps/v1', kind: 'Deployment' }, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      return;
    }
    const rsClient = this.ctx.client.resource<ReplicaSet>('apps/v1/replicasets').namespace(d.metadata!.namespace!);
    const rsList = await claimObjects(ownershipCandidates(this.rsInformer, d), { owner: d, ownerApiVersion: 'apps/v1', ownerKind: 'Deployment', selector, client: rsClient });
    const existingNew = findNewReplicaSet(d, rsList);
    const state: SyncState = { d, newRS: existingNew, oldRSs: rsList.filter((rs) => rs !== existingNew) };

    if (d.metadata?.deletionTimestamp) return this.writeStatus(state, false);
    const pausedChanged = this.pausedCondition(state);
    if (d.spec?.paused || isScalingEvent(d, rsList)) {
      await this.syncNewRS(state, false);
      await this.apply(state, planProportionalScale(state.d, state.newRS, state.oldRSs));
      if (d.spec?.paused) await this.replicaSets.cleanup(state.d, state.oldRSs);
      return this.writeStatus(state, false, pausedChanged);
    }
    if (d.spec?.strategy?.type === 'Recreate') return this.rolloutRecreate(state);
    return this.rolloutRolling(state);
  }

  /** Pausing and resuming show as Progressing=Unknown; returns whether the condition changed. */
  private pausedCondition(s: SyncState): boolean {
    const conds = (s.d.status?.conditions ?? []) as Condition[];
    const prog = conds.find((c) => c.type === 'Progressing');
    const now = this.ctx.now();
    if (s.d.spec?.paused && prog?.reason !== 'DeploymentPaused') {
      s.d = { ...s.d, status: { ...s.d.status, conditions: setCondition(conds, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, now, true) as DeploymentStatus['conditions'] } };
      return true;
    }
    if (!s.d.spec?.paused && prog?.reason === 'DeploymentPaused') {
      s.d = { ...s.d, status: { ...s.d.status, conditions: setCondition(conds, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentResumed', message: 'Deployment is resumed' }, now, true) as DeploymentStatus['conditions'] } };
      return true;
    }
    return false;
  }

  private allRSs(s: SyncState): ReplicaSet[] {
    return s.newRS ? [...s.oldRSs, s.newRS] : s.oldRSs;
  }

  /** Syncs (or creates) the new RS, and the Deployment's own revision annotation. */
  private async syncNewRS(s: SyncState, create: boolean): Promise<void> {
    const res = await this.replicaSets.syncNewReplicaSet(s.d, s.oldRSs, s.newRS, create, () => newReplicaSetReplicas(s.d, s.oldRSs, undefined));
    s.newRS = res.newRS;
    s.progress = res.progress;
    const rev = s.newRS?.metadata?.annotations?.[REVISION];
    if (rev && s.d.metadata?.annotations?.[REVISION] !== rev) {
      const copy = deepCopy(s.d);
      copy.metadata!.annotations = { ...(copy.metadata!.annotations ?? {}), [REVISION]: rev };
      const stored = await this.ctx.client.resource<Deployment>('apps/v1/deployments').namespace(copy.metadata!.namespace!).update(copy);
      s.d = { ...stored, status: s.d.status };
    }
  }

  private async apply(s: SyncState, steps: ScaleStep[]): Promise<boolean> {
    for (const step of steps) {
      const stored = await this.replicaSets.scale(s.d, step.rs, step.replicas);
      if (step.rs === s.newRS) s.newRS = stored;
      else s.oldRSs = s.oldRSs.map((rs) => (rs === step.rs ? stored : rs));
    }
    return steps.length > 0;
  }

  private async rolloutRolling(s: SyncState): Promise<SyncResult> {
    await this.syncNewRS(s, true);
    const newRS = s.newRS!;
    const want = s.d.spec?.replicas ?? 1;
    const current = newRS.spec?.replicas ?? 0;
    if (current > want) {
      await this.apply(s, [{ rs: newRS, replicas: want }]);
      return this.writeStatus(s, true);
    }
    if (current < want) {
      const target = newReplicaSetReplicas(s.d, this.allRSs(s), newRS);
      if (target !== current) {
        await this.apply(s, [{ rs: newRS, replicas: target }]);
        return this.writeStatus(s, true);
      }
    }
    if (await this.apply(s, planOldScaleDown(s.d, activeReplicaSets(s.oldRSs), s.newRS))) return this.writeStatus(s, true);
    return this.finish(s);
  }

  private async rolloutRecreate(s: SyncState): Promise<SyncResult> {
    await this.syncNewRS(s, false);
    const active = activeReplicaSets(s.oldRSs);
    if (await this.apply(s, active.map((rs) => ({ rs, replicas: 0 })))) return this.writeStatus(s, true);
    // Old pods still exist (even terminating): new ones must not run alongside them.
    const oldPodsRunning = s.oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0 || controlledBy(this.podInformer, rs).some((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'));
    if (oldPodsRunning) return this.writeStatus(s, true);
    if (!s.newRS) await this.syncNewRS(s, true);
    await this.apply(s, [{ rs: s.newRS!, replicas: s.d.spec?.replicas ?? 1 }]);
    return this.finish(s);
  }

  private async finish(s: SyncState): Promise<SyncResult> {
    const status = calculateStatus(s.d, this.allRSs(s), s.newRS, this.ctx.now());
    if (deploymentComplete(s.d, status)) await this.replicaSets.cleanup(s.d, s.oldRSs);
    return this.writeStatus(s, true);
  }

  /** Writes status when it changed; with `rollout`, the Progressing condition too. */
  private async writeStatus(s: SyncState, rollout: boolean, force = false): Promise<SyncResult> {
    const now = this.ctx.now();
    let status = calculateStatus(s.d, this.allRSs(s), s.newRS, now);
    if (s.progress) {
      status.conditions = setCondition(status.conditions as Condition[], { type: 'Progressing', status: 'True', ...s.progress }, now, true) as DeploymentStatus['conditions'];
    }
    let recheckInMs: number | undefined;
    if (rollout) ({ status, recheckInMs } = withProgress(s.d, status, s.newRS, now));
    if (force || !jsonEqual(status, s.d.status ?? {})) {
      try {
        await this.ctx.client.resource<Deployment>('apps/v1/deployments').namespace(s.d.metadata!.namespace!).updateStatus({ ...deepCopy(s.d), status });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return recheckInMs !== undefined ? { requeueAfterMs: recheckInMs } : undefined;
  }
}
