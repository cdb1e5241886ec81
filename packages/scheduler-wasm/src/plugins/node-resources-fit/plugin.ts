import { FilterBit, FIT_UNRESOLVABLE_BIT, MAX_RESOURCES, ResCol, ScoreIndex } from '../../core/codes.js';
import type { PluginDescriptor } from '../../framework/interface.js';
import { defaultFitArgs, parseFitArgs, type NodeResourcesFitArgs } from './args.js';

/**
 * Filter: the pod's requests must fit what the node has left (and the node's pod count); one reason per
 * insufficient resource. Score: LeastAllocated by default, MostAllocated or RequestedToCapacityRatio by args.
 */
export const NodeResourcesFit: PluginDescriptor<NodeResourcesFitArgs> = {
  name: 'NodeResourcesFit',
  extensionPoints: ['preFilter', 'filter', 'preScore', 'score'],
  filterBit: FilterBit.NodeResourcesFit,
  scoreIndex: ScoreIndex.NodeResourcesFit,
  defaultWeight: 1,
  args: { defaults: defaultFitArgs, parse: parseFitArgs },
  explain: (_reason, detail, ctx) => {
    const out: string[] = [];
    for (let col = 0; col < MAX_RESOURCES; col++) {
      if ((detail & (1 << col)) === 0) continue;
      out.push(col === ResCol.Pods ? 'Too many pods' : `Insufficient ${ctx.resourceName(col)}`);
    }
    return out;
  },
  unresolvable: (_reason, detail) => (detail & FIT_UNRESOLVABLE_BIT) !== 0,
  events: [
    { resource: 'Pod', action: 'Delete' },
    { resource: 'Pod', action: 'UpdatePodScaleDown' },
    { resource: 'Node', action: 'Add' },
    { resource: 'Node', action: 'UpdateNodeAllocatable' },
    { resource: 'Node', action: 'UpdateNodeTaint' },
    { resource: 'Node', action: 'UpdateNodeLabel' },
  ],
};
