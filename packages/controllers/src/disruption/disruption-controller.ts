/**
 * The disruption controller: keeps each PodDisruptionBudget's status, which the eviction API reads to decide
 * whether a pod may go (apiserver handlers/pod-eviction.ts).
 *
 *   currentHealthy   selected pods that are Ready, not being deleted, and not just evicted (status.disruptedPods)
 *   expectedPods     selected pods, or with maxUnavailable or a percentage, the replicas their controllers want
 *                    (a Deployment's through its ReplicaSet, a ReplicaSet's, a StatefulSet's)
 *   desiredHealthy   minAvailable (a percentage of expectedPods, rounded up), or expectedPods - maxUnavailable
 *   disruptionsAllowed = max(0, currentHealthy - desiredHealthy), with the DisruptionAllowed condition
 *
 * An evicted pod stays in disruptedPods until it is seen going, or for two minutes at most.
 */
import { jsonEqual, labelSelectorFromObject, type Pod } from '@skiff/api';
import { isNotFound, objectKey, type SharedInformer } from '@skiff/client';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { scaledValue } from '../framework/int-or-percent.js';
import { ownedInformer } from '../framework/owned-objects.js';
import { controllerRef } from '../framework/owner-refs.js';
import { isPodReady } from '../framework/pod-state.js';

const DISRUPTED_GRACE_MS = 2 * 60_000;

type Budget = { metadata?: any; spec?: any; status?: any };

export class DisruptionController extends QueueController {
  private readonly budgets: SharedInformer<Budget>;
  private readonly pods: SharedInformer<Pod>;
  /** The scale of a budget's pods' controllers, from the informers the workload controllers share. */
  private readonly scalers: Record<'ReplicaSet' | 'Deployment' | 'StatefulSet', SharedInformer<any>>;

  constructor(ctx: ControllerContext) {
    super('disruption', ctx, ctx.options.workers.disruption);
    this.budgets = ctx.informers.informer<Budget>('policy/v1/poddisruptionbudgets');
    this.pods = ownedInformer<Pod>(ctx, 'v1/pods');
    this.scalers = {
      ReplicaSet: ctx.informers.informer('apps/v1/replicasets'),
      Deployment: ctx.informers.informer('apps/v1/deployments'),
      StatefulSet: ctx.informers.informer('apps/v1/statefulsets'),
    };
    this.budgets.addEventHandler({ onAdd: (b) => this.enqueue(objectKey(b)), onUpdate: (_, b) => this.enqueue(objectKey(b)) });
    const podChanged = (p: Pod, old?: Pod) => {
      for (const b of this.budgets.indexer.list()) {
        if (b.metadata?.namespace !== p.metadata?.namespace || !b.spec?.selector) continue;
        const sel = labelSelectorFromObject(b.spec.selector);
        if (sel.matches(p.metadata?.labels) || (old && sel.matches(old.metadata?.labels))) this.enqueue(objectKey(b));
      }
    };
    this.pods.addEventHandler({ onAdd: (p) => podChanged(p), onUpdate: (old, p) => podChanged(p, old), onDelete: (p) => podChanged(p) });
  }

  protected async sync(key: string): Promise<SyncResult> {
    const budget = this.budgets.indexer.get(key);
    if (!budget) return;
    const ns = budget.metadata.namespace as string;
    const sel = budget.spec?.selector ? labelSelectorFromObject(budget.spec.selector) : undefined;
    const pods = sel ? this.pods.indexer.list().filter((p) => p.metadata?.namespace === ns && sel.matches(p.metadata?.labels)) : [];
    const now = this.ctx.now();
    const live = new Set(pods.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!));
    const disrupted: Record<string, string> = {};
    let recheckMs: number | undefined;
    for (const [name, at] of Object.entries((budget.status?.disruptedPods ?? {}) as Record<string, string>)) {
      const left = Date.parse(at) + DISRUPTED_GRACE_MS - now;
      if (live.has(name) && left > 0) {
        disrupted[name] = at;
        recheckMs = Math.min(recheckMs ?? left, left);
      }
    }
    const healthy = pods.filter((p) => !p.metadata?.deletionTimestamp && isPodReady(p) && !disrupted[p.metadata!.name!]).length;
    const { minAvailable, maxUnavailable } = budget.spec ?? {};
    const percentage = (v: unknown) => typeof v === 'string' && v.endsWith('%');
    const expected = maxUnavailable !== undefined || percentage(minAvailable) ? this.expectedPods(ns, pods) : pods.filter((p) => !p.metadata?.deletionTimestamp).length;
    let desired: number;
    if (maxUnavailable !== undefined) desired = Math.max(0, expected - scaledValue(maxUnavailable, expected, true, 0));
    else if (minAvailable !== undefined) desired = percentage(minAvailable) ? scaledValue(minAvailable, expected, true, 0) : Number(minAvailable);
    else desired = expected;
    const allowed = Math.max(0, healthy - desired);
    const prev = budget.status ?? {};
    const prevCondition = (prev.conditions ?? []).find((c: any) => c.type === 'DisruptionAllowed');
    const conditionStatus = allowed > 0 ? 'True' : 'False';
    const condition = {
      type: 'DisruptionAllowed',
      status: conditionStatus,
      reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods',
      message: '',
      observedGeneration: budget.metadata.generation,
      lastTransitionTime: prevCondition?.status === conditionStatus ? prevCondition.lastTransitionTime : new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    const status = {
      observedGeneration: budget.metadata.generation,
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: [condition],
    };
    if (!jsonEqual(status, prev)) {
      const client = this.ctx.client.resource<Budget>('policy/v1/poddisruptionbudgets').namespace(ns);
      try {
        await client.updateStatus({ ...budget, status } as never);
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
    }
    return recheckMs !== undefined ? { requeueAfterMs: recheckMs + 100 } : undefined;
  }

  /** The replicas the controllers of `pods` want, each controller counted once; a pod without one counts as one. */
  private expectedPods(ns: string, pods: Pod[]): number {
    const seen = new Set<string>();
    let total = 0;
    for (const p of pods) {
      const ref = controllerRef(p);
      let kind = ref?.kind;
      let name = ref?.name ?? '';
      let owner = kind === 'ReplicaSet' || kind === 'StatefulSet' ? this.scalers[kind].indexer.get(`${ns}/${name}`) : undefined;
      // A Deployment's ReplicaSets count together, as the Deployment's replicas.
      const top = owner && kind === 'ReplicaSet' ? controllerRef(owner) : undefined;
      if (top?.kind === 'Deployment') {
        [kind, name] = ['Deployment', top.name];
        owner = this.scalers.Deployment.indexer.get(`${ns}/${name}`);
      }
      if (!owner) {
        total++;
        continue;
      }
      if (seen.has(`${kind}/${name}`)) continue;
      seen.add(`${kind}/${name}`);
      total += owner.spec?.replicas ?? 1;
    }
    return total;
  }
}
