/** PriorityClasses (scheduling.k8s.io/v1), with the limits the real server puts on user-defined classes. */
import type { KindValidator } from './kind-validator.js';

/** The highest value a PriorityClass a user creates may have; higher ones are reserved for the system classes. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';

/** The classes every cluster has (the API server creates them at start), as the real server defines them. */
export const SYSTEM_PRIORITY_CLASSES = [
  {
    name: 'system-node-critical',
    value: 2_000_001_000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    name: 'system-cluster-critical',
    value: 2_000_000_000,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
] as const;

export const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];

/** Why `name` may not be used with `value`, or undefined when it may (only the system classes may start with system-). */
function reservedNameProblem(name: string, value: unknown, globalDefault: unknown): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!known) return `name ${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export const priorityClassValidator: KindValidator = {
  validate(obj, errs) {
    const name = String(obj.metadata?.name ?? '');
    if (obj.value === undefined || obj.value === null) errs.required('value');
    else if (!Number.isInteger(obj.value) || obj.value < -2_147_483_648 || obj.value > 2_147_483_647) {
      errs.invalid('value', obj.value, 'must be a 32-bit integer');
    } else if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
      const problem = reservedNameProblem(name, obj.value, obj.globalDefault);
      if (problem) errs.forbidden('metadata.name', `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${problem}`);
    } else if (obj.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
      errs.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`);
    }
    if (obj.globalDefault !== undefined && typeof obj.globalDefault !== 'boolean') errs.invalid('globalDefault', obj.globalDefault, 'must be a boolean');
    if (obj.preemptionPolicy !== undefined && !PREEMPTION_POLICIES.includes(obj.preemptionPolicy)) {
      errs.notSupported('preemptionPolicy', obj.preemptionPolicy, PREEMPTION_POLICIES);
    }
  },
  validateUpdate(next, prev, errs) {
    if (next.value !== prev.value) errs.forbidden('value', 'may not be changed in an update.');
    if (next.preemptionPolicy !== prev.preemptionPolicy) errs.immutable('preemptionPolicy', next.preemptionPolicy);
  },
};
