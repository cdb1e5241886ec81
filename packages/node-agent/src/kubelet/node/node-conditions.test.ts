import { describe, expect, it } from 'vitest';
import type { PressureCondition } from '../eviction/signals.js';
import { conditionsDiffer, nodeConditions, runtimeHealth } from './node-conditions.js';

const healthy = new Set<PressureCondition>();
const ready = { runtimeReady: true, networkReady: true, message: '' };

const statusOf = (conds: any[]) => Object.fromEntries(conds.map((c) => [c.type, `${c.status}:${c.reason}`]));

describe('nodeConditions', () => {
  it.each([
    ['a healthy node', healthy, ready, { MemoryPressure: 'False:KubeletHasSufficientMemory', DiskPressure: 'False:KubeletHasNoDiskPressure', PIDPressure: 'False:KubeletHasSufficientPID', Ready: 'True:KubeletReady' }],
    ['memory pressure', new Set<PressureCondition>(['MemoryPressure']), ready, { MemoryPressure: 'True:KubeletHasInsufficientMemory', DiskPressure: 'False:KubeletHasNoDiskPressure' }],
    ['disk pressure', new Set<PressureCondition>(['DiskPressure']), ready, { DiskPressure: 'True:KubeletHasDiskPressure', MemoryPressure: 'False:KubeletHasSufficientMemory' }],
    ['pid pressure', new Set<PressureCondition>(['PIDPressure']), ready, { PIDPressure: 'True:KubeletHasInsufficientPID' }],
    ['a runtime without network', healthy, { runtimeReady: true, networkReady: false, message: 'x' }, { Ready: 'False:KubeletNotReady' }],
  ])('for %s', (_what, pressure, runtime, want) => {
    expect(statusOf(nodeConditions(pressure, runtime, [], 'now'))).toMatchObject(want);
  });

  it('keeps lastTransitionTime while the status holds and moves the heartbeat', () => {
    const first = nodeConditions(healthy, ready, [], 't1');
    const second = nodeConditions(healthy, ready, first, 't2');
    expect(second.find((c) => c.type === 'Ready')).toMatchObject({ lastTransitionTime: 't1', lastHeartbeatTime: 't2' });
  });
});

describe('runtimeHealth', () => {
  it.each([
    ['no answer', undefined, false, false],
    ['network not ready', [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, { type: 'NetworkReady', status: false, reason: 'NoPodCidr', message: 'no pod CIDR' }], true, false],
    ['all ready', [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, { type: 'NetworkReady', status: true, reason: '', message: '' }], true, true],
  ])('with %s', (_what, conditions, runtimeReady, networkReady) => {
    expect(runtimeHealth(conditions)).toMatchObject({ runtimeReady, networkReady });
  });
});

describe('conditionsDiffer', () => {
  const ours = [
    { type: 'Ready', status: 'True' },
    { type: 'MemoryPressure', status: 'False' },
  ];
  it.each([
    ['the same statuses', [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }], false],
    ['Ready set Unknown by the node lifecycle controller', [{ type: 'Ready', status: 'Unknown' }, { type: 'MemoryPressure', status: 'Unknown' }], true],
    ['a condition missing on the server', [{ type: 'Ready', status: 'True' }], true],
    ['extra conditions on the server only', [...ours, { type: 'NetworkUnavailable', status: 'False' }], false],
  ])('%s', (_what, server, expected) => {
    expect(conditionsDiffer(server, ours)).toBe(expected);
  });
});
