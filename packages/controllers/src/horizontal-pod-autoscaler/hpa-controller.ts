/**
 * The HorizontalPodAutoscaler controller (kube-controller-manager's `horizontalpodautoscaling`). Every sync period
 * (15 s), and at once when an HPA is added or its spec changes, each HPA is reconciled:
 *
 *   1. read the target's scale (scale-target.ts); its status.selector picks the pods
 *   2. the target at 0 replicas with minReplicas > 0: autoscaling is off (ScalingDisabled), nothing changes;
 *      outside [minReplicas, maxReplicas]: back to the nearest bound at once
 *   3. otherwise each metric proposes a count from the pods' usage (metric-replicas.ts, replica-calculator.ts),
 *      the largest wins, and spec.behavior holds it back (scaling-behavior.ts)
 *   4. a new count is written through the scale subresource, with a SuccessfulRescale event ("New size: 4;
 *      reason: cpu resource utilization (percentage of request) above target") and status.lastScaleTime
 *   5. the status (hpa-status.ts) is written if it changed
 *
 * Failures become Warning events (FailedGetScale, FailedRescale, FailedGetResourceMetric,
 * FailedComputeMetricsReplicas ...) and conditions, and the HPA is tried again next period, as upstream's
 * fixed-interval queue does: a sync never retries faster than the period.
 */
import { deepCopy, jsonEqual, parseLabelSelector, type LabelSelector, type Pod } from '@skiff/api';
import { isConflict, isNotFound, NAMESPACE_INDEX, objectKey, type EventRecorder, type EventType, type SharedInformer } from '@skiff/client';
import { rfc3339 } from '../framework/conditions.js';
import type { ControllerContext } from '../framework/context.js';
import { QueueController, type SyncResult } from '../framework/controller.js';
import { HPA_API_VERSION, HPA_RESOURCE, type HorizontalPodAutoscaler, type MetricStatus, type ScaleObject } from './hpa-types.js';
import { StatusDraft } from './hpa-status.js';
import { DEFAULT_METRICS, replicasForMetrics } from './metric-replicas.js';
import { MetricsApiSource, type PodMetricsSource } from './pod-metrics-source.js';
import { ReplicaCalculator } from './replica-calculator.js';
import { ScaleTargets, type ScaleTarget } from './scale-target.js';
import { historyHorizonMs, normalizeReplicas, resolveBehavior } from './scaling-behavior.js';
import { recordScaleEvent, ScalingHistories } from './scaling-history.js';

export interface HpaControllerDeps {
  /** Where pod usage comes from (default: the resource metrics API). */
  metrics?: PodMetricsSource;
}

type SelectorResult = { ok: true; selector: LabelSelector } | { ok: false; error: string };

export class HorizontalPodAutoscalerController extends QueueController {
  private readonly hpas: SharedInformer<HorizontalPodAutoscaler>;
  private readonly pods: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly targets: ScaleTargets;
  private readonly calculator: ReplicaCalculator;
  private readonly histories = new ScalingHistories();
  /** Each HPA's pod selector as last seen, to notice two HPAs scaling the same pods. */
  private readonly selectors = new Map<string, LabelSelector>();

  constructor(ctx: ControllerContext, deps: HpaControllerDeps = {}) {
    super('horizontalpodautoscaling', ctx, ctx.options.workers.horizontalpodautoscaling);
    const o = ctx.options.horizontalPodAutoscaler;
    this.recorder = ctx.recorder('horizontal-pod-autoscaler');
    this.targets = new ScaleTargets(ctx.client, () => ctx.now(), Math.max(o.syncPeriodMs, 30_000));
    this.pods = ctx.informers.informer<Pod>('v1/pods');
    this.calculator = new ReplicaCalculator(deps.metrics ?? new MetricsApiSource(ctx.client), (ns, sel) => this.podsOf(ns, sel), {
      tolerance: o.tolerance,
      cpuInitializationPeriodMs: o.cpuInitializationPeriodMs,
      initialReadinessDelayMs: o.initialReadinessDelayMs,
      now: () => ctx.now(),
    });
    this.hpas = ctx.informers.informer<HorizontalPodAutoscaler>(HPA_RESOURCE);
    this.hpas.addEventHandler({
      onAdd: (h) => this.enqueue(objectKey(h)),
      // Status writes (ours) come back as updates too: only a spec change is worth a sync before the period ends.
      onUpdate: (old, h) => {
        if (!jsonEqual(old.spec, h.spec)) this.enqueue(objectKey(h));
      },
      onDelete: (h) => this.forget(objectKey(h)),
    });
  }

  private forget(key: string): void {
    this.histories.forget(key);
    this.selectors.delete(key);
  }

  private podsOf(namespace: string, selector: LabelSelector): Pod[] {
    return this.pods.indexer.byIndex(NAMESPACE_INDEX, namespace).filter((p) => selector.matches(p.metadata?.labels));
  }

  private event(hpa: HorizontalPodAutoscaler, type: EventType, reason: string, message: string): void {
    this.recorder.event({ ...hpa, apiVersion: HPA_API_VERSION, kind: 'HorizontalPodAutoscaler' }, type, reason, message);
  }

  protected async sync(key: string): Promise<SyncResult> {
    const cached = this.hpas.indexer.get(key);
    if (!cached) {
      this.forget(key);
      return;
    }
    try {
      await this.reconcile(key, deepCopy(cached));
    } catch (e) {
      if (!isNotFound(e)) this.log.warn({ hpa: key, err: (e as Error).message }, 'autoscaler sync failed; trying again next period');
    }
    return { requeueAfterMs: this.ctx.options.horizontalPodAutoscaler.syncPeriodMs };
  }

  private async reconcile(key: string, hpa: HorizontalPodAutoscaler): Promise<void> {
    const now = this.ctx.now();
    const o = this.ctx.options.horizontalPodAutoscaler;
    const ns = hpa.metadata.namespace!;
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const draft = new StatusDraft(hpa, now);
    draft.observed(hpa.metadata.generation);

    const got = await this.readScale(ns, ref.apiVersion, ref.kind, ref.name);
    if (!got.ok) {
      this.event(hpa, 'Warning', 'FailedGetScale', got.error);
      draft.condition('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${got.error}`);
      await this.writeStatus(hpa, draft);
      return;
    }
    const { target, scale } = got;
    draft.condition('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const current = scale.spec?.replicas ?? 0;
    const history = this.histories.get(key, current, now);
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? Math.max(min, current);
    const behavior = resolveBehavior(hpa.spec?.behavior, o.downscaleStabilizationMs / 1000);

    let desired: number;
    let reason = '';
    let metricStatuses: MetricStatus[] | undefined;
    if (current === 0 && min !== 0) {
      draft.condition('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
      draft.replicas(current, current, undefined);
      await this.writeStatus(hpa, draft);
      return;
    }
    if (current > max) {
      reason = 'Current number of replicas above Spec.MaxReplicas';
      desired = max;
    } else if (current < min) {
      reason = 'Current number of replicas below Spec.MinReplicas';
      desired = min;
    } else {
      const sel = this.selectorFor(key, hpa, scale, draft);
      if (!sel.ok) return this.metricsFailed(key, hpa, draft, current, undefined, sel.error);
      const m = await replicasForMetrics(
        { calculator: this.calculator, namespace: ns, selector: sel.selector, currentReplicas: current, warn: (r, msg) => this.event(hpa, 'Warning', r, msg) },
        hpa.spec?.metrics?.length ? hpa.spec.metrics : DEFAULT_METRICS,
      );
      draft.condition('ScalingActive', m.scalingActive.status, m.scalingActive.reason, m.scalingActive.message);
      if (m.replicas === undefined) return this.metricsFailed(key, hpa, draft, current, m.statuses, m.error ?? 'no metrics');
      // Some metrics failed but the others scale up: go ahead, as upstream does.
      if (m.error) this.log.debug({ hpa: key, err: m.error }, 'scaling on the metrics that could be read');
      metricStatuses = m.statuses;
      desired = m.replicas;
      if (desired > current) reason = `${m.metricName} above target`;
      if (desired < current) reason = 'All metrics below target';
      const n = normalizeReplicas(history, current, desired, min, max, behavior, now);
      draft.condition('AbleToScale', 'True', n.ableToScale.reason, n.ableToScale.message);
      draft.condition('ScalingLimited', n.scalingLimited.status, n.scalingLimited.reason, n.scalingLimited.message);
      desired = n.replicas;
    }

    if (desired !== current) {
      try {
        await this.targets.update(target, ns, scale, desired);
      } catch (e) {
        const msg = (e as Error).message;
        this.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${msg}`);
        draft.condition('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`);
        draft.replicas(current, hpa.status?.desiredReplicas ?? 0, metricStatuses);
        await this.writeStatus(hpa, draft);
        return;
      }
      draft.condition('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
      this.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
      recordScaleEvent(history, current, desired, now, historyHorizonMs(behavior));
      draft.scaled(rfc3339(now));
      this.log.info({ hpa: key, target: `${ref.kind}/${ref.name}`, from: current, to: desired, reason }, 'rescaled');
    }
    draft.replicas(current, desired, metricStatuses);
    await this.writeStatus(hpa, draft);
  }

  /** No count from the metrics: the status says why, and a FailedComputeMetricsReplicas event. */
  private async metricsFailed(key: string, hpa: HorizontalPodAutoscaler, draft: StatusDraft, current: number, statuses: MetricStatus[] | undefined, error: string): Promise<void> {
    draft.replicas(current, hpa.status?.desiredReplicas ?? 0, statuses);
    await this.writeStatus(hpa, draft);
    this.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', error);
    this.log.debug({ hpa: key, err: error }, 'could not compute a replica count from the metrics');
  }

  private async readScale(
    ns: string,
    apiVersion: string | undefined,
    kind: string | undefined,
    name: string | undefined,
  ): Promise<{ ok: true; target: ScaleTarget; scale: ScaleObject } | { ok: false; error: string }> {
    const resolved = await this.targets.resolve(apiVersion, kind);
    if (!resolved.ok) return resolved;
    if (!name) return { ok: false, error: 'the scale target has no name' };
    try {
      return { ok: true, target: resolved.target, scale: await this.targets.get(resolved.target, ns, name) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  /** The scale's pod selector, refused when missing, unparsable, or shared with another HPA's pods. */
  private selectorFor(key: string, hpa: HorizontalPodAutoscaler, scale: ScaleObject, draft: StatusDraft): SelectorResult {
    const text = scale.status?.selector;
    if (!text) {
      this.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      draft.condition('ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
      return { ok: false, error: 'selector is required' };
    }
    let selector: LabelSelector;
    try {
      selector = parseLabelSelector(text);
    } catch (e) {
      const msg = `couldn't convert selector into a corresponding internal selector object: ${(e as Error).message}`;
      this.event(hpa, 'Warning', 'InvalidSelector', msg);
      draft.condition('ScalingActive', 'False', 'InvalidSelector', msg);
      return { ok: false, error: msg };
    }
    this.selectors.set(key, selector);
    const ns = hpa.metadata.namespace!;
    const pods = this.podsOf(ns, selector);
    const sharing = [...this.selectors]
      .filter(([k, s]) => k.startsWith(`${ns}/`) && this.hpas.indexer.get(k) && pods.some((p) => s.matches(p.metadata?.labels)))
      .map(([k]) => k)
      .sort();
    if (sharing.length > 1) {
      const msg = `pods by selector ${text} are controlled by multiple HPAs: [${sharing.join(' ')}]`;
      this.event(hpa, 'Warning', 'AmbiguousSelector', msg);
      draft.condition('ScalingActive', 'False', 'AmbiguousSelector', msg);
      return { ok: false, error: msg };
    }
    return { ok: true, selector };
  }

  /** PUT /status when the status changed; on a conflict, again over the fresh object (the status is ours alone). */
  private async writeStatus(hpa: HorizontalPodAutoscaler, draft: StatusDraft): Promise<void> {
    if (!draft.changed()) return;
    const hpas = this.ctx.client.resource<HorizontalPodAutoscaler>(HPA_RESOURCE).namespace(hpa.metadata.namespace!);
    let obj: HorizontalPodAutoscaler = { ...hpa, apiVersion: HPA_API_VERSION, kind: 'HorizontalPodAutoscaler', status: draft.status };
    for (let attempt = 1; ; attempt++) {
      try {
        await hpas.updateStatus(obj);
        return;
      } catch (e) {
        if (!isConflict(e) || attempt >= 3) throw e;
        const fresh = await hpas.get(hpa.metadata.name!);
        obj = { ...fresh, status: draft.status };
      }
    }
  }
}
