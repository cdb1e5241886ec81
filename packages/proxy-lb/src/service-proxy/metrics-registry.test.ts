import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics-registry.js';

describe('the Prometheus text exposition', () => {
  it('renders counters, labelled counters, gauges and cumulative histograms', () => {
    const r = new MetricsRegistry();
    const c = r.register(new Counter('t_total', 'Things.'));
    const l = r.register(new Counter('t_by_reason_total', 'Things by reason.', ['reason']));
    const g = r.register(new Gauge('t_level', 'Level.'));
    const h = r.register(new Histogram('t_seconds', 'Time.', [0.1, 1]));
    c.inc();
    c.inc(2);
    l.inc(1, { reason: 'no-backend' });
    l.inc(1, { reason: 'say "hi"\n' });
    g.set(7.5);
    for (const x of [0.05, 0.1, 0.5, 3]) h.observe(x);
    expect(r.render()).toBe(
      [
        '# HELP t_total Things.',
        '# TYPE t_total counter',
        't_total 3',
        '# HELP t_by_reason_total Things by reason.',
        '# TYPE t_by_reason_total counter',
        't_by_reason_total{reason="no-backend"} 1',
        't_by_reason_total{reason="say \\"hi\\"\\n"} 1',
        '# HELP t_level Level.',
        '# TYPE t_level gauge',
        't_level 7.5',
        '# HELP t_seconds Time.',
        '# TYPE t_seconds histogram',
        't_seconds_bucket{le="0.1"} 2',
        't_seconds_bucket{le="1"} 3',
        't_seconds_bucket{le="+Inf"} 4',
        't_seconds_sum 3.65',
        't_seconds_count 4',
        '',
      ].join('\n'),
    );
    expect([c.get(), l.get({ reason: 'no-backend' }), g.get(), h.count()]).toEqual([3, 1, 7.5, 4]);
  });

  it.each<[string, () => unknown]>([
    ['a bad metric name', () => new Counter('9lives', 'x')],
    ['buckets out of order', () => new Histogram('h', 'x', [1, 0.5])],
    ['a counter going down', () => new Counter('c', 'x').inc(-1)],
    [
      'one name registered twice',
      () => {
        const r = new MetricsRegistry();
        r.register(new Gauge('g', 'x'));
        r.register(new Gauge('g', 'y'));
      },
    ],
  ])('refuses %s', (_name, f) => {
    expect(f).toThrow(RangeError);
  });
});
