/** A Prometheus histogram with fixed buckets, per label set. */
export class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {}

  /** Starts a series at zero, so that it is exposed before its first observation. */
  declare(labels: string): void {
    if (!this.series.has(labels)) this.series.set(labels, { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 });
  }

  observe(labels: string, value: number): void {
    let s = this.series.get(labels);
    if (!s) this.series.set(labels, (s = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 }));
    // Counted in the first bucket that holds the value; render() makes the counts cumulative.
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) {
      if (value <= b[i]!) {
        s.counts[i]!++;
        break;
      }
    }
    s.sum += value;
    s.count++;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const [labels, s] of this.series) {
      const sep = labels ? ',' : '';
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i]!;
        out.push(`${this.name}_bucket{${labels}${sep}le="${b}"} ${cumulative}`);
      });
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
