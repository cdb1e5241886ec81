import { MAX_NODE_SCORE } from '../codes';
import { CycleState } from '../cycle-state';
import { ld, ldf } from '../layout';

export function balancedSkips(c: CycleState): bool {
  for (let i = 0; i < c.balN; i++) if (ldf(c.balReq, i) > 0) return false;
  return true;
}

@inline function fraction(c: CycleState, i: i32, off: usize): f64 {
  const capacity = load<f64>(<usize>ld(c.balAlloc, i) + off);
  if (capacity == 0) return -1;
  const f = (load<f64>(<usize>ld(c.balUsed, i) + off) + ldf(c.balReq, i)) / capacity;
  return f > 1 ? 1 : f;
}

export function balancedScore(c: CycleState, n: i32): f64 {
  const off = <usize>n << 3;
  let k = 0;
  let total: f64 = 0;
  let f0: f64 = 0;
  let f1: f64 = 0;
  for (let i = 0; i < c.balN; i++) {
    const f = fraction(c, i, off);
    if (f < 0) continue;
    total += f;
    if (k == 0) f0 = f;
    else if (k == 1) f1 = f;
    k++;
  }
  let std: f64 = 0;
  if (k == 2) {
    std = Math.abs((f0 - f1) / 2);
  } else if (k > 2) {
    const mean = total / <f64>k;
    let sum: f64 = 0;
    for (let i = 0; i < c.balN; i++) {
      const f = fraction(c, i, off);
      if (f < 0) continue;
      sum += (f - mean) * (f - mean);
    }
    std = Math.sqrt(sum / <f64>k);
  }
  return Math.trunc((1 - std) * <f64>MAX_NODE_SCORE);
}
