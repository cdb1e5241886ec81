import { FilterBit } from '../../core/codes.js';
import type { PluginDescriptor } from '../../framework/interface.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

/** Rejects nodes with spec.unschedulable unless the pod tolerates node.kubernetes.io/unschedulable:NoSchedule. */
export const NodeUnschedulable: PluginDescriptor = {
  name: 'NodeUnschedulable',
  extensionPoints: ['filter'],
  filterBit: FilterBit.NodeUnschedulable,
  explain: () => [ERR_REASON_UNSCHEDULABLE],
  unresolvable: () => true,
  events: [
    { resource: 'Node', action: 'Add' },
    { resource: 'Node', action: 'UpdateNodeTaint' },
  ],
};
