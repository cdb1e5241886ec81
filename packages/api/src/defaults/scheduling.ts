/** Defaults of PriorityClasses. */
export function defaultPriorityClass(pc: any): void {
  if (pc.preemptionPolicy === undefined) pc.preemptionPolicy = 'PreemptLowerPriority';
}
