/**
 * spec.behavior: how far and how fast the metrics' recommendation may move the target.
 *
 * 1. Stabilization. Every recommendation is remembered. Within scaleUp's window the lowest recent one caps a scale
 *    up; within scaleDown's window the highest recent one floors a scale down. With the default 300 s scale-down
 *    window, a load that drops for two minutes and comes back never scales down.
 * 2. Rate. Each policy limits the change per period, counted from the replicas the target had when the period
 *    began (current - added within it + removed within it):
 *      Pods N per P s      at most N replicas more (or fewer)
 *      Percent N per P s   up: ceil(start x (1 + N/100)); down: floor(start x (1 - N/100))
 *    selectPolicy Max takes the policy allowing the biggest change, Min the smallest; Disabled forbids the
 *    direction. Example: 10 replicas, scale-up [Pods 4/15 s, Percent 100/15 s], Max -> at most 20; with Min, 14.
 * 3. Bounds: [minReplicas, maxReplicas].
 *
 * With no behavior the defaults apply (scaleUp: no window, Max of Pods 4 and Percent 100 per 15 s; scaleDown: Max
 * of Percent 100 per 15 s), the scale-down window being the controller's --horizontal-pod-autoscaler-downscale-
 * stabilization (5 min). A behavior given without a scale-down window gets that flag's value too, as upstream.
 */
import { defaultScaleDownRules, defaultScaleUpRules } from '@skiff/api';
import type { HpaBehavior, ScalingRules, SelectPolicy } from './hpa-types.js';
import { changeWithinPeriod, type ScalingHistory } from './scaling-history.js';

export interface Policy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface Rules {
  stabilizationWindowSeconds: number;
  selectPolicy: SelectPolicy;
  policies: Policy[];
}

export interface Behavior {
  scaleUp: Rules;
  scaleDown: Rules;
}

// The API server fills these into a behavior that is given; the controller applies them to one that is not.
export const DEFAULT_SCALE_UP_POLICIES: readonly Policy[] = defaultScaleUpRules().policies;
export const DEFAULT_SCALE_DOWN_POLICIES: readonly Policy[] = defaultScaleDownRules().policies;

function rules(r: ScalingRules | null | undefined, window: number, policies: readonly Policy[]): Rules {
  const given = (r?.policies ?? []).filter((p) => (p.type === 'Pods' || p.type === 'Percent') && typeof p.value === 'number' && typeof p.periodSeconds === 'number');
  return {
    stabilizationWindowSeconds: typeof r?.stabilizationWindowSeconds === 'number' ? r.stabilizationWindowSeconds : window,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: given.length ? (given as Policy[]) : policies.map((p) => ({ ...p })),
  };
}

/** The behavior with every gap filled (see the file comment). */
export function resolveBehavior(b: HpaBehavior | null | undefined, downscaleStabilizationSeconds: number): Behavior {
  return {
    scaleUp: rules(b?.scaleUp, 0, DEFAULT_SCALE_UP_POLICIES),
    scaleDown: rules(b?.scaleDown, downscaleStabilizationSeconds, DEFAULT_SCALE_DOWN_POLICIES),
  };
}

/** How long history must be kept for this behavior: its longest window or period (ms). */
export function historyHorizonMs(b: Behavior): number {
  const periods = [...b.scaleUp.policies, ...b.scaleDown.policies].map((p) => p.periodSeconds);
  return Math.max(b.scaleUp.stabilizationWindowSeconds, b.scaleDown.stabilizationWindowSeconds, ...periods, 0) * 1000;
}

/** The replicas at the start of a policy's period: current, less what was added within it, plus what was removed. */
function periodStart(current: number, h: ScalingHistory, periodSeconds: number, nowMs: number): number {
  return current - changeWithinPeriod(h.scaleUpEvents, periodSeconds, nowMs) + changeWithinPeriod(h.scaleDownEvents, periodSeconds, nowMs);
}

/** The most replicas scaleUp's policies allow now (current when Disabled). */
export function scaleUpLimit(current: number, h: ScalingHistory, r: Rules, nowMs: number): number {
  if (r.selectPolicy === 'Disabled') return current;
  const proposals = r.policies.map((p) => {
    const start = periodStart(current, h, p.periodSeconds, nowMs);
    // Rounded up, or a small target could never grow by a percentage.
    return p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
  });
  if (proposals.length === 0) return current;
  return r.selectPolicy === 'Min' ? Math.min(...proposals) : Math.max(...proposals);
}

/** The fewest replicas scaleDown's policies allow now (current when Disabled). */
export function scaleDownLimit(current: number, h: ScalingHistory, r: Rules, nowMs: number): number {
  if (r.selectPolicy === 'Disabled') return current;
  const proposals = r.policies.map((p) => {
    const start = periodStart(current, h, p.periodSeconds, nowMs);
    return p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
  });
  if (proposals.length === 0) return current;
  return r.selectPolicy === 'Min' ? Math.max(...proposals) : Math.min(...proposals);
}

export interface ConditionText {
  reason: string;
  message: string;
}

/**
 * Step 1: `desired` held within the recent recommendations, and `desired` remembered. Upstream's
 * stabilizeRecommendationWithBehaviors.
 */
export function stabilize(h: ScalingHistory, current: number, desired: number, b: Behavior, nowMs: number): { replicas: number } & ConditionText {
  const upCutoff = nowMs - b.scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff = nowMs - b.scaleDown.stabilizationWindowSeconds * 1000;
  let upCap = desired;
  let downFloor = desired;
  for (const r of h.recommendations) {
    if (r.atMs > upCutoff) upCap = Math.min(upCap, r.replicas);
    if (r.atMs > downCutoff) downFloor = Math.max(downFloor, r.replicas);
  }
  let replicas = current;
  if (replicas < upCap) replicas = upCap;
  if (replicas > downFloor) replicas = downFloor;
  h.recommendations = h.recommendations.filter((r) => r.atMs >= upCutoff || r.atMs >= downCutoff);
  h.recommendations.push({ replicas: desired, atMs: nowMs });
  return desired >= current
    ? { replicas, reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
    : { replicas, reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
}

/** Step 2 and 3: `desired` held to the policies' rate and the bounds, with the ScalingLimited reason. */
export function limitRate(h: ScalingHistory, current: number, desired: number, min: number, max: number, b: Behavior, nowMs: number): { replicas: number } & ConditionText {
  if (desired > current) {
    const limit = Math.max(scaleUpLimit(current, h, b.scaleUp, nowMs), current);
    const [ceiling, why] =
      max > limit
        ? [limit, { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' }]
        : [max, { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' }];
    if (desired > ceiling) return { replicas: ceiling, ...why };
  } else if (desired < current) {
    const limit = Math.min(scaleDownLimit(current, h, b.scaleDown, nowMs), current);
    const [floor, why] =
      min < limit
        ? [limit, { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' }]
        : [min, { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' }];
    if (desired < floor) return { replicas: floor, ...why };
  }
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

export interface Normalized {
  replicas: number;
  /** The AbleToScale condition (status True). */
  ableToScale: ConditionText;
  /** The ScalingLimited condition: True when the rate or the bounds changed the stabilized count. */
  scalingLimited: { status: 'True' | 'False' } & ConditionText;
}

/** The count to scale to: the metrics' recommendation stabilized, rate-limited and bounded. */
export function normalizeReplicas(h: ScalingHistory, current: number, desired: number, min: number, max: number, b: Behavior, nowMs: number): Normalized {
  const stable = stabilize(h, current, desired, b, nowMs);
  const ableToScale = stable.replicas !== desired ? { reason: stable.reason, message: stable.message } : { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
  const limited = limitRate(h, current, stable.replicas, min, max, b, nowMs);
  return {
    replicas: limited.replicas,
    ableToScale,
    scalingLimited: { status: limited.replicas === stable.replicas ? 'False' : 'True', reason: limited.reason, message: limited.message },
  };
}
