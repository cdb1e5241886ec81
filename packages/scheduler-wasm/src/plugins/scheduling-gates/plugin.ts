import type { V1Pod } from '@kubernetes/client-node';
import type { PluginDescriptor } from '../../framework/interface.js';

/** PreEnqueue: a pod with spec.schedulingGates waits outside the active queue until its gates are removed. */
export const SchedulingGates: PluginDescriptor = {
  name: 'SchedulingGates',
  extensionPoints: ['preEnqueue'],
  events: [{ resource: 'Pod', action: 'UpdatePodSchedulingGatesEliminated' }],
};

/** The message kube-scheduler reports for a gated pod, or undefined when it may be queued. */
export function gatedMessage(pod: V1Pod): string | undefined {
  const gates = pod.spec?.schedulingGates ?? [];
  if (gates.length === 0) return undefined;
  return `waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`;
}
