/**
 * Status conditions as controllers keep them: one per type; lastTransitionTime moves only when the status
 * changes, lastUpdateTime (where the kind has it) on every change of reason or message.
 */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

export function rfc3339(ms = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function getCondition<C extends { type?: string }>(conds: C[] | undefined, type: string): C | undefined {
  return conds?.find((c) => c.type === type);
}

/**
 * The list with `cond` set: a new status stamps lastTransitionTime (and lastUpdateTime when `withUpdateTime`);
 * the same status with a new reason or message keeps lastTransitionTime.
 */
export function setCondition(conds: Condition[] | undefined, cond: Condition, nowMs = Date.now(), withUpdateTime = false): Condition[] {
  const list = [...(conds ?? [])];
  const i = list.findIndex((c) => c.type === cond.type);
  const prev = i >= 0 ? list[i] : undefined;
  const now = rfc3339(nowMs);
  const next: Condition = { ...cond };
  next.lastTransitionTime = prev && prev.status === cond.status ? prev.lastTransitionTime : now;
  if (withUpdateTime) {
    const same = prev && prev.status === cond.status && prev.reason === cond.reason && prev.message === cond.message;
    next.lastUpdateTime = same ? prev.lastUpdateTime : (cond.lastUpdateTime ?? now);
  }
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export function removeCondition<C extends { type?: string }>(conds: C[] | undefined, type: string): C[] {
  return (conds ?? []).filter((c) => c.type !== type);
}
