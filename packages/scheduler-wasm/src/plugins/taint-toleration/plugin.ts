import { FilterBit, ScoreIndex } from '../../core/codes.js';
import type { PluginDescriptor } from '../../framework/interface.js';

/**
 * Filter: nodes with a NoSchedule or NoExecute taint the pod does not tolerate are out; the reason names the
 * first such taint. Score: fewer untolerated PreferNoSchedule taints is better (normalized in reverse).
 */
export const TaintToleration: PluginDescriptor = {
  name: 'TaintToleration',
  extensionPoints: ['filter', 'preScore', 'score'],
  filterBit: FilterBit.TaintToleration,
  scoreIndex: ScoreIndex.TaintToleration,
  defaultWeight: 3,
  explain: (_reason, detail, ctx) => {
    const taint = ctx.node?.spec?.taints?.[detail];
    return [`node(s) had untolerated taint {${taint?.key ?? ''}: ${taint?.value ?? ''}}`];
  },
  unresolvable: () => true,
  events: [
    { resource: 'Node', action: 'Add' },
    { resource: 'Node', action: 'UpdateNodeTaint' },
  ],
};
