import { FilterBit, Reason, ScoreIndex } from '../../core/codes.js';
import { ArgsReader } from '../../framework/args-reader.js';
import type { PluginDescriptor } from '../../framework/interface.js';

export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";

export interface InterPodAffinityArgs {
  hardPodAffinityWeight: number;
  ignorePreferredTermsOfExistingPods: boolean;
}

/**
 * Filter: the pod's required affinity and anti-affinity, and existing pods' required anti-affinity against it.
 * Score: preferred terms both ways, plus existing pods' required affinity at hardPodAffinityWeight.
 */
export const InterPodAffinity: PluginDescriptor<InterPodAffinityArgs> = {
  name: 'InterPodAffinity',
  extensionPoints: ['preFilter', 'filter', 'preScore', 'score'],
  filterBit: FilterBit.InterPodAffinity,
  scoreIndex: ScoreIndex.InterPodAffinity,
  defaultWeight: 2,
  args: {
    defaults: () => ({ hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false }),
    parse(raw, field) {
      const r = new ArgsReader(raw, field, ['hardPodAffinityWeight', 'ignorePreferredTermsOfExistingPods']);
      return {
        hardPodAffinityWeight: r.int('hardPodAffinityWeight', 1, 0, 100),
        ignorePreferredTermsOfExistingPods: r.bool('ignorePreferredTermsOfExistingPods', false),
      };
    },
  },
  explain: (reason) => [
    reason === Reason.PodAffinity
      ? ERR_REASON_AFFINITY_RULES_NOT_MATCH
      : reason === Reason.PodAntiAffinity
        ? ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH
        : ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
  ],
  unresolvable: (reason) => reason === Reason.PodAffinity,
  events: [
    { resource: 'Pod', action: 'Add' },
    { resource: 'Pod', action: 'UpdatePodLabel' },
    { resource: 'Pod', action: 'Delete' },
    { resource: 'Node', action: 'Add' },
    { resource: 'Node', action: 'UpdateNodeLabel' },
    { resource: 'Namespace', action: 'Add' },
    { resource: 'Namespace', action: 'Update' },
  ],
};
