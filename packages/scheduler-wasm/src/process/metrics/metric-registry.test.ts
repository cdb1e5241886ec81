import { describe, expect, it } from 'vitest';
import { Counter, exponentialBuckets, Gauge, Histogram, MetricRegistry } from './metric-registry.js';

describe('MetricRegistry', () => {
  it('renders counters and gauges with escaped labels in the text format', () => {
    const r = new MetricRegistry();
    const c = r.register(new Counter('x_total', 'Things.', ['result']));
    c.inc({ result: 'ok' });
    c.inc({ result: 'ok' }, 2);
    c.inc({ result: 'say "hi"\n' });
    r.register(new Gauge('depth', 'Queue depth.', ['queue'], (g) => g.set({ queue: 'active' }, 7)));
    expect(r.render()).toBe(
      [
        '# HELP x_total Things.',
        '# TYPE x_total counter',
        'x_total{result="ok"} 3',
        'x_total{result="say \\"hi\\"\\n"} 1',
        '# HELP depth Queue depth.',
        '# TYPE depth gauge',
        'depth{queue="active"} 7',
        '',
      ].join('\n'),
    );
  });

  it('renders cumulative histogram buckets with an inclusive upper bound and +Inf', () => {
    const r = new MetricRegistry();
    const h = r.register(new Histogram('lat_seconds', 'Latency.', [0.001, 0.002, 0.004]));
    for (const v of [0.0005, 0.002, 0.003, 9]) h.observe(v);
    expect(r.render().split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'lat_seconds_bucket{le="0.001"} 1',
      'lat_seconds_bucket{le="0.002"} 2',
      'lat_seconds_bucket{le="0.004"} 3',
      'lat_seconds_bucket{le="+Inf"} 4',
      'lat_seconds_sum 9.0055',
      'lat_seconds_count 4',
      '',
    ]);
    expect(h.count()).toBe(4);
  });

  it.each([
    ['a counter going down', () => new Counter('c', 'h').inc({}, -1)],
    ['buckets out of order', () => new Histogram('h', 'h', [2, 1])],
    ['a metric registered twice', () => {
      const r = new MetricRegistry();
      r.register(new Counter('c', 'h'));
      r.register(new Counter('c', 'h'));
    }],
  ])('refuses %s', (_, fn) => expect(fn).toThrow());

  it('makes exponential buckets', () => {
    expect(exponentialBuckets(0.001, 2, 4)).toEqual([0.001, 0.002, 0.004, 0.008]);
  });
});
