/** kube-scheduler never looks for fewer feasible nodes than this (or all of them, when there are fewer). */
export const MIN_FEASIBLE_NODES = 100;
export const MIN_FEASIBLE_PERCENTAGE = 5;

/**
 * numFeasibleNodesToFind: how many feasible nodes to find before scoring. `percentage` 0 means adaptive:
 * 50% minus 1% per 125 nodes, at least 5%. Example: 5,000 nodes -> 10% -> 500 nodes.
 */
export function numFeasibleNodesToFind(percentage: number, total: number): number {
  if (total < MIN_FEASIBLE_NODES) return total;
  let pct = percentage;
  if (pct === 0) {
    pct = 50 - Math.trunc(total / 125);
    if (pct < MIN_FEASIBLE_PERCENTAGE) pct = MIN_FEASIBLE_PERCENTAGE;
  }
  const n = Math.trunc((total * pct) / 100);
  return n < MIN_FEASIBLE_NODES ? MIN_FEASIBLE_NODES : n;
}
