/**
 * Completion indexes of an Indexed Job, and their compact text form in status.completedIndexes / failedIndexes:
 * sorted, runs of three or more consecutive numbers as ranges, e.g. {0,1,2,4,6,7} -> "0-2,4,6,7". Parsing accepts
 * any run length ("6-7" too).
 */
export const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const INDEX_LABEL = 'batch.kubernetes.io/job-completion-index';

export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}-${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(',');
}

export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const p = part.trim();
    if (!p) continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let i = from; i <= to; i++) out.add(i);
  }
  return out;
}

/** The completion index a pod was created for, if any. */
export function podIndex(pod: { metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> } }): number | undefined {
  const v = pod.metadata?.annotations?.[INDEX_ANNOTATION] ?? pod.metadata?.labels?.[INDEX_LABEL];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}
