/**
 * The HPA's status as one sync builds it: the three conditions kubectl describe shows, the replica counts, the
 * current metric values and lastScaleTime. A status is written only when it differs from the stored one; a
 * condition's lastTransitionTime moves only when its status does, so an unchanged verdict writes nothing.
 *
 *   AbleToScale     can the target's scale be read and written (SucceededGetScale, ReadyForNewScale,
 *                   SucceededRescale, ScaleUpStabilized, ScaleDownStabilized / FailedGetScale, FailedUpdateScale)
 *   ScalingActive   does a metric give a count (ValidMetricFound / FailedGet*Metric, ScalingDisabled, InvalidSelector)
 *   ScalingLimited  was the count held by the bounds or the rate (DesiredWithinRange / TooFewReplicas,
 *                   TooManyReplicas, ScaleUpLimit, ScaleDownLimit)
 */
import { deepCopy, jsonEqual } from '@skiff/api';
import { setCondition, type Condition } from '../framework/conditions.js';
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus, HpaCondition, MetricStatus } from './hpa-types.js';

export type ConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';

/** A status being built from the stored one. */
export class StatusDraft {
  readonly original: HorizontalPodAutoscalerStatus;
  status: HorizontalPodAutoscalerStatus;

  constructor(
    hpa: HorizontalPodAutoscaler,
    private readonly nowMs: number,
  ) {
    this.original = deepCopy(hpa.status ?? {});
    this.status = deepCopy(hpa.status ?? {});
  }

  condition(type: ConditionType, status: 'True' | 'False', reason: string, message: string): void {
    this.status.conditions = setCondition(this.status.conditions as Condition[] | undefined, { type, status, reason, message }, this.nowMs) as HpaCondition[];
  }

  /** Replica counts and metric values (an empty list of metrics is left out, as upstream's omitempty). */
  replicas(current: number, desired: number, metrics: MetricStatus[] | undefined): void {
    this.status.currentReplicas = current;
    this.status.desiredReplicas = desired;
    if (metrics && metrics.length) this.status.currentMetrics = metrics;
    else delete this.status.currentMetrics;
  }

  scaled(atIso: string): void {
    this.status.lastScaleTime = atIso;
  }

  observed(generation: number | undefined): void {
    if (generation !== undefined) this.status.observedGeneration = generation;
  }

  changed(): boolean {
    return !jsonEqual(this.original, this.status);
  }
}
