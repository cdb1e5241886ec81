/**
 * A Job's podFailurePolicy: rules checked in order against a failed pod; the first that matches decides.
 *
 *   onExitCodes      {containerName?, operator: In|NotIn, values}: some container (of that name, if given)
 *                    terminated with a non-zero exit code that is (In) or is not (NotIn) in values.
 *   onPodConditions  [{type, status}]: the pod has one of these conditions with that status (e.g. DisruptionTarget).
 *
 * Actions: FailJob (the Job fails now), Ignore (the failure does not count toward backoffLimit), Count (counts,
 * as without a policy), FailIndex (Indexed Jobs: that index fails for good). No match: Count.
 */
import type { Pod } from '@skiff/api';

export type FailureAction = 'FailJob' | 'Ignore' | 'Count' | 'FailIndex';

export interface PodFailurePolicyRule {
  action: FailureAction;
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn'; values: number[] };
  onPodConditions?: { type: string; status?: string }[];
}

export interface FailureDecision {
  action: FailureAction;
  /** For FailJob: the message Kubernetes writes on the Failed condition. */
  message?: string;
}

function exitCodes(pod: Pod, containerName?: string): { name: string; code: number }[] {
  const out: { name: string; code: number }[] = [];
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    if (containerName && s.name !== containerName) continue;
    const code = s.state?.terminated?.exitCode;
    if (code !== undefined && code !== 0) out.push({ name: s.name, code });
  }
  return out;
}

export function decideFailure(pod: Pod, rules: PodFailurePolicyRule[] | undefined, ruleIndexOffset = 0): FailureDecision {
  const name = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  for (const [i, rule] of (rules ?? []).entries()) {
    if (rule.onExitCodes) {
      const { containerName, operator, values } = rule.onExitCodes;
      const hit = exitCodes(pod, containerName).find((e) => (operator === 'In' ? values.includes(e.code) : !values.includes(e.code)));
      if (hit) {
        return {
          action: rule.action,
          message: `Container ${hit.name} for pod ${name} failed with exit code ${hit.code} matching ${rule.action} rule at index ${i + ruleIndexOffset}`,
        };
      }
    }
    if (rule.onPodConditions?.length) {
      const hit = rule.onPodConditions.find((pc) => (pod.status?.conditions ?? []).some((c) => c.type === pc.type && c.status === (pc.status ?? 'True')));
      if (hit) return { action: rule.action, message: `Pod ${name} has condition ${hit.type} matching ${rule.action} rule at index ${i + ruleIndexOffset}` };
    }
  }
  return { action: 'Count' };
}
