import { describe, expect, it } from 'vitest';
import { PressureTracker } from './pressure-tracker.js';
import type { Observations } from './signals.js';
import { parseThresholds, softThresholds, withMinimumReclaims } from './thresholds.js';

const Mi = 1024 * 1024;
const memory = (availableMi: number): Observations => ({ 'memory.available': { available: availableMi * Mi, capacity: 8192 * Mi } });
const view = (v: { met: any[]; reclaim: any[]; conditions: Set<string> }) => ({
  met: v.met.map((t) => t.signal),
  reclaim: v.reclaim.map((t) => t.signal),
  conditions: [...v.conditions].sort(),
});

describe('PressureTracker', () => {
  it('meets a threshold only strictly below it, and maps each signal to its condition', () => {
    const t = new PressureTracker(parseThresholds('memory.available<100Mi,nodefs.available<10%,pid.available<100', true), 0);
    expect(view(t.update(memory(100), 0))).toEqual({ met: [], reclaim: [], conditions: [] });
    expect(view(t.update({ ...memory(99), 'nodefs.available': { available: 9, capacity: 100 }, 'pid.available': { available: 50, capacity: 1000 } }, 1))).toEqual({
      met: ['memory.available', 'nodefs.available', 'pid.available'],
      reclaim: ['memory.available', 'nodefs.available', 'pid.available'],
      conditions: ['DiskPressure', 'MemoryPressure', 'PIDPressure'],
    });
  });

  it('never meets a threshold whose signal could not be read', () => {
    const t = new PressureTracker(parseThresholds('imagefs.available<15%', true), 0);
    expect(view(t.update({}, 0)).met).toEqual([]);
  });

  it('reports a soft threshold at once but reclaims only once it held for its grace period', () => {
    const t = new PressureTracker(softThresholds('memory.available<1Gi', 'memory.available=60s'), 300_000);
    expect(view(t.update(memory(500), 0))).toEqual({ met: ['memory.available'], reclaim: [], conditions: ['MemoryPressure'] });
    expect(view(t.update(memory(500), 59_999)).reclaim).toEqual([]);
    expect(view(t.update(memory(500), 60_000)).reclaim).toEqual(['memory.available']);
    // recovering resets the grace period
    t.update(memory(2048), 70_000);
    expect(view(t.update(memory(500), 80_000)).reclaim).toEqual([]);
    expect(view(t.update(memory(500), 140_000)).reclaim).toEqual(['memory.available']);
  });

  it('keeps a pressure condition for the transition period after the signal recovers', () => {
    const t = new PressureTracker(parseThresholds('memory.available<100Mi', true), 300_000);
    t.update(memory(50), 0);
    t.update(memory(50), 10_000);
    expect(view(t.update(memory(500), 20_000))).toEqual({ met: [], reclaim: [], conditions: ['MemoryPressure'] });
    expect(view(t.update(memory(500), 309_999)).conditions).toEqual(['MemoryPressure']);
    expect(view(t.update(memory(500), 310_000)).conditions).toEqual([]);
  });

  it('with a transition period of 0, a condition lasts exactly as long as its threshold is met', () => {
    const t = new PressureTracker(parseThresholds('memory.available<100Mi', true), 0);
    expect(view(t.update(memory(50), 0)).conditions).toEqual(['MemoryPressure']);
    expect(view(t.update(memory(500), 1)).conditions).toEqual([]);
  });

  it('with a minimum reclaim, keeps a met threshold until the signal is past it by that much', () => {
    const t = new PressureTracker(withMinimumReclaims(parseThresholds('memory.available<100Mi', true), 'memory.available=400Mi'), 0);
    // Never met: the margin alone does not make pressure.
    expect(view(t.update(memory(300), 0)).met).toEqual([]);
    expect(view(t.update(memory(50), 1))).toEqual({ met: ['memory.available'], reclaim: ['memory.available'], conditions: ['MemoryPressure'] });
    // Past the threshold, short of threshold + 400Mi: still met, so evictions go on.
    expect(view(t.update(memory(300), 2)).reclaim).toEqual(['memory.available']);
    expect(view(t.update(memory(499), 3)).met).toEqual(['memory.available']);
    // 500Mi available = 100Mi + 400Mi: resolved, and once let go the margin no longer holds it.
    expect(view(t.update(memory(500), 4))).toEqual({ met: [], reclaim: [], conditions: [] });
    expect(view(t.update(memory(300), 5)).met).toEqual([]);
  });

  it('takes a percentage minimum reclaim against the capacity, and keeps a soft grace period running', () => {
    const thresholds = withMinimumReclaims(softThresholds('memory.available<1Gi', 'memory.available=60s'), 'memory.available=10%');
    const t = new PressureTracker(thresholds, 0);
    t.update(memory(500), 0);
    // 1Gi + 10% of 8Gi = 1843.2Mi: 1500Mi is not enough, and the grace period counts on from t=0.
    expect(view(t.update(memory(1500), 30_000)).reclaim).toEqual([]);
    expect(view(t.update(memory(1500), 60_000)).reclaim).toEqual(['memory.available']);
    expect(view(t.update(memory(1900), 70_000)).met).toEqual([]);
  });
});
