/** A Prometheus histogram with fixed buckets, per label set. */
export class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {}

  observe(labels: string, value: number): void {
    let s = this.series.get(labels);
    if (!s) this.series.set(labels, (s = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const [labels, s] of this.series) {
      const sep = labels ? ',' : '';
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket{${labels}${sep}le="${b}"} ${s.counts[i]}`));
      out.push(`${this.name}_bucket{${labels}${sep}le="+Inf"} ${s.count}`);
      out.push(`${this.name}_sum{${labels}} ${s.sum}`, `${this.name}_count{${labels}} ${s.count}`);
    }
  }
}

/** `{a="x",b="y"}` body, values escaped for the exposition format. */
export function labelString(labels: Record<string, string | number>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
