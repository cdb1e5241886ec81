import { NODE_NAME_FIELD, Op, Reason } from '../../core/codes.js';
import { RecordWriter } from '../../model/record-writer.js';
import type { Cycle } from '../../ts/cycle.js';

/** One compiled node-selector requirement at arena word `q` (see model/node-selector.ts); returns its length too. */
function requirementMatches(c: Cycle, q: number, n: number): boolean {
  const a = c.a;
  const col = a[q]!;
  const op = a[q + 1]!;
  const cnt = a[q + 2]!;
  const v = col === NODE_NAME_FIELD ? n : c.v.labels[col * c.cap + n]!;
  switch (op) {
    case Op.In:
    case Op.NotIn: {
      let found = false;
      if (v >= 0) {
        for (let j = 0; j < cnt; j++) {
          if (a[q + 3 + j] === v) {
            found = true;
            break;
          }
        }
      }
      return op === Op.In ? found : !found;
    }
    case Op.Exists:
      return v >= 0;
    case Op.DoesNotExist:
      return v < 0;
    default: {
      if (v < 0) return false;
      const label = c.v.valueNum[v]!;
      const threshold = RecordWriter.joinF64(a[q + 3]!, a[q + 4]!);
      return op === Op.Gt ? label > threshold : label < threshold;
    }
  }
}

/** All `count` requirements starting at `q` hold; returns the word after them, negated when one fails. */
function allMatch(c: Cycle, q: number, count: number, n: number): number {
  let ok = true;
  for (let r = 0; r < count; r++) {
    if (ok && !requirementMatches(c, q, n)) ok = false;
    q += 3 + c.a[q + 2]!;
  }
  return ok ? q : -q;
}

/** GetRequiredNodeAffinity(pod).Match(node): spec.nodeSelector and the required terms (any term, all of its parts). */
export function matchesRequiredNodeAffinity(c: Cycle, n: number): boolean {
  if (c.selCount > 0 && allMatch(c, c.selOff, c.selCount, n) < 0) return false;
  if (c.termsOff === 0) return true;
  let q = c.termsOff;
  for (let t = 0; t < c.termsCount; t++) {
    const count = c.a[q]!;
    const end = allMatch(c, q + 1, count, n);
    if (end > 0) return true;
    q = -end;
  }
  return false;
}

export function nodeAffinityFilter(c: Cycle, n: number): number {
  return matchesRequiredNodeAffinity(c, n) ? Reason.Pass : Reason.NodeAffinity;
}

/** Score (before normalization): the sum of weights of the preferred terms the node matches. */
export function nodeAffinityScore(c: Cycle, n: number): number {
  let score = 0;
  let q = c.prefOff;
  for (let t = 0; t < c.prefCount; t++) {
    const weight = c.a[q]!;
    const end = allMatch(c, q + 2, c.a[q + 1]!, n);
    if (end > 0) score += weight;
    q = end > 0 ? end : -end;
  }
  return score;
}
