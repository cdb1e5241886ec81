import { Effect, Reason, TAINT_ENTRY_WORDS, TOL_ENTRY_WORDS, TolerationOp } from '../codes';
import { CycleState } from '../cycle-state';
import { gDetail, gTaintLen, gTaintOff, ld, na, pa, st } from '../layout';

function tolerated(c: CycleState, key: i32, value: i32, effect: i32, preferOnly: bool): bool {
  for (let i = 0; i < c.tolCount; i++) {
    const t = c.tolOff + i * TOL_ENTRY_WORDS;
    const te = pa(t + 3);
    if (preferOnly && te != Effect.Any && te != Effect.PreferNoSchedule) continue;
    if (te != Effect.Any && te != effect) continue;
    const tk = pa(t);
    if (tk != -1 && tk != key) continue;
    if (pa(t + 1) == TolerationOp.Exists || pa(t + 2) == value) return true;
  }
  return false;
}

export function firstUntoleratedTaint(c: CycleState, n: i32): i32 {
  const len = ld(gTaintLen, n);
  if (len == 0) return -1;
  const off = ld(gTaintOff, n);
  for (let i = 0; i < len; i++) {
    const e = off + i * TAINT_ENTRY_WORDS;
    const effect = na(e + 2);
    if (effect == Effect.PreferNoSchedule) continue;
    if (!tolerated(c, na(e), na(e + 1), effect, false)) return i;
  }
  return -1;
}

export function taintFilter(c: CycleState, n: i32): i32 {
  const i = firstUntoleratedTaint(c, n);
  if (i < 0) return Reason.Pass;
  st(gDetail, n, i);
  return Reason.Taint;
}

export function taintScore(c: CycleState, n: i32): f64 {
  const len = ld(gTaintLen, n);
  let count = 0;
  const off = ld(gTaintOff, n);
  for (let i = 0; i < len; i++) {
    const e = off + i * TAINT_ENTRY_WORDS;
    if (na(e + 2) != Effect.PreferNoSchedule) continue;
    if (!tolerated(c, na(e), na(e + 1), Effect.PreferNoSchedule, true)) count++;
  }
  return <f64>count;
}
