/**
 * autoscaling/v1 HorizontalPodAutoscaler <-> autoscaling/v2, the stored form. v1 only has a CPU utilization target;
 * what else a v2 object says travels in annotations, as the real server keeps it, so that a v1 client's
 * read-modify-write does not lose it:
 *
 *   autoscaling.alpha.kubernetes.io/metrics           spec.metrics other than the CPU target (v1 MetricSpec list)
 *   autoscaling.alpha.kubernetes.io/behavior          spec.behavior (JSON)
 *   autoscaling.alpha.kubernetes.io/current-metrics   status.currentMetrics other than CPU (v1 MetricStatus list)
 *   autoscaling.alpha.kubernetes.io/conditions        status.conditions (JSON)
 */
import { defaultHorizontalPodAutoscalerV2, type KubeObject } from '@skiff/api';

const PREFIX = 'autoscaling.alpha.kubernetes.io/';
const METRICS = `${PREFIX}metrics`;
const BEHAVIOR = `${PREFIX}behavior`;
const CURRENT_METRICS = `${PREFIX}current-metrics`;
const CONDITIONS = `${PREFIX}conditions`;
const CARRIED = [METRICS, BEHAVIOR, CURRENT_METRICS, CONDITIONS];

const defined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;

function parsedAnnotation(annotations: Record<string, string> | undefined, key: string): any {
  const text = annotations?.[key];
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isCpuUtilization = (m: any) => m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization';
const isCpuStatus = (m: any) => m?.type === 'Resource' && m.resource?.name === 'cpu';

// ---- metric specs ----

function specToV1(m: any): any {
  const t = (x: any) => x?.target ?? {};
  switch (m.type) {
    case 'Resource':
      return { type: m.type, resource: defined({ name: m.resource?.name, targetAverageUtilization: t(m.resource).averageUtilization, targetAverageValue: t(m.resource).averageValue }) };
    case 'ContainerResource':
      return { type: m.type, containerResource: defined({ name: m.containerResource?.name, container: m.containerResource?.container, targetAverageUtilization: t(m.containerResource).averageUtilization, targetAverageValue: t(m.containerResource).averageValue }) };
    case 'Pods':
      return { type: m.type, pods: defined({ metricName: m.pods?.metric?.name, selector: m.pods?.metric?.selector, targetAverageValue: t(m.pods).averageValue }) };
    case 'Object':
      return { type: m.type, object: defined({ target: m.object?.describedObject, metricName: m.object?.metric?.name, selector: m.object?.metric?.selector, targetValue: t(m.object).value, averageValue: t(m.object).averageValue }) };
    case 'External':
      return { type: m.type, external: defined({ metricName: m.external?.metric?.name, metricSelector: m.external?.metric?.selector, targetValue: t(m.external).value, targetAverageValue: t(m.external).averageValue }) };
    default:
      return m;
  }
}

function resourceTargetToV2(s: any) {
  return s?.targetAverageUtilization !== undefined ? { type: 'Utilization', averageUtilization: s.targetAverageUtilization } : defined({ type: 'AverageValue', averageValue: s?.targetAverageValue });
}

function valueTargetToV2(value: unknown, averageValue: unknown) {
  return value !== undefined && value !== null ? { type: 'Value', value } : defined({ type: 'AverageValue', averageValue });
}

function specToV2(m: any): any {
  switch (m.type) {
    case 'Resource':
      return { type: m.type, resource: { name: m.resource?.name, target: resourceTargetToV2(m.resource) } };
    case 'ContainerResource':
      return { type: m.type, containerResource: { name: m.containerResource?.name, container: m.containerResource?.container, target: resourceTargetToV2(m.containerResource) } };
    case 'Pods':
      return { type: m.type, pods: { metric: defined({ name: m.pods?.metricName, selector: m.pods?.selector }), target: defined({ type: 'AverageValue', averageValue: m.pods?.targetAverageValue }) } };
    case 'Object':
      return { type: m.type, object: { describedObject: m.object?.target, metric: defined({ name: m.object?.metricName, selector: m.object?.selector }), target: valueTargetToV2(m.object?.targetValue, m.object?.averageValue) } };
    case 'External':
      return { type: m.type, external: { metric: defined({ name: m.external?.metricName, selector: m.external?.metricSelector }), target: valueTargetToV2(m.external?.targetValue, m.external?.targetAverageValue) } };
    default:
      return m;
  }
}

// ---- metric statuses ----

function statusToV1(m: any): any {
  const c = (x: any) => x?.current ?? {};
  switch (m.type) {
    case 'Resource':
      return { type: m.type, resource: defined({ name: m.resource?.name, currentAverageUtilization: c(m.resource).averageUtilization, currentAverageValue: c(m.resource).averageValue }) };
    case 'ContainerResource':
      return { type: m.type, containerResource: defined({ name: m.containerResource?.name, container: m.containerResource?.container, currentAverageUtilization: c(m.containerResource).averageUtilization, currentAverageValue: c(m.containerResource).averageValue }) };
    case 'Pods':
      return { type: m.type, pods: defined({ metricName: m.pods?.metric?.name, selector: m.pods?.metric?.selector, currentAverageValue: c(m.pods).averageValue }) };
    case 'Object':
      return { type: m.type, object: defined({ target: m.object?.describedObject, metricName: m.object?.metric?.name, selector: m.object?.metric?.selector, currentValue: c(m.object).value, averageValue: c(m.object).averageValue }) };
    case 'External':
      return { type: m.type, external: defined({ metricName: m.external?.metricName ?? m.external?.metric?.name, metricSelector: m.external?.metric?.selector, currentValue: c(m.external).value, currentAverageValue: c(m.external).averageValue }) };
    default:
      return m;
  }
}

function statusToV2(m: any): any {
  switch (m.type) {
    case 'Resource':
      return { type: m.type, resource: { name: m.resource?.name, current: defined({ averageUtilization: m.resource?.currentAverageUtilization, averageValue: m.resource?.currentAverageValue }) } };
    case 'ContainerResource':
      return { type: m.type, containerResource: { name: m.containerResource?.name, container: m.containerResource?.container, current: defined({ averageUtilization: m.containerResource?.currentAverageUtilization, averageValue: m.containerResource?.currentAverageValue }) } };
    case 'Pods':
      return { type: m.type, pods: { metric: defined({ name: m.pods?.metricName, selector: m.pods?.selector }), current: defined({ averageValue: m.pods?.currentAverageValue }) } };
    case 'Object':
      return { type: m.type, object: { describedObject: m.object?.target, metric: defined({ name: m.object?.metricName, selector: m.object?.selector }), current: defined({ value: m.object?.currentValue, averageValue: m.object?.averageValue }) } };
    case 'External':
      return { type: m.type, external: { metric: defined({ name: m.external?.metricName, selector: m.external?.metricSelector }), current: defined({ value: m.external?.currentValue, averageValue: m.external?.currentAverageValue }) } };
    default:
      return m;
  }
}

// ---- whole objects ----

/** The stored autoscaling/v2 object as autoscaling/v1 serves it. */
export function hpaV2ToV1(obj: KubeObject): KubeObject {
  const spec = obj.spec ?? {};
  const status = obj.status;
  const metrics: any[] = Array.isArray(spec.metrics) ? spec.metrics : [];
  const cpu = metrics.find(isCpuUtilization);
  const otherMetrics = metrics.filter((m) => m !== cpu);
  const currentMetrics: any[] = Array.isArray(status?.currentMetrics) ? status.currentMetrics : [];
  const cpuNow = currentMetrics.find(isCpuStatus);
  const otherCurrent = currentMetrics.filter((m) => m !== cpuNow);

  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  if (otherMetrics.length) annotations[METRICS] = JSON.stringify(otherMetrics.map(specToV1));
  if (spec.behavior) annotations[BEHAVIOR] = JSON.stringify(spec.behavior);
  if (otherCurrent.length) annotations[CURRENT_METRICS] = JSON.stringify(otherCurrent.map(statusToV1));
  if (Array.isArray(status?.conditions) && status.conditions.length) annotations[CONDITIONS] = JSON.stringify(status.conditions);

  const metadata = { ...obj.metadata };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  const out: KubeObject = {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: defined({ scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, targetCPUUtilizationPercentage: cpu?.resource?.target?.averageUtilization }),
  };
  if (status) {
    out.status = defined({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: cpuNow?.resource?.current?.averageUtilization,
    });
  }
  return out;
}

/** An autoscaling/v1 object in the stored autoscaling/v2 form, defaulted as a v2 write would be. */
export function hpaV1ToV2(obj: KubeObject): KubeObject {
  const spec = obj.spec ?? {};
  const status = obj.status;
  const annotations = obj.metadata.annotations;
  const metrics: any[] = [];
  if (spec.targetCPUUtilizationPercentage !== undefined && spec.targetCPUUtilizationPercentage !== null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  const carriedMetrics = parsedAnnotation(annotations, METRICS);
  if (Array.isArray(carriedMetrics)) metrics.push(...carriedMetrics.map(specToV2));
  const behavior = parsedAnnotation(annotations, BEHAVIOR);

  const metadata = { ...obj.metadata };
  if (annotations) {
    const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !CARRIED.includes(k)));
    if (Object.keys(kept).length) metadata.annotations = kept;
    else delete metadata.annotations;
  }
  const out: KubeObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: defined({ scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, metrics: metrics.length ? metrics : undefined, behavior: behavior ?? undefined }),
  };
  if (status) {
    const currentMetrics: any[] = [];
    if (status.currentCPUUtilizationPercentage !== undefined && status.currentCPUUtilizationPercentage !== null) {
      currentMetrics.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
    }
    const carriedCurrent = parsedAnnotation(annotations, CURRENT_METRICS);
    if (Array.isArray(carriedCurrent)) currentMetrics.push(...carriedCurrent.map(statusToV2));
    const conditions = parsedAnnotation(annotations, CONDITIONS);
    out.status = defined({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentMetrics: currentMetrics.length ? currentMetrics : undefined,
      conditions: Array.isArray(conditions) ? conditions : undefined,
    });
  }
  defaultHorizontalPodAutoscalerV2(out);
  return out;
}
