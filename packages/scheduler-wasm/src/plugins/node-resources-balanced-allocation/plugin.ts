import { ScoreIndex } from '../../core/codes.js';
import { invalidConfig } from '../../errors.js';
import { ArgsReader, readResources } from '../../framework/args-reader.js';
import type { PluginDescriptor } from '../../framework/interface.js';

export interface BalancedAllocationArgs {
  resources: { name: string; weight: number }[];
}

const defaults = (): BalancedAllocationArgs => ({
  resources: [
    { name: 'cpu', weight: 1 },
    { name: 'memory', weight: 1 },
  ],
});

/** Prefers nodes whose resource fractions stay close to each other once the pod is placed. */
export const NodeResourcesBalancedAllocation: PluginDescriptor<BalancedAllocationArgs> = {
  name: 'NodeResourcesBalancedAllocation',
  extensionPoints: ['preScore', 'score'],
  scoreIndex: ScoreIndex.NodeResourcesBalancedAllocation,
  defaultWeight: 1,
  args: {
    defaults,
    parse(raw, field) {
      const r = new ArgsReader(raw, field, ['resources']);
      const resources = readResources(r, 'resources', defaults().resources);
      resources.forEach((res, i) => {
        if (res.weight !== 1) throw invalidConfig(`${field}.resources[${i}].weight`, 'must be 1');
      });
      return { resources };
    },
  },
  events: [],
};
