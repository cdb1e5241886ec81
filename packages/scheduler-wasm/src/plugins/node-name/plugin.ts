import { FilterBit } from '../../core/codes.js';
import type { PluginDescriptor } from '../../framework/interface.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** A pod with spec.nodeName fits only that node. */
export const NodeName: PluginDescriptor = {
  name: 'NodeName',
  extensionPoints: ['filter'],
  filterBit: FilterBit.NodeName,
  explain: () => [ERR_REASON_NODE_NAME],
  unresolvable: () => true,
  events: [
    { resource: 'Node', action: 'Add' },
    { resource: 'Node', action: 'Update' },
  ],
};
