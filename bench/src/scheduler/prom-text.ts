/**
 * Reading Prometheus text scraped from the scheduler and the API server: samples, sums over label filters, and
 * histogram quantiles estimated the way PromQL's histogram_quantile does (linear within the bucket).
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return out;
}

function matches(s: Sample, filter: Record<string, string>): boolean {
  return Object.entries(filter).every(([k, v]) => s.labels[k] === v);
}

/** The sum of every sample of `name` whose labels include `filter`. */
export function sum(samples: Sample[], name: string, filter: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && matches(s, filter)).reduce((a, s) => a + s.value, 0);
}

/** The q-quantile (0..1) of a histogram, in its unit; undefined when it has no observations. */
export function histogramQuantile(samples: Sample[], name: string, q: number, filter: Record<string, string> = {}): number | undefined {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !matches(s, filter)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  const buckets = [...byLe].sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}
