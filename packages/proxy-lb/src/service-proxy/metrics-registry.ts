// Counters, gauges and histograms rendered in Prometheus' text exposition format (version 0.0.4). Small on
// purpose: the proxy has a dozen metrics, each with at most one label.
//
//   # HELP skiff_proxy_sync_duration_seconds Time one sync of the proxy rules took.
//   # TYPE skiff_proxy_sync_duration_seconds histogram
//   skiff_proxy_sync_duration_seconds_bucket{le="0.001"} 3
//   ...
//   skiff_proxy_sync_duration_seconds_bucket{le="+Inf"} 4
//   skiff_proxy_sync_duration_seconds_sum 0.0123
//   skiff_proxy_sync_duration_seconds_count 4

type Labels = Record<string, string>;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

interface Metric {
  readonly name: string;
  render(): string[];
}

abstract class Family<V> implements Metric {
  protected readonly series = new Map<string, { labels: Labels; value: V }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly type: 'counter' | 'gauge' | 'histogram',
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new RangeError(`metric name "${name}"`);
  }

  protected abstract fresh(): V;
  protected abstract lines(labels: Labels, value: V): string[];

  protected at(labels: Labels): { labels: Labels; value: V } {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, value: this.fresh() };
      this.series.set(key, s);
    }
    return s;
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const s of this.series.values()) out.push(...this.lines(s.labels, s.value));
    return out;
  }
}

export class Counter extends Family<{ n: number }> {
  /** With `labelNames`, series appear as they are first used; without, the one series starts at 0. */
  constructor(name: string, help: string, labelNames: string[] = []) {
    super(name, help, 'counter');
    if (labelNames.length === 0) this.at({});
  }

  protected fresh() {
    return { n: 0 };
  }

  protected lines(labels: Labels, v: { n: number }): string[] {
    return [`${this.name}${labelText(labels)} ${num(v.n)}`];
  }

  inc(by = 1, labels: Labels = {}): void {
    if (by < 0) throw new RangeError('a counter only goes up');
    this.at(labels).value.n += by;
  }

  get(labels: Labels = {}): number {
    return this.series.get(JSON.stringify(labels))?.value.n ?? 0;
  }
}

export class Gauge extends Family<{ n: number }> {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
    this.at({});
  }

  protected fresh() {
    return { n: 0 };
  }

  protected lines(labels: Labels, v: { n: number }): string[] {
    return [`${this.name}${labelText(labels)} ${num(v.n)}`];
  }

  set(n: number, labels: Labels = {}): void {
    this.at(labels).value.n = n;
  }

  get(labels: Labels = {}): number {
    return this.series.get(JSON.stringify(labels))?.value.n ?? 0;
  }
}

interface HistogramValue {
  counts: Float64Array;
  sum: number;
  count: number;
}

export class Histogram extends Family<HistogramValue> {
  /** Upper bounds, ascending; +Inf is implied. */
  readonly buckets: readonly number[];

  constructor(name: string, help: string, buckets: number[]) {
    super(name, help, 'histogram');
    if (buckets.some((b, i) => i > 0 && b <= buckets[i - 1]!)) throw new RangeError('histogram buckets must ascend');
    this.buckets = buckets;
    this.at({});
  }

  protected fresh(): HistogramValue {
    return { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
  }

  protected lines(labels: Labels, v: HistogramValue): string[] {
    const out: string[] = [];
    // Buckets are cumulative in the exposition format: each counts every observation at or below its bound.
    let cumulative = 0;
    this.buckets.forEach((b, i) => {
      cumulative += v.counts[i]!;
      out.push(`${this.name}_bucket${labelText(labels, ['le', num(b)])} ${cumulative}`);
    });
    out.push(`${this.name}_bucket${labelText(labels, ['le', '+Inf'])} ${v.count}`);
    out.push(`${this.name}_sum${labelText(labels)} ${num(v.sum)}`);
    out.push(`${this.name}_count${labelText(labels)} ${v.count}`);
    return out;
  }

  observe(x: number, labels: Labels = {}): void {
    const v = this.at(labels).value;
    const i = this.buckets.findIndex((b) => x <= b);
    if (i >= 0) v.counts[i]!++;
    v.sum += x;
    v.count++;
  }

  /** Observations so far. */
  count(labels: Labels = {}): number {
    return this.series.get(JSON.stringify(labels))?.value.count ?? 0;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  register<M extends Metric>(m: M): M {
    if (this.metrics.some((x) => x.name === m.name)) throw new RangeError(`metric ${m.name} registered twice`);
    this.metrics.push(m);
    return m;
  }

  /** The whole registry in the text exposition format, ending with a newline. */
  render(): string {
    return `${this.metrics.flatMap((m) => m.render()).join('\n')}\n`;
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
