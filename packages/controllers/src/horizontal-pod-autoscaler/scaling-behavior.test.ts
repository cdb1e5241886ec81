import { describe, expect, it } from 'vitest';
import type { HpaBehavior } from './hpa-types.js';
import { historyHorizonMs, limitRate, normalizeReplicas, resolveBehavior, scaleDownLimit, scaleUpLimit, stabilize, type Rules } from './scaling-behavior.js';
import { changeWithinPeriod, recordScaleEvent, ScalingHistories, type ScalingHistory } from './scaling-history.js';

const NOW = 1_000_000_000;
const s = (seconds: number) => NOW - seconds * 1000;

function history(o: Partial<ScalingHistory> = {}): ScalingHistory {
  return { recommendations: [], scaleUpEvents: [], scaleDownEvents: [], ...o };
}

const defaults = resolveBehavior(undefined, 300);
const rules = (r: Partial<Rules>, base: Rules): Rules => ({ ...base, ...r });

describe('resolveBehavior', () => {
  it('fills an absent behavior with the defaults, the scale-down window from the controller flag', () => {
    expect(resolveBehavior(null, 120)).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
  });

  it('keeps what a behavior gives and fills the rest', () => {
    const b: HpaBehavior = { scaleUp: { selectPolicy: 'Disabled' }, scaleDown: { stabilizationWindowSeconds: 10, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } };
    const r = resolveBehavior(b, 300);
    expect(r.scaleUp).toEqual({ ...defaults.scaleUp, selectPolicy: 'Disabled' });
    expect(r.scaleDown).toEqual({ stabilizationWindowSeconds: 10, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] });
    expect(resolveBehavior({ scaleDown: { selectPolicy: 'Min' } }, 45).scaleDown.stabilizationWindowSeconds).toBe(45);
  });

  it('keeps history as long as the longest window or period', () => {
    expect(historyHorizonMs(defaults)).toBe(300_000);
    expect(historyHorizonMs(resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 600 }] } }, 300))).toBe(600_000);
  });
});

describe('scale-up limit', () => {
  it.each([
    { what: 'Max of Pods 4 and Percent 100 from 10: 20', current: 10, policy: 'Max' as const, want: 20 },
    { what: 'Min of the same: 14', current: 10, policy: 'Min' as const, want: 14 },
    { what: 'Disabled: the current count', current: 10, policy: 'Disabled' as const, want: 10 },
    { what: 'Max from 1: Pods 4 beats doubling: 5', current: 1, policy: 'Max' as const, want: 5 },
  ])('$what', ({ current, policy, want }) => {
    expect(scaleUpLimit(current, history(), rules({ selectPolicy: policy }, defaults.scaleUp), NOW)).toBe(want);
  });

  it('counts from the replicas the target had when the period began', () => {
    const up = [{ change: 4, atMs: s(5) }];
    // 8 now, 4 of them added 5 s ago: the 15 s period started at 4 -> max(4 + 4, 4 x 2) = 8: no more for now.
    expect(scaleUpLimit(8, history({ scaleUpEvents: up }), defaults.scaleUp, NOW)).toBe(8);
    // The same change 20 s ago is outside the period.
    expect(scaleUpLimit(8, history({ scaleUpEvents: [{ change: 4, atMs: s(20) }] }), defaults.scaleUp, NOW)).toBe(16);
    // A scale-down within the period raises the start: 6 now after removing 2 -> from 8: max(12, 16) = 16.
    expect(scaleUpLimit(6, history({ scaleDownEvents: [{ change: 2, atMs: s(5) }] }), defaults.scaleUp, NOW)).toBe(16);
  });

  it('rounds a percentage up so a small target can still grow', () => {
    expect(scaleUpLimit(3, history(), { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] }, NOW)).toBe(5);
  });
});

describe('scale-down limit', () => {
  const twoPolicies = (selectPolicy: Rules['selectPolicy']): Rules => ({
    stabilizationWindowSeconds: 0,
    selectPolicy,
    policies: [
      { type: 'Pods', value: 2, periodSeconds: 60 },
      { type: 'Percent', value: 50, periodSeconds: 60 },
    ],
  });

  it.each([
    { what: 'Max picks the biggest change: 50% of 10 -> 5', policy: 'Max' as const, want: 5 },
    { what: 'Min picks the smallest change: 2 pods -> 8', policy: 'Min' as const, want: 8 },
    { what: 'Disabled: the current count', policy: 'Disabled' as const, want: 10 },
  ])('$what', ({ policy, want }) => {
    expect(scaleDownLimit(10, history(), twoPolicies(policy), NOW)).toBe(want);
  });

  it('rounds a percentage down and counts from the period start', () => {
    expect(scaleDownLimit(5, history(), twoPolicies('Max'), NOW)).toBe(2);
    // 6 now after removing 4 within the minute: start 10 -> max(8, 5) is the floor for Min, min(8, 5) for Max.
    expect(scaleDownLimit(6, history({ scaleDownEvents: [{ change: 4, atMs: s(30) }] }), twoPolicies('Max'), NOW)).toBe(5);
    expect(scaleDownLimit(6, history({ scaleDownEvents: [{ change: 4, atMs: s(30) }] }), twoPolicies('Min'), NOW)).toBe(8);
  });
});

describe('stabilization', () => {
  it('holds a scale-down at the highest recommendation within the window', () => {
    const h = history({ recommendations: [{ replicas: 10, atMs: s(100) }, { replicas: 7, atMs: s(50) }] });
    expect(stabilize(h, 10, 4, defaults, NOW)).toMatchObject({ replicas: 10, reason: 'ScaleDownStabilized' });
    expect(h.recommendations.map((r) => r.replicas)).toEqual([10, 7, 4]);
  });

  it('lets a scale-down through once the higher recommendations are older than the window, and forgets them', () => {
    const h = history({ recommendations: [{ replicas: 10, atMs: s(400) }, { replicas: 6, atMs: s(100) }] });
    expect(stabilize(h, 10, 4, defaults, NOW).replicas).toBe(6);
    expect(h.recommendations.map((r) => r.replicas)).toEqual([6, 4]);
  });

  it('holds a scale-up at the lowest recommendation within the scale-up window', () => {
    const b = resolveBehavior({ scaleUp: { stabilizationWindowSeconds: 60 } }, 300);
    const h = history({ recommendations: [{ replicas: 3, atMs: s(30) }, { replicas: 5, atMs: s(10) }] });
    expect(stabilize(h, 3, 8, b, NOW)).toMatchObject({ replicas: 3, reason: 'ScaleUpStabilized' });
    const later = history({ recommendations: [{ replicas: 3, atMs: s(90) }, { replicas: 5, atMs: s(10) }] });
    expect(stabilize(later, 3, 8, b, NOW).replicas).toBe(5);
  });

  it('with no scale-up window, scales up at once', () => {
    expect(stabilize(history({ recommendations: [{ replicas: 2, atMs: s(1) }] }), 2, 9, defaults, NOW).replicas).toBe(9);
  });
});

describe('normalizeReplicas', () => {
  const noWindows = resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0 } }, 300);

  it.each([
    { what: 'within range', current: 4, desired: 6, min: 1, max: 10, want: 6, limited: ['False', 'DesiredWithinRange'] },
    { what: 'above maxReplicas', current: 10, desired: 50, min: 1, max: 20, want: 20, limited: ['True', 'TooManyReplicas'] },
    { what: 'faster than the scale-up rate', current: 10, desired: 30, min: 1, max: 100, want: 20, limited: ['True', 'ScaleUpLimit'] },
    { what: 'below minReplicas', current: 5, desired: 0, min: 2, max: 10, want: 2, limited: ['True', 'TooFewReplicas'] },
    { what: 'a scale-down to 1 (100% per 15 s allowed)', current: 8, desired: 1, min: 1, max: 10, want: 1, limited: ['False', 'DesiredWithinRange'] },
  ])('$what: $current -> $desired gives $want', ({ current, desired, min, max, want, limited }) => {
    const n = normalizeReplicas(history(), current, desired, min, max, noWindows, NOW);
    expect(n.replicas).toBe(want);
    expect([n.scalingLimited.status, n.scalingLimited.reason]).toEqual(limited);
    expect(n.ableToScale.reason).toBe('ReadyForNewScale');
  });

  it('holds a scale-down to the Pods policy rate (ScaleDownLimit)', () => {
    const b = resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } }, 300);
    const n = normalizeReplicas(history(), 10, 3, 1, 10, b, NOW);
    expect([n.replicas, n.scalingLimited.reason, n.scalingLimited.status]).toEqual([8, 'ScaleDownLimit', 'True']);
  });

  it('never scales down when scale-down is Disabled', () => {
    const b = resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled' } }, 300);
    expect(normalizeReplicas(history(), 10, 3, 1, 10, b, NOW)).toMatchObject({ replicas: 10, scalingLimited: { status: 'True', reason: 'ScaleDownLimit' } });
  });

  it('never scales up when scale-up is Disabled', () => {
    const b = resolveBehavior({ scaleUp: { selectPolicy: 'Disabled' } }, 300);
    expect(normalizeReplicas(history(), 3, 9, 1, 10, b, NOW)).toMatchObject({ replicas: 3, scalingLimited: { status: 'True', reason: 'ScaleUpLimit' } });
  });

  it('reports a stabilized count on AbleToScale and not as a limit', () => {
    const h = history({ recommendations: [{ replicas: 6, atMs: s(60) }] });
    const n = normalizeReplicas(h, 6, 2, 1, 10, defaults, NOW);
    expect(n.replicas).toBe(6);
    expect(n.ableToScale.reason).toBe('ScaleDownStabilized');
    expect(n.scalingLimited).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
  });

  it('limits consecutive scale-ups within one period by the events recorded', () => {
    const h = history();
    const first = normalizeReplicas(h, 2, 40, 1, 100, defaults, NOW);
    expect(first.replicas).toBe(6); // max(2 + 4, 2 x 2)
    recordScaleEvent(h, 2, 6, NOW, historyHorizonMs(defaults));
    // 5 s later the period still started at 2: no further growth until it has passed.
    expect(normalizeReplicas(h, 6, 40, 1, 100, defaults, NOW + 5_000)).toMatchObject({ replicas: 6, scalingLimited: { status: 'True', reason: 'ScaleUpLimit' } });
    expect(normalizeReplicas(h, 6, 40, 1, 100, defaults, NOW + 16_000).replicas).toBe(12);
  });
});

describe('limitRate', () => {
  it('leaves an unchanged count alone', () => {
    expect(limitRate(history(), 5, 5, 1, 10, defaults, NOW)).toMatchObject({ replicas: 5, reason: 'DesiredWithinRange' });
  });
});

describe('scaling history', () => {
  it('starts with the current count as a recommendation, and drops events older than the horizon', () => {
    const hs = new ScalingHistories();
    const h = hs.get('ns/a', 3, NOW);
    expect(h.recommendations).toEqual([{ replicas: 3, atMs: NOW }]);
    expect(hs.get('ns/a', 9, NOW + 1).recommendations).toHaveLength(1);
    recordScaleEvent(h, 3, 5, s(100), 60_000);
    recordScaleEvent(h, 5, 4, s(10), 60_000);
    recordScaleEvent(h, 4, 8, NOW, 60_000);
    expect(h.scaleUpEvents).toEqual([{ change: 4, atMs: NOW }]);
    expect(h.scaleDownEvents).toEqual([{ change: 1, atMs: s(10) }]);
    expect(changeWithinPeriod(h.scaleDownEvents, 15, NOW)).toBe(1);
    expect(changeWithinPeriod(h.scaleDownEvents, 10, NOW)).toBe(0);
    hs.forget('ns/a');
    expect(hs.has('ns/a')).toBe(false);
  });
});
