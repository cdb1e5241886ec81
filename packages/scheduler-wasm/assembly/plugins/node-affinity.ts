import { NODE_NAME_FIELD, Op, Reason } from '../codes';
import { CycleState } from '../cycle-state';
import { gValueNum, label, ldf, pa } from '../layout';

function requirementMatches(q: i32, n: i32): bool {
  const col = pa(q);
  const op = pa(q + 1);
  const cnt = pa(q + 2);
  const v = col == NODE_NAME_FIELD ? n : label(col, n);
  if (op == Op.In || op == Op.NotIn) {
    let found = false;
    if (v >= 0) {
      for (let j = 0; j < cnt; j++) {
        if (pa(q + 3 + j) == v) {
          found = true;
          break;
        }
      }
    }
    return op == Op.In ? found : !found;
  }
  if (op == Op.Exists) return v >= 0;
  if (op == Op.DoesNotExist) return v < 0;
  if (v < 0) return false;
  const value = ldf(gValueNum, v);
  const threshold = reinterpret<f64>((<u64>(<u32>pa(q + 4)) << 32) | <u64>(<u32>pa(q + 3)));
  return op == Op.Gt ? value > threshold : value < threshold;
}

/** Returns the word after `count` requirements at `q`, negated when one of them fails. */
function allMatch(q: i32, count: i32, n: i32): i32 {
  let ok = true;
  for (let r = 0; r < count; r++) {
    if (ok && !requirementMatches(q, n)) ok = false;
    q += 3 + pa(q + 2);
  }
  return ok ? q : -q;
}

export function matchesRequiredNodeAffinity(c: CycleState, n: i32): bool {
  if (c.selCount > 0 && allMatch(c.selOff, c.selCount, n) < 0) return false;
  if (c.termsOff == 0) return true;
  let q = c.termsOff;
  for (let t = 0; t < c.termsCount; t++) {
    const end = allMatch(q + 1, pa(q), n);
    if (end > 0) return true;
    q = -end;
  }
  return false;
}

export function nodeAffinityFilter(c: CycleState, n: i32): i32 {
  return matchesRequiredNodeAffinity(c, n) ? Reason.Pass : Reason.NodeAffinity;
}

export function nodeAffinityScore(c: CycleState, n: i32): f64 {
  let score = 0;
  let q = c.prefOff;
  for (let t = 0; t < c.prefCount; t++) {
    const weight = pa(q);
    const end = allMatch(q + 2, pa(q + 1), n);
    if (end > 0) score += weight;
    q = end > 0 ? end : -end;
  }
  return <f64>score;
}
