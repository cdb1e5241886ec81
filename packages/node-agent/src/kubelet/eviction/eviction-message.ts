/**
 * The text of an eviction (the pod's status.message, its DisruptionTarget condition and the Evicted event), word for
 * word the kubelet's, trailing space included:
 *
 *   "The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. Container web was using
 *    70Mi, request is 0, has larger consumption of memory. "
 *
 * The threshold sentence names the first threshold of the starved resource that is met; a container sentence
 * follows for each main container whose usage is above its request (memory: working set; ephemeral-storage:
 * writable layer plus logs). Inodes and pids have no per-container sentences.
 */
import { canonicalQuantity, isValidQuantity } from '@skiff/api';
import { valueOf } from '../pods/container-resources.js';
import { isMet } from './pressure-tracker.js';
import { SIGNAL_RESOURCE, type Observations, type StarvedResource } from './signals.js';
import type { PodUsage } from './stats-source.js';
import { quantityText, thresholdText, type Threshold } from './thresholds.js';

export function evictionMessage(resource: StarvedResource, pod: any, usage: PodUsage | undefined, thresholds: readonly Threshold[], observations: Observations): string {
  let message = `The node was low on resource: ${resource}. `;
  const threshold = thresholds.find((t) => SIGNAL_RESOURCE[t.signal] === resource && isMet(t, observations));
  const observed = threshold && observations[threshold.signal];
  if (threshold && observed) {
    message += `Threshold quantity: ${thresholdText(threshold, observed.capacity)}, available: ${quantityText(observed.available, threshold.signal)}. `;
  }
  if (!usage || (resource !== 'memory' && resource !== 'ephemeral-storage')) return message;
  for (const container of pod.spec?.containers ?? []) {
    const stats = usage.containers.find((c) => c.name === container.name);
    if (!stats) continue;
    const used =
      resource === 'memory'
        ? stats.memoryWorkingSetBytes
        : stats.rootfsBytes !== undefined && stats.logsBytes !== undefined
          ? stats.rootfsBytes + stats.logsBytes
          : undefined;
    if (used === undefined) continue;
    const requestText = container.resources?.requests?.[resource];
    const request = valueOf(container.resources?.requests, resource) ?? 0;
    if (used <= request) continue;
    const signal = resource === 'memory' ? 'memory.available' : 'nodefs.available';
    message += `Container ${container.name} was using ${quantityText(used, signal)}, request is ${isValidQuantity(requestText) ? canonicalQuantity(requestText) : '0'}, has larger consumption of ${resource}. `;
  }
  return message;
}
