import { FilterBit, Reason, ScoreIndex } from '../../core/codes.js';
import type { PluginDescriptor } from '../../framework/interface.js';
import { defaultSpreadArgs, parseSpreadArgs, type PodTopologySpreadArgs } from './args.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + ' (missing required label)';

/**
 * Filter: DoNotSchedule constraints (maxSkew, topologyKey, minDomains, node inclusion policies). Score:
 * ScheduleAnyway constraints, including the system default spreading of pods owned by services and controllers.
 */
export const PodTopologySpread: PluginDescriptor<PodTopologySpreadArgs> = {
  name: 'PodTopologySpread',
  extensionPoints: ['preFilter', 'filter', 'preScore', 'score'],
  filterBit: FilterBit.PodTopologySpread,
  scoreIndex: ScoreIndex.PodTopologySpread,
  defaultWeight: 2,
  args: { defaults: defaultSpreadArgs, parse: parseSpreadArgs },
  explain: (reason) => [reason === Reason.SpreadMissingLabel ? ERR_REASON_NODE_LABEL_NOT_MATCH : ERR_REASON_CONSTRAINTS_NOT_MATCH],
  unresolvable: (reason) => reason === Reason.SpreadMissingLabel,
  events: [
    { resource: 'Pod', action: 'Add' },
    { resource: 'Pod', action: 'UpdatePodLabel' },
    { resource: 'Pod', action: 'Delete' },
    { resource: 'Node', action: 'Add' },
    { resource: 'Node', action: 'Delete' },
    { resource: 'Node', action: 'UpdateNodeLabel' },
    { resource: 'Node', action: 'UpdateNodeTaint' },
  ],
};
