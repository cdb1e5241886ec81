import { invalidConfig } from '../../errors.js';
import { ArgsReader } from '../../framework/args-reader.js';
import type { PluginDescriptor } from '../../framework/interface.js';

export interface DefaultPreemptionArgs {
  minCandidateNodesPercentage: number;
  minCandidateNodesAbsolute: number;
}

/** PostFilter: evict lower-priority pods from one node so the pod fits there (see preemption.ts). */
export const DefaultPreemption: PluginDescriptor<DefaultPreemptionArgs> = {
  name: 'DefaultPreemption',
  extensionPoints: ['postFilter'],
  args: {
    defaults: () => ({ minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 }),
    parse(raw, field) {
      const r = new ArgsReader(raw, field, ['minCandidateNodesPercentage', 'minCandidateNodesAbsolute']);
      const args = {
        minCandidateNodesPercentage: r.int('minCandidateNodesPercentage', 10, 0, 100),
        minCandidateNodesAbsolute: r.int('minCandidateNodesAbsolute', 100, 0, 2 ** 31 - 1),
      };
      if (args.minCandidateNodesPercentage === 0 && args.minCandidateNodesAbsolute === 0) {
        throw invalidConfig(field, 'minCandidateNodesPercentage and minCandidateNodesAbsolute cannot be both 0');
      }
      return args;
    },
  },
  events: [],
};
