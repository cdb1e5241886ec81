import { describe, expect, it } from 'vitest';
import { admitUnderPressure } from './admission.js';
import type { PressureCondition } from './signals.js';

const bestEffort = { spec: { containers: [{ name: 'a' }] } };
const burstable = { spec: { containers: [{ name: 'a', resources: { requests: { memory: '10Mi' } } }] } };
const critical = { spec: { priority: 2_000_001_000, containers: [{ name: 'a' }] } };
const tolerant = { spec: { containers: [{ name: 'a' }], tolerations: [{ key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' }] } };
const tolerantOfAll = { spec: { containers: [{ name: 'a' }], tolerations: [{ operator: 'Exists' }] } };
const tolerantOfOther = { spec: { containers: [{ name: 'a' }], tolerations: [{ key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' }] } };

const under = (...c: PressureCondition[]) => new Set<PressureCondition>(c);

describe('admitUnderPressure', () => {
  it.each([
    ['any pod without pressure', bestEffort, under(), true],
    ['a Burstable pod under memory pressure', burstable, under('MemoryPressure'), true],
    ['a BestEffort pod under memory pressure', bestEffort, under('MemoryPressure'), false],
    ['a BestEffort pod tolerating the memory-pressure taint', tolerant, under('MemoryPressure'), true],
    ['a BestEffort pod tolerating every taint', tolerantOfAll, under('MemoryPressure'), true],
    ['a BestEffort pod tolerating another taint only', tolerantOfOther, under('MemoryPressure'), false],
    ['a Burstable pod under disk pressure', burstable, under('DiskPressure'), false],
    ['a Burstable pod under PID pressure', burstable, under('PIDPressure'), false],
    ['a Burstable pod under memory and disk pressure', burstable, under('MemoryPressure', 'DiskPressure'), false],
    ['a critical pod under every pressure', critical, under('MemoryPressure', 'DiskPressure', 'PIDPressure'), true],
  ])('%s: admitted %s', (_what, pod, conditions, admit) => {
    expect(admitUnderPressure(pod, conditions).admit).toBe(admit);
  });

  it('says which conditions the node had, in the order the node reports them', () => {
    expect(admitUnderPressure(burstable, under('DiskPressure', 'MemoryPressure'))).toEqual({
      admit: false,
      reason: 'Evicted',
      message: 'The node had condition: [MemoryPressure DiskPressure]. ',
    });
    expect(admitUnderPressure(bestEffort, under('MemoryPressure'))).toMatchObject({ message: 'The node had condition: [MemoryPressure]. ' });
  });
});
