/**
 * Defaults of HorizontalPodAutoscalers. v2 is the stored form: with no metrics the autoscaler targets 80% CPU, and
 * a behavior that is given has each direction's missing parts filled from the controller's defaults (an absent
 * behavior stays absent: the controller applies the same defaults itself).
 */

export const DEFAULT_CPU_UTILIZATION = 80;

/** scaleUp: as fast as 4 pods or doubling per 15 s, whichever is more; no stabilization. */
export function defaultScaleUpRules(): any {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** scaleDown: up to all pods per 15 s, after 5 minutes of stable recommendations. */
export function defaultScaleDownRules(): any {
  return { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

function fillRules(rules: any, defaults: any): any {
  if (!rules) return defaults;
  if (rules.stabilizationWindowSeconds === undefined || rules.stabilizationWindowSeconds === null) rules.stabilizationWindowSeconds = defaults.stabilizationWindowSeconds;
  if (!rules.selectPolicy) rules.selectPolicy = defaults.selectPolicy;
  if (!Array.isArray(rules.policies) || rules.policies.length === 0) rules.policies = defaults.policies;
  return rules;
}

export function defaultHorizontalPodAutoscalerV2(hpa: any): void {
  const spec = (hpa.spec ??= {});
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (spec.behavior) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, defaultScaleUpRules());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, defaultScaleDownRules());
  }
}

export function defaultHorizontalPodAutoscalerV1(hpa: any): void {
  const spec = (hpa.spec ??= {});
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
}
