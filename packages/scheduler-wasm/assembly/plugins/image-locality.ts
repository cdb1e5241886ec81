import { IMAGE_ENTRY_WORDS, MAX_NODE_SCORE } from '../codes';
import { CycleState } from '../cycle-state';
import { idiv } from '../arith';
import { gImageLen, gImageNodes, gImageOff, ld, na, naf, pa } from '../layout';

const MB: f64 = 1024 * 1024;
const MIN_THRESHOLD: f64 = 23 * MB;
const MAX_CONTAINER_THRESHOLD: f64 = 1000 * MB;

export function imageScore(c: CycleState, n: i32): f64 {
  const len = ld(gImageLen, n);
  let sum: f64 = 0;
  if (len > 0) {
    const off = ld(gImageOff, n);
    for (let i = 0; i < c.imgCount; i++) {
      const id = pa(c.imgOff + i);
      if (id < 0) continue;
      for (let j = 0; j < len; j++) {
        const e = off + j * IMAGE_ENTRY_WORDS;
        if (na(e) != id) continue;
        const spread = <f64>ld(gImageNodes, id) / <f64>c.numNodes;
        sum += Math.trunc(naf(e + 2) * spread);
        break;
      }
    }
  }
  const maxThreshold = MAX_CONTAINER_THRESHOLD * <f64>c.containers;
  if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
  else if (sum > maxThreshold) sum = maxThreshold;
  return idiv(<f64>MAX_NODE_SCORE * (sum - MIN_THRESHOLD), maxThreshold - MIN_THRESHOLD);
}
