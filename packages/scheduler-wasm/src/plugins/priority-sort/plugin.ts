import type { V1Pod } from '@kubernetes/client-node';
import type { PluginDescriptor } from '../../framework/interface.js';

/** QueueSort: higher priority first, then earlier arrival in the queue. */
export const PrioritySort: PluginDescriptor = {
  name: 'PrioritySort',
  extensionPoints: ['queueSort'],
  events: [],
};

export function podPriority(pod: V1Pod): number {
  return pod.spec?.priority ?? 0;
}

/** Less(a, b): a goes before b. `timestamp` is when each entered the queue (or was last requeued). */
export function prioritySortLess(aPriority: number, aTimestamp: number, bPriority: number, bTimestamp: number): boolean {
  return aPriority > bPriority || (aPriority === bPriority && aTimestamp < bTimestamp);
}
