/**
 * A Deployment's ReplicaSets: which one is new (its template equals the Deployment's, ignoring the
 * pod-template-hash label), revision numbering, creating the new one, scaling, and pruning history.
 *
 * Revisions: the new RS's revision is one more than the highest of the old ones. `kubectl rollout undo` makes an
 * old RS's template current again; that RS is then the new one and moves to max+1, so history reads as what ran
 * when. The Deployment carries its new RS's revision too.
 *
 * Names: `<deployment>-<hash>`; a hash that collides with an RS of another template bumps
 * status.collisionCount, which changes the hash on the next sync.
 */
import { deepCopy, type Deployment, type ReplicaSet } from '@skiff/api';
import { isAlreadyExists, isNotFound, type EventRecorder, type ResourceClient } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { newControllerRef, isControlledBy } from '../framework/owner-refs.js';
import { templateHash, templatesEqualIgnoringHash } from '../framework/template-hash.js';
import { ControllerError } from '../errors.js';
import { maxSurgeOf } from './deployment-status.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const HASH_LABEL = 'pod-template-hash';

/** Deployment annotations that are not copied onto its ReplicaSets. */
const NOT_COPIED = new Set([REVISION, DESIRED_REPLICAS, MAX_REPLICAS, 'deployment.kubernetes.io/revision-history', 'kubectl.kubernetes.io/last-applied-configuration', 'deprecated.deployment.rollback.to']);

export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } } | undefined): number {
  const n = Number(obj?.metadata?.annotations?.[REVISION] ?? 0);
  return Number.isFinite(n) ? n : 0;
}

export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  return ta - tb || (a.metadata!.name! < b.metadata!.name! ? -1 : 1);
}

/** The RS running the Deployment's current template (the oldest such, if several). */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => templatesEqualIgnoringHash(rs.spec?.template, d.spec?.template));
}

export function activeReplicaSets(rss: ReplicaSet[]): ReplicaSet[] {
  return rss.filter((rs) => (rs.spec?.replicas ?? 0) > 0);
}

export function replicasOf(rss: ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
}

function copyAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const target = (rs.metadata!.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (NOT_COPIED.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

/** Sets desired/max-replicas annotations (read by proportional scaling); true when they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata!.annotations ??= {});
  if (a[DESIRED_REPLICAS] === String(desired) && a[MAX_REPLICAS] === String(max)) return false;
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return true;
}

export interface NewReplicaSetResult {
  newRS?: ReplicaSet;
  /** Set when this sync created the RS or found it anew: the Progressing condition to record. */
  progress?: { reason: 'NewReplicaSetCreated' | 'FoundNewReplicaSet'; message: string };
}

export class DeploymentReplicaSets {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly recorder: EventRecorder,
  ) {}

  private client(ns: string): ResourceClient<ReplicaSet> {
    return this.ctx.client.resource<ReplicaSet>('apps/v1/replicasets').namespace(ns);
  }

  /**
   * Brings the new RS's revision and annotations up to date, or creates it (with `replicas`) when asked and absent.
   * Returns the RS as stored.
   */
  async syncNewReplicaSet(d: Deployment, oldRSs: ReplicaSet[], existing: ReplicaSet | undefined, create: boolean, replicas: () => number): Promise<NewReplicaSetResult> {
    const ns = d.metadata!.namespace!;
    const newRevision = String(Math.max(0, ...oldRSs.map(revisionOf)) + 1);
    if (existing) {
      const rs = deepCopy(existing);
      let changed = copyAnnotations(d, rs);
      if (revisionOf(rs) < Number(newRevision)) {
        rs.metadata!.annotations![REVISION] = newRevision;
        changed = true;
      }
      if ((rs.spec!.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0)) {
        rs.spec!.minReadySeconds = d.spec?.minReadySeconds ?? 0;
        changed = true;
      }
      const stored = changed ? await this.client(ns).update(rs) : existing;
      const hasProgress = (d.status?.conditions ?? []).some((c) => c.type === 'Progressing');
      return {
        newRS: stored,
        progress: hasProgress ? undefined : { reason: 'FoundNewReplicaSet', message: `Found new replica set "${stored.metadata!.name}"` },
      };
    }
    if (!create) return {};
    const template = deepCopy(d.spec!.template!);
    const hash = templateHash(template, d.status?.collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    const selector = deepCopy(d.spec!.selector!);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
    const want = replicas();
    const rs: ReplicaSet = {
      metadata: {
        name: `${d.metadata!.name}-${hash}`,
        namespace: ns,
        labels: { ...(template.metadata.labels ?? {}) },
        annotations: {},
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: want, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    copyAnnotations(d, rs);
    rs.metadata!.annotations![REVISION] = newRevision;
    setReplicasAnnotations(rs, d.spec?.replicas ?? 1, (d.spec?.replicas ?? 1) + maxSurgeOf(d));
    let created: ReplicaSet;
    try {
      created = await this.client(ns).create(rs);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      // Ours, not yet in the cache? Then use it. Someone else's template under our name: a hash collision.
      const live = await this.client(ns).get(rs.metadata!.name!);
      if (isControlledBy(live, d) && templatesEqualIgnoringHash(live.spec?.template, d.spec?.template)) return { newRS: live };
      const collisionCount = (d.status?.collisionCount ?? 0) + 1;
      await this.ctx.client.resource<Deployment>('apps/v1/deployments').namespace(ns).updateStatus({ ...deepCopy(d), status: { ...(d.status ?? {}), collisionCount } });
      throw new ControllerError('Conflict', `replica set name ${rs.metadata!.name} is taken by another template; collisionCount is now ${collisionCount}`);
    }
    if (want > 0) this.scalingEvent(d, created, 0, want);
    return { newRS: created, progress: { reason: 'NewReplicaSetCreated', message: `Created new replica set "${created.metadata!.name}"` } };
  }

  /** Scales `rs` to `replicas` (and refreshes its replicas annotations); returns the RS as stored. */
  async scale(d: Deployment, rs: ReplicaSet, replicas: number): Promise<ReplicaSet> {
    const from = rs.spec?.replicas ?? 0;
    const copy = deepCopy(rs);
    const sizeChanged = from !== replicas;
    copy.spec!.replicas = replicas;
    const annotationsChanged = setReplicasAnnotations(copy, d.spec?.replicas ?? 1, (d.spec?.replicas ?? 1) + maxSurgeOf(d));
    if (!sizeChanged && !annotationsChanged) return rs;
    const stored = await this.client(rs.metadata!.namespace!).update(copy);
    if (sizeChanged) this.scalingEvent(d, stored, from, replicas);
    return stored;
  }

  private scalingEvent(d: Deployment, rs: ReplicaSet, from: number, to: number): void {
    const dir = to > from ? 'up' : 'down';
    this.recorder.event({ ...d, apiVersion: 'apps/v1', kind: 'Deployment' }, 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs.metadata!.name} from ${from} to ${to}`);
  }

  /** Deletes the oldest old RSs that are scaled to zero, keeping revisionHistoryLimit of them. */
  async cleanup(d: Deployment, oldRSs: ReplicaSet[]): Promise<void> {
    const limit = d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const idle = oldRSs
      .filter((rs) => (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata?.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    const excess = idle.length - limit;
    for (let i = 0; i < excess; i++) {
      const rs = idle[i]!;
      try {
        await this.client(rs.metadata!.namespace!).delete(rs.metadata!.name!, { preconditions: { uid: rs.metadata!.uid } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
}
