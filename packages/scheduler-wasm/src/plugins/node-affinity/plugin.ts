import { FilterBit, ScoreIndex } from '../../core/codes.js';
import { invalidConfig } from '../../errors.js';
import { ArgsReader } from '../../framework/args-reader.js';
import type { PluginDescriptor } from '../../framework/interface.js';

export const ERR_REASON_POD_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

/**
 * Filter: spec.nodeSelector and required node affinity (In, NotIn, Exists, DoesNotExist, Gt, Lt; matchFields on
 * metadata.name). Score: the summed weights of matching preferred terms, normalized to 0-100.
 */
export const NodeAffinity: PluginDescriptor<Record<string, never>> = {
  name: 'NodeAffinity',
  extensionPoints: ['preFilter', 'filter', 'preScore', 'score'],
  filterBit: FilterBit.NodeAffinity,
  scoreIndex: ScoreIndex.NodeAffinity,
  defaultWeight: 2,
  args: {
    defaults: () => ({}),
    parse(raw, field) {
      const r = new ArgsReader(raw, field, ['addedAffinity']);
      if (r.has('addedAffinity')) throw invalidConfig(`${field}.addedAffinity`, 'is not supported by Skiff yet');
      return {};
    },
  },
  explain: () => [ERR_REASON_POD_NODE_AFFINITY],
  unresolvable: () => true,
  events: [
    { resource: 'Node', action: 'Add' },
    { resource: 'Node', action: 'UpdateNodeLabel' },
  ],
};
