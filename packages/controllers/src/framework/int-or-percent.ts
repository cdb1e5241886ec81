/**
 * IntOrString values such as maxSurge: 25% or maxUnavailable: 1. A percentage is of `total`, rounded up or down
 * as the caller says (Kubernetes rounds maxSurge up and maxUnavailable down, so 25% of 3 replicas allows one
 * extra pod and zero unavailable ones, and the rollout still moves).
 */
import { ControllerError } from '../errors.js';

export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean, fallback: number | string): number {
  const value = v ?? fallback;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (m) {
    const exact = (Number(m[1]) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  if (/^\d+$/.test(value)) return Number(value);
  throw new ControllerError('InvalidSpec', `invalid value for IntOrString: "${value}"`);
}

/**
 * maxSurge and maxUnavailable of a rolling update for `replicas`. Both zero would deadlock the rollout, so
 * maxUnavailable then becomes 1, as in Kubernetes.
 */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, replicas: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, replicas, true, '25%');
  let unavailable = scaledValue(maxUnavailable, replicas, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}
