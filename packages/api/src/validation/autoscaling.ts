/**
 * HorizontalPodAutoscalers, in the stored form (autoscaling/v2) and the older one kubectl autoscale writes
 * (autoscaling/v1). Messages as the real server words them.
 */
import { isValidQuantity, parseQuantity, quantityToNumber } from '../quantity.js';
import type { FieldErrors } from './field-errors.js';
import type { KindValidator } from './kind-validator.js';

const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SOURCE_FIELD: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;

const present = (v: unknown): boolean => v !== undefined && v !== null;

function pathSegmentName(errs: FieldErrors, field: string, value: string): void {
  if (value === '.' || value === '..') errs.invalid(field, value, `may not be '${value}'`);
  for (const c of ['/', '%']) if (value.includes(c)) errs.invalid(field, value, `may not contain '${c}'`);
}

function crossVersionObjectReference(errs: FieldErrors, path: string, ref: any): void {
  if (!ref?.kind) errs.required(`${path}.kind`);
  else pathSegmentName(errs, `${path}.kind`, String(ref.kind));
  if (!ref?.name) errs.required(`${path}.name`);
  else pathSegmentName(errs, `${path}.name`, String(ref.name));
}

function replicaBounds(errs: FieldErrors, spec: any): void {
  if (present(spec.minReplicas) && !(spec.minReplicas >= 1)) errs.invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1');
  if (!(spec.maxReplicas >= 1)) errs.invalid('spec.maxReplicas', spec.maxReplicas ?? 0, 'must be greater than 0');
  if (present(spec.minReplicas) && (spec.maxReplicas ?? 0) < spec.minReplicas) errs.invalid('spec.maxReplicas', spec.maxReplicas ?? 0, 'must be greater than or equal to `minReplicas`');
}

function positiveQuantity(errs: FieldErrors, field: string, q: unknown): void {
  if (!present(q)) return;
  if (!isValidQuantity(q)) errs.invalid(field, q, 'must be a quantity, such as 500m or 1Gi');
  else if (!(quantityToNumber(parseQuantity(q as string)) > 0)) errs.invalid(field, q, 'must be positive');
}

function metricTarget(errs: FieldErrors, path: string, t: any): void {
  if (!t?.type) errs.required(`${path}.type`, 'must specify a metric target type');
  else if (!['Utilization', 'Value', 'AverageValue'].includes(t.type)) errs.invalid(`${path}.type`, t.type, 'must be either Utilization, Value, or AverageValue');
  positiveQuantity(errs, `${path}.value`, t?.value);
  positiveQuantity(errs, `${path}.averageValue`, t?.averageValue);
  if (present(t?.averageUtilization) && !(t.averageUtilization >= 1)) errs.invalid(`${path}.averageUtilization`, t.averageUtilization, 'must be greater than 0');
}

function metricIdentifier(errs: FieldErrors, path: string, id: any): void {
  if (!id?.name) errs.required(`${path}.name`, 'must specify a metric name');
}

function resourceTarget(errs: FieldErrors, path: string, src: any): void {
  metricTarget(errs, `${path}.target`, src.target);
  if (!present(src.target?.averageUtilization) && !present(src.target?.averageValue)) errs.required(`${path}.target.averageUtilization`, 'must set either a target raw value or a target utilization');
  if (present(src.target?.averageUtilization) && present(src.target?.averageValue)) errs.forbidden(`${path}.target.averageValue`, 'may not set both a target raw value and a target utilization');
}

const sourceChecks: Record<string, (errs: FieldErrors, path: string, src: any) => void> = {
  resource(errs, path, src) {
    if (!src.name) errs.required(`${path}.name`, 'must specify a resource name');
    resourceTarget(errs, path, src);
  },
  containerResource(errs, path, src) {
    if (!src.name) errs.required(`${path}.name`, 'must specify a resource name');
    if (!src.container) errs.required(`${path}.container`, 'must specify a container');
    resourceTarget(errs, path, src);
  },
  pods(errs, path, src) {
    metricIdentifier(errs, `${path}.metric`, src.metric);
    metricTarget(errs, `${path}.target`, src.target);
    if (!present(src.target?.averageValue)) errs.required(`${path}.target.averageValue`, 'must specify a positive target averageValue');
  },
  object(errs, path, src) {
    crossVersionObjectReference(errs, `${path}.describedObject`, src.describedObject);
    metricIdentifier(errs, `${path}.metric`, src.metric);
    metricTarget(errs, `${path}.target`, src.target);
    if (!present(src.target?.value) && !present(src.target?.averageValue)) errs.required(`${path}.target.averageValue`, 'must set either a target value or averageValue');
  },
  external(errs, path, src) {
    metricIdentifier(errs, `${path}.metric`, src.metric);
    metricTarget(errs, `${path}.target`, src.target);
    if (present(src.target?.value) && present(src.target?.averageValue)) errs.forbidden(`${path}.target.value`, 'may not set both a target value for metric and a per-pod target');
    if (!present(src.target?.value) && !present(src.target?.averageValue)) errs.required(`${path}.target.averageValue`, 'must set either a target value for metric or a per-pod target');
  },
};

function metricSpec(errs: FieldErrors, path: string, m: any): void {
  if (!m?.type) errs.required(`${path}.type`, 'must specify a metric source type');
  else if (!METRIC_SOURCE_TYPES.includes(m.type)) errs.notSupported(`${path}.type`, m.type, METRIC_SOURCE_TYPES);
  const given = Object.values(SOURCE_FIELD).filter((f) => present(m?.[f]));
  const expected = SOURCE_FIELD[m?.type];
  if (expected && !present(m[expected])) errs.required(`${path}.${expected}`, 'must populate information for the given metric source');
  if (given.length === 1) sourceChecks[given[0]!]!(errs, `${path}.${given[0]}`, m[given[0]!]);
  if (given.length !== 1) for (const f of given) if (f !== expected) errs.forbidden(`${path}.${f}`, 'must populate the given metric source only');
}

function scalingRules(errs: FieldErrors, path: string, rules: any): void {
  if (!rules) return;
  const w = rules.stabilizationWindowSeconds;
  if (present(w) && w < 0) errs.invalid(`${path}.stabilizationWindowSeconds`, w, 'must be greater than or equal to zero');
  if (present(w) && w > MAX_STABILIZATION_WINDOW_SECONDS) errs.invalid(`${path}.stabilizationWindowSeconds`, w, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`);
  if (present(rules.selectPolicy) && !SELECT_POLICIES.includes(rules.selectPolicy)) errs.notSupported(`${path}.selectPolicy`, rules.selectPolicy, SELECT_POLICIES);
  const policies = rules.policies ?? [];
  if (!Array.isArray(policies) || policies.length === 0) errs.required(`${path}.policies`, 'must specify at least one Policy');
  else
    policies.forEach((p: any, i: number) => {
      const at = `${path}.policies[${i}]`;
      if (!POLICY_TYPES.includes(p?.type)) errs.notSupported(`${at}.type`, p?.type ?? '', POLICY_TYPES);
      if (!(p?.value > 0)) errs.invalid(`${at}.value`, p?.value ?? 0, 'must be greater than zero');
      if (!(p?.periodSeconds > 0)) errs.invalid(`${at}.periodSeconds`, p?.periodSeconds ?? 0, 'must be greater than zero');
      else if (p.periodSeconds > MAX_PERIOD_SECONDS) errs.invalid(`${at}.periodSeconds`, p.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`);
    });
}

export const horizontalPodAutoscalerV2Validator: KindValidator = {
  validate(obj, errs) {
    const spec = obj.spec ?? {};
    replicaBounds(errs, spec);
    crossVersionObjectReference(errs, 'spec.scaleTargetRef', spec.scaleTargetRef);
    (Array.isArray(spec.metrics) ? spec.metrics : []).forEach((m: any, i: number) => metricSpec(errs, `spec.metrics[${i}]`, m));
    if (spec.behavior) {
      scalingRules(errs, 'spec.behavior.scaleUp', spec.behavior.scaleUp);
      scalingRules(errs, 'spec.behavior.scaleDown', spec.behavior.scaleDown);
    }
  },
};

export const horizontalPodAutoscalerV1Validator: KindValidator = {
  validate(obj, errs) {
    const spec = obj.spec ?? {};
    replicaBounds(errs, spec);
    crossVersionObjectReference(errs, 'spec.scaleTargetRef', spec.scaleTargetRef);
    const cpu = spec.targetCPUUtilizationPercentage;
    if (present(cpu) && !(cpu >= 1)) errs.invalid('spec.targetCPUUtilizationPercentage', cpu, 'must be greater than 0');
  },
};
