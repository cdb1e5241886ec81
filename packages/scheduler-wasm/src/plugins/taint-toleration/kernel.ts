import { Effect, Reason, TAINT_ENTRY_WORDS, TOL_ENTRY_WORDS, TolerationOp } from '../../core/codes.js';
import type { Cycle } from '../../ts/cycle.js';

/**
 * Whether any of the pod's tolerations tolerates the taint. With `preferOnly`, only tolerations whose effect is
 * empty or PreferNoSchedule count (what the score considers).
 */
function tolerated(c: Cycle, key: number, value: number, effect: number, preferOnly: boolean): boolean {
  const a = c.a;
  for (let i = 0; i < c.tolCount; i++) {
    const t = c.tolOff + i * TOL_ENTRY_WORDS;
    const te = a[t + 3]!;
    if (preferOnly && te !== Effect.Any && te !== Effect.PreferNoSchedule) continue;
    if (te !== Effect.Any && te !== effect) continue;
    const tk = a[t]!;
    if (tk !== -1 && tk !== key) continue;
    if (a[t + 1] === TolerationOp.Exists || a[t + 2] === value) return true;
  }
  return false;
}

/** Index of the node's first NoSchedule/NoExecute taint the pod does not tolerate, or -1. */
export function firstUntoleratedTaint(c: Cycle, n: number): number {
  const len = c.v.taintLen[n]!;
  if (len === 0) return -1;
  const na = c.na;
  const off = c.v.taintOff[n]!;
  for (let i = 0; i < len; i++) {
    const e = off + i * TAINT_ENTRY_WORDS;
    const effect = na[e + 2]!;
    if (effect === Effect.PreferNoSchedule) continue;
    if (!tolerated(c, na[e]!, na[e + 1]!, effect, false)) return i;
  }
  return -1;
}

/** Filter: the detail is the index of the offending taint, for "untolerated taint {key: value}". */
export function taintFilter(c: Cycle, n: number): number {
  const i = firstUntoleratedTaint(c, n);
  if (i < 0) return Reason.Pass;
  c.v.detail[n] = i;
  return Reason.Taint;
}

/** Score (before normalization): PreferNoSchedule taints the pod does not tolerate; fewer is better. */
export function taintScore(c: Cycle, n: number): number {
  const len = c.v.taintLen[n]!;
  let count = 0;
  const na = c.na;
  const off = c.v.taintOff[n]!;
  for (let i = 0; i < len; i++) {
    const e = off + i * TAINT_ENTRY_WORDS;
    if (na[e + 2] !== Effect.PreferNoSchedule) continue;
    if (!tolerated(c, na[e]!, na[e + 1]!, Effect.PreferNoSchedule, true)) count++;
  }
  return count;
}
