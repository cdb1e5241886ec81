import { FilterBit } from '../../core/codes.js';
import type { PluginDescriptor } from '../../framework/interface.js';

export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** Rejects nodes where a wanted host port (protocol, port, IP or 0.0.0.0) is already in use. */
export const NodePorts: PluginDescriptor = {
  name: 'NodePorts',
  extensionPoints: ['preFilter', 'filter'],
  filterBit: FilterBit.NodePorts,
  explain: () => [ERR_REASON_NODE_PORTS],
  unresolvable: () => false,
  events: [
    { resource: 'Pod', action: 'Delete' },
    { resource: 'Node', action: 'Add' },
    { resource: 'Node', action: 'Update' },
  ],
};
