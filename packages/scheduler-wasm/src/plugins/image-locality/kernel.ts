import { IMAGE_ENTRY_WORDS, MAX_NODE_SCORE } from '../../core/codes.js';
import type { Cycle } from '../../ts/cycle.js';
import { idiv } from '../../ts/arith.js';

const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/**
 * Score: for every container image the node already has, its size scaled by the share of nodes that have it,
 * summed, clamped to [23MB, 1000MB * containers] and mapped onto 0-100. No normalization.
 */
export function imageScore(c: Cycle, n: number): number {
  const len = c.v.imageLen[n]!;
  let sum = 0;
  if (len > 0) {
    const off = c.v.imageOff[n]!;
    const na = c.na;
    for (let i = 0; i < c.imgCount; i++) {
      const id = c.a[c.imgOff + i]!;
      if (id < 0) continue;
      for (let j = 0; j < len; j++) {
        const e = off + j * IMAGE_ENTRY_WORDS;
        if (na[e] !== id) continue;
        const size = c.f[c.nodeF + ((e + 2) >> 1)]!;
        const spread = c.v.imageNodes[id]! / c.numNodes;
        sum += Math.trunc(size * spread);
        break;
      }
    }
  }
  const maxThreshold = MAX_CONTAINER_THRESHOLD * c.containers;
  if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
  else if (sum > maxThreshold) sum = maxThreshold;
  return idiv(MAX_NODE_SCORE * (sum - MIN_THRESHOLD), maxThreshold - MIN_THRESHOLD);
}
