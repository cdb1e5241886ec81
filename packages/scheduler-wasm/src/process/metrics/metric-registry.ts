/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text exposition
 * format (version 0.0.4) that Prometheus and `kubectl get --raw /metrics` read. Gauges may be computed at scrape
 * time (`collect`), so values that already live elsewhere (queue sizes) are never copied on the hot path.
 *
 * Histogram buckets are cumulative upper bounds (`le`, inclusive), with the implicit +Inf bucket last:
 *
 *   h.observe(0.003) with buckets [0.001, 0.002, 0.004]
 *   -> le="0.001" 0, le="0.002" 0, le="0.004" 1, le="+Inf" 1, _sum 0.003, _count 1
 */

type Labels = Record<string, string>;

interface Metric {
  readonly name: string;
  render(out: string[]): void;
}

function labelKey(labelNames: readonly string[], labels: Labels): string {
  return labelNames.map((n) => labels[n] ?? '').join('\u0000');
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function renderLabels(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeValue(values[i] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function fmt(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function header(out: string[], name: string, help: string, type: string): void {
  out.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
  out.push(`# TYPE ${name} ${type}`);
}

export class Counter implements Metric {
  private readonly values = new Map<string, { labels: string[]; value: number }>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[] = [],
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new RangeError(`${this.name}: a counter only goes up`);
    const key = labelKey(this.labelNames, labels);
    const cur = this.values.get(key);
    if (cur) cur.value += by;
    else this.values.set(key, { labels: this.labelNames.map((n) => labels[n] ?? ''), value: by });
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(this.labelNames, labels))?.value ?? 0;
  }

  render(out: string[]): void {
    header(out, this.name, this.help, 'counter');
    for (const v of this.values.values()) out.push(`${this.name}${renderLabels(this.labelNames, v.labels)} ${fmt(v.value)}`);
  }
}

/** A counter whose value lives elsewhere (a count kept by another component), read at scrape time. */
export class CounterFunc implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly read: () => number,
  ) {}

  render(out: string[]): void {
    header(out, this.name, this.help, 'counter');
    out.push(`${this.name} ${fmt(this.read())}`);
  }
}

export class Gauge implements Metric {
  private readonly values = new Map<string, { labels: string[]; value: number }>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[] = [],
    /** Sets the gauge's values right before each scrape. */
    private readonly collect?: (g: Gauge) => void,
  ) {}

  set(labels: Labels, value: number): void {
    const key = labelKey(this.labelNames, labels);
    const cur = this.values.get(key);
    if (cur) cur.value = value;
    else this.values.set(key, { labels: this.labelNames.map((n) => labels[n] ?? ''), value });
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(this.labelNames, labels))?.value ?? 0;
  }

  render(out: string[]): void {
    this.collect?.(this);
    header(out, this.name, this.help, 'gauge');
    for (const v of this.values.values()) out.push(`${this.name}${renderLabels(this.labelNames, v.labels)} ${fmt(v.value)}`);
  }
}

interface Series {
  labels: string[];
  counts: Float64Array;
  sum: number;
  count: number;
}

export class Histogram implements Metric {
  private readonly series = new Map<string, Series>();
  private readonly buckets: readonly number[];

  constructor(
    readonly name: string,
    private readonly help: string,
    buckets: readonly number[],
    private readonly labelNames: readonly string[] = [],
  ) {
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i]! > buckets[i - 1]!)) throw new RangeError(`${name}: buckets must increase`);
    }
    this.buckets = buckets;
  }

  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(this.labelNames, labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels: this.labelNames.map((n) => labels[n] ?? ''), counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    // Per-bucket (not cumulative) counts; render sums them up.
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    if (i < this.buckets.length) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  /** Observations so far in one series. */
  count(labels: Labels = {}): number {
    return this.series.get(labelKey(this.labelNames, labels))?.count ?? 0;
  }

  render(out: string[]): void {
    header(out, this.name, this.help, 'histogram');
    for (const s of this.series.values()) {
      let cum = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cum += s.counts[i]!;
        out.push(`${this.name}_bucket${renderLabels(this.labelNames, s.labels, ['le', fmt(this.buckets[i]!)])} ${cum}`);
      }
      out.push(`${this.name}_bucket${renderLabels(this.labelNames, s.labels, ['le', '+Inf'])} ${s.count}`);
      out.push(`${this.name}_sum${renderLabels(this.labelNames, s.labels)} ${fmt(s.sum)}`);
      out.push(`${this.name}_count${renderLabels(this.labelNames, s.labels)} ${s.count}`);
    }
  }
}

/** `count` buckets from `start`, each `factor` times the previous (Prometheus's ExponentialBuckets). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (start <= 0 || factor <= 1 || count < 1) throw new RangeError('exponentialBuckets: start > 0, factor > 1, count >= 1');
  const out: number[] = [];
  for (let i = 0, v = start; i < count; i++, v *= factor) out.push(Number(v.toPrecision(12)));
  return out;
}

export class MetricRegistry {
  private readonly metrics: Metric[] = [];

  register<M extends Metric>(m: M): M {
    if (this.metrics.some((x) => x.name === m.name)) throw new Error(`metric ${m.name} is registered twice`);
    this.metrics.push(m);
    return m;
  }

  /** The exposition text of every metric. */
  render(): string {
    const out: string[] = [];
    for (const m of this.metrics) m.render(out);
    return out.join('\n') + '\n';
  }
}

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
