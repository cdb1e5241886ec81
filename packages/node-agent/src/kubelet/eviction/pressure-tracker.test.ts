import { describe, expect, it } from 'vitest';
import { PressureTracker } from './pressure-tracker.js';
import type { Observations } from './signals.js';
import { parseThresholds, softThresholds } from './thresholds.js';

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
});
