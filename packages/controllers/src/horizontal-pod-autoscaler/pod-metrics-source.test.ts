import { describe, expect, it } from 'vitest';
import { parseGoDuration, podMetricsFromItems } from './pod-metrics-source.js';

const item = (name: string, containers: { name: string; usage: Record<string, string> }[], window = '15s') => ({
  metadata: { name, namespace: 'ns' },
  timestamp: '2025-01-01T12:00:00Z',
  window,
  containers,
});

describe('parseGoDuration', () => {
  it.each([
    ['15s', 15_000],
    ['10.013s', 10_013],
    ['500ms', 500],
    ['1m0s', 60_000],
    ['1h2m3s', 3_723_000],
    ['', 0],
    ['soon', 0],
  ])('reads %j as %d ms', (text, ms) => expect(parseGoDuration(text)).toBe(ms));
});

describe('podMetricsFromItems', () => {
  it('sums each pod\'s containers in milli-units, with the time and window', () => {
    const r = podMetricsFromItems(
      [
        item('a', [
          { name: 'app', usage: { cpu: '12345678n', memory: '1Ki' } },
          { name: 'side', usage: { cpu: '5m', memory: '1Ki' } },
        ]),
      ],
      'cpu',
    );
    expect(r).toEqual({ ok: true, timestampMs: Date.parse('2025-01-01T12:00:00Z'), metrics: new Map([['a', { value: 18, timestampMs: Date.parse('2025-01-01T12:00:00Z'), windowMs: 15_000 }]]) });
    const mem = podMetricsFromItems([item('a', [{ name: 'app', usage: { cpu: '1m', memory: '1Ki' } }])], 'memory');
    expect(mem.ok && mem.metrics.get('a')?.value).toBe(1_024_000);
  });

  it('leaves out a pod with no containers or a container without the figure', () => {
    const r = podMetricsFromItems([item('a', []), item('b', [{ name: 'app', usage: { memory: '1Ki' } }]), item('c', [{ name: 'app', usage: { cpu: '1' } }])], 'cpu');
    expect(r.ok && [...r.metrics.keys()]).toEqual(['c']);
  });

  it('reads one container, and fails when a pod does not have it', () => {
    const both = [{ name: 'app', usage: { cpu: '100m' } }, { name: 'side', usage: { cpu: '300m' } }];
    const r = podMetricsFromItems([item('a', both)], 'cpu', 'side');
    expect(r.ok && r.metrics.get('a')?.value).toBe(300);
    expect(podMetricsFromItems([item('a', both), item('b', [both[0]!])], 'cpu', 'side')).toEqual({
      ok: false,
      error: 'failed to get container metrics: container side not present in metrics for pod ns/b',
    });
  });
});
