import { Effect, TolerationOp } from '../core/codes.js';

/** Taint effect names to codes; '' (a toleration matching every effect) is Effect.Any. */
export function effectCode(effect: string | undefined): number | undefined {
  switch (effect ?? '') {
    case '':
      return Effect.Any;
    case 'NoSchedule':
      return Effect.NoSchedule;
    case 'PreferNoSchedule':
      return Effect.PreferNoSchedule;
    case 'NoExecute':
      return Effect.NoExecute;
    default:
      return undefined;
  }
}

export function tolerationOpCode(op: string | undefined): number | undefined {
  if (op === undefined || op === '' || op === 'Equal') return TolerationOp.Equal;
  if (op === 'Exists') return TolerationOp.Exists;
  return undefined;
}

export interface TolerationLike {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/**
 * Toleration.ToleratesTaint from k8s.io/api: an empty effect matches all effects, an empty key matches all keys
 * (valid only with Exists), Exists ignores the value and Equal (or empty) compares it.
 */
export function tolerates(t: TolerationLike, key: string, value: string, effect: string): boolean {
  if (t.effect && t.effect !== effect) return false;
  if (t.key && t.key !== key) return false;
  const op = t.operator ?? '';
  if (op === 'Exists') return true;
  if (op === '' || op === 'Equal') return (t.value ?? '') === value;
  return false;
}
