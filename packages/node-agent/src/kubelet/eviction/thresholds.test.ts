import { describe, expect, it } from 'vitest';
import { resolveEvictionConfig } from './eviction-config.js';
import { parseGoDuration } from './go-duration.js';
import { describeThreshold, parseThresholds, resolvedAmount, softThresholds, thresholdAmount, thresholdText, withMinimumReclaims } from './thresholds.js';

const Mi = 1024 * 1024;

describe('parseThresholds', () => {
  it('reads quantities and percentages, keeping quantities as written in canonical form', () => {
    const t = parseThresholds('memory.available<500Mi, nodefs.available<10%,pid.available<1k', true);
    expect(t).toEqual([
      { signal: 'memory.available', quantity: 500 * Mi, quantityText: '500Mi', hard: true, gracePeriodMs: 0 },
      { signal: 'nodefs.available', percentage: 0.1, hard: true, gracePeriodMs: 0 },
      { signal: 'pid.available', quantity: 1000, quantityText: '1k', hard: true, gracePeriodMs: 0 },
    ]);
    expect(parseThresholds('memory.available<1.5Gi', true)[0]).toMatchObject({ quantity: 1536 * Mi, quantityText: '1536Mi' });
  });

  it('takes 0% to switch a signal off, and an empty list to mean none', () => {
    expect(parseThresholds('memory.available<0%,nodefs.available<5%', true).map((t) => t.signal)).toEqual(['nodefs.available']);
    expect(parseThresholds('', true)).toEqual([]);
  });

  it.each([
    ['an unknown signal', 'memory.free<1Gi', /unknown eviction signal "memory.free"/],
    ['another operator', 'memory.available>1Gi', /only operator is "<", not ">"/],
    ['no operator', 'memory.available', /not a threshold/],
    ['a zero quantity', 'memory.available<0', /must be positive/],
    ['a negative quantity', 'memory.available<-1Mi', /must be positive/],
    ['a malformed quantity', 'memory.available<lots', /"lots" is not a quantity/],
    ['a percentage over 100', 'nodefs.available<101%', /must be <= 100%/],
    ['a negative percentage', 'nodefs.available<-1%', /must be >= 0%/],
    ['a bare percent sign', 'nodefs.available<%', /not a percentage/],
    ['a signal twice', 'memory.available<1Gi,memory.available<2Gi', /duplicate eviction threshold for signal memory.available/],
  ])('rejects %s', (_what, spec, message) => {
    expect(() => parseThresholds(spec, true)).toThrow(message);
  });
});

describe('soft thresholds', () => {
  it('take their grace periods from --eviction-soft-grace-period and ignore periods of other signals', () => {
    expect(softThresholds('memory.available<1Gi', 'memory.available=1m30s,nodefs.available=10s')).toEqual([
      { signal: 'memory.available', quantity: 1024 * Mi, quantityText: '1Gi', hard: false, gracePeriodMs: 90_000 },
    ]);
  });

  it.each([
    ['a soft threshold without a grace period', 'memory.available<1Gi', 'nodefs.available=1m', /grace period must be specified for the soft eviction threshold memory.available/],
    ['a grace period that is not a duration', 'memory.available<1Gi', 'memory.available=soon', /"soon" is not a duration/],
    ['a grace period without a signal', 'memory.available<1Gi', '=1m', /expected signal=duration/],
    ['a grace period given twice', 'memory.available<1Gi', 'memory.available=1m,memory.available=2m', /duplicate duration for signal memory.available/],
  ])('reject %s', (_what, soft, periods, message) => {
    expect(() => softThresholds(soft, periods)).toThrow(message);
  });
});

describe('minimum reclaims', () => {
  it('go to every threshold of their signal, hard and soft, as quantities or percentages', () => {
    const cfg = resolveEvictionConfig({
      hard: 'memory.available<100Mi,nodefs.available<10%',
      soft: 'memory.available<1Gi',
      softGracePeriod: 'memory.available=1m',
      minimumReclaim: 'memory.available=0Mi, nodefs.available=5%',
    });
    expect(cfg.thresholds.map((t) => [t.signal, t.hard, t.minReclaim])).toEqual([
      ['memory.available', true, { quantity: 0 }],
      ['nodefs.available', true, { percentage: 0.05 }],
      ['memory.available', false, { quantity: 0 }],
    ]);
    expect(resolvedAmount(cfg.thresholds[1]!, 1000)).toBe(150);
    expect(resolvedAmount(parseThresholds('memory.available<100Mi', true)[0]!, 0)).toBe(100 * Mi);
  });

  it('refuse unknown signals, duplicates, negative amounts and malformed entries with the flag named', () => {
    const t = parseThresholds('memory.available<100Mi', true);
    expect(() => withMinimumReclaims(t, 'memory.free=1Gi')).toThrow(/--eviction-minimum-reclaim: unknown eviction signal "memory.free"/);
    expect(() => withMinimumReclaims(t, 'memory.available=1Gi,memory.available=2Gi')).toThrow(/duplicate quantity for signal memory.available/);
    expect(() => withMinimumReclaims(t, 'memory.available=-1Gi')).toThrow(/must not be negative/);
    expect(() => withMinimumReclaims(t, 'memory.available=120%')).toThrow(/percentage for memory.available must be <= 100%/);
    expect(() => withMinimumReclaims(t, 'memory.available')).toThrow(/expected signal=quantity/);
    expect(() => withMinimumReclaims(t, 'memory.available=lots')).toThrow(/"lots" is not a quantity/);
  });
});

describe('resolveEvictionConfig', () => {
  it("defaults to the kubelet's hard thresholds, a 5 minute transition period, a 10 s interval and no pod grace", () => {
    const c = resolveEvictionConfig();
    expect(c.thresholds.map(describeThreshold)).toEqual([
      'memory.available<100Mi',
      'nodefs.available<10%',
      'nodefs.inodesFree<5%',
      'imagefs.available<15%',
      'imagefs.inodesFree<5%',
    ]);
    expect(c).toMatchObject({ pressureTransitionPeriodMs: 300_000, monitoringIntervalMs: 10_000, maxPodGracePeriodSeconds: 0 });
  });

  it('lets --eviction-hard replace the defaults entirely and adds the soft thresholds after them', () => {
    const c = resolveEvictionConfig({ hard: 'memory.available<500Mi', soft: 'nodefs.available<20%', softGracePeriod: 'nodefs.available=2m' });
    expect(c.thresholds.map((t) => `${describeThreshold(t)}${t.hard ? '' : ` after ${t.gracePeriodMs} ms`}`)).toEqual(['memory.available<500Mi', 'nodefs.available<20% after 120000 ms']);
  });

  it('refuses a negative max pod grace period', () => {
    expect(() => resolveEvictionConfig({ maxPodGracePeriodSeconds: -1 })).toThrow(/non-negative/);
  });
});

describe('threshold amounts', () => {
  it('resolve percentages against the capacity and print the way the kubelet prints quantities', () => {
    const [pct] = parseThresholds('nodefs.available<10%', true);
    expect(thresholdAmount(pct!, 1000 * Mi)).toBe(100 * Mi);
    expect(thresholdText(pct!, 1000 * Mi)).toBe('100Mi');
    const [inodes] = parseThresholds('nodefs.inodesFree<5%', true);
    expect(thresholdText(inodes!, 2_000_000)).toBe('100k');
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['5m', 300_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['0', 0],
  ])('reads %s', (text, ms) => {
    expect(parseGoDuration(text, 'x')).toBe(ms);
  });

  it.each(['', '5', 'm', '5 m', '1x'])('rejects "%s"', (text) => {
    expect(() => parseGoDuration(text, 'x')).toThrow(/is not a duration/);
  });
});
