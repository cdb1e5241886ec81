/**
 * Requests and limits as the runtime sees them: CRI LinuxContainerResources computed the way the kubelet does
 * (pkg/kubelet/cm helpers), so a pod behaves the same here as on a real node.
 *
 *   cpu request 250m        -> cpuShares 256 (1024 per core, at least 2)
 *   cpu limit   500m        -> cpuQuota 50000 per cpuPeriod 100000 (at least 1000)
 *   memory limit 64Mi       -> memoryLimitInBytes 67108864 (the cgroup OOM-kills past it: OOMKilled)
 *   QoS Guaranteed          -> oomScoreAdj -997; BestEffort 1000; Burstable 1000 - 1000*request/capacity in [3, 999]
 */
import { isValidQuantity, parseQuantity, podQosClass, quantityMilli } from '@skiff/api';
import type { LinuxContainerResources, PartialMessage } from '../../cri/cri-types.js';

export const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;
const SHARES_PER_CPU = 1024;
const MIN_QUOTA_US = 1000;
const GUARANTEED_OOM_SCORE_ADJ = -997;
const BEST_EFFORT_OOM_SCORE_ADJ = 1000;

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export interface ResourceList {
  [name: string]: string | number | undefined;
}

export interface ContainerResourcesSpec {
  requests?: ResourceList;
  limits?: ResourceList;
}

/** Milli-units of a quantity, or undefined when absent or malformed (validation let nothing else through). */
export function milliOf(list: ResourceList | undefined, name: string): number | undefined {
  const v = list?.[name];
  if (v === undefined || !isValidQuantity(v)) return undefined;
  return Number(quantityMilli(parseQuantity(v)));
}

/** Whole units (bytes for memory), rounded up. */
export function valueOf(list: ResourceList | undefined, name: string): number | undefined {
  const milli = milliOf(list, name);
  return milli === undefined ? undefined : Math.ceil(milli / 1000);
}

export function cpuSharesFor(requestMilli: number | undefined): number {
  if (!requestMilli) return MIN_SHARES;
  return Math.max(MIN_SHARES, Math.floor((requestMilli * SHARES_PER_CPU) / 1000));
}

export function cpuQuotaFor(limitMilli: number | undefined): number {
  if (!limitMilli) return 0;
  return Math.max(MIN_QUOTA_US, Math.floor((limitMilli * CPU_PERIOD_US) / 1000));
}

export function oomScoreAdjFor(qos: QosClass, memoryRequestBytes: number | undefined, memoryCapacityBytes: number): number {
  if (qos === 'Guaranteed') return GUARANTEED_OOM_SCORE_ADJ;
  if (qos === 'BestEffort') return BEST_EFFORT_OOM_SCORE_ADJ;
  const adj = 1000 - Math.floor((1000 * (memoryRequestBytes ?? 0)) / Math.max(1, memoryCapacityBytes));
  if (adj < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ;
  if (adj >= BEST_EFFORT_OOM_SCORE_ADJ) return BEST_EFFORT_OOM_SCORE_ADJ - 1;
  return adj;
}

export function qosClassOf(podSpec: unknown): QosClass {
  return podQosClass(podSpec);
}

/** The CRI resources of one container of a pod whose QoS class is `qos`, on a node with `memoryCapacityBytes`. */
export function linuxResources(resources: ContainerResourcesSpec | undefined, qos: QosClass, memoryCapacityBytes: number): PartialMessage<LinuxContainerResources> {
  const requests = resources?.requests;
  const limits = resources?.limits;
  // The API server copies limits into absent requests; do the same for objects that skipped defaulting.
  const cpuRequest = milliOf(requests, 'cpu') ?? milliOf(limits, 'cpu');
  const memoryRequest = valueOf(requests, 'memory') ?? valueOf(limits, 'memory');
  const cpuLimit = milliOf(limits, 'cpu');
  const memoryLimit = valueOf(limits, 'memory');
  const quota = cpuQuotaFor(cpuLimit);
  return {
    cpuShares: cpuSharesFor(cpuRequest),
    cpuQuota: quota,
    cpuPeriod: quota ? CPU_PERIOD_US : 0,
    memoryLimitInBytes: memoryLimit ?? 0,
    oomScoreAdj: oomScoreAdjFor(qos, memoryRequest, memoryCapacityBytes),
  };
}
