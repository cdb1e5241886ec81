import { describe, expect, it } from 'vitest';
import { conditionsDiffer, DEFAULT_THRESHOLDS, nodeConditions, runtimeHealth } from './node-conditions.js';

const healthy = { memoryAvailableBytes: 8 * 1024 ** 3, diskAvailableBytes: 50, diskTotalBytes: 100, pidsAvailable: 30000, pidMax: 32768 };
const ready = { runtimeReady: true, networkReady: true, message: '' };

const statusOf = (conds: any[]) => Object.fromEntries(conds.map((c) => [c.type, `${c.status}:${c.reason}`]));

describe('nodeConditions', () => {
  it.each([
    ['a healthy node', healthy, ready, { MemoryPressure: 'False:KubeletHasSufficientMemory', DiskPressure: 'False:KubeletHasNoDiskPressure', PIDPressure: 'False:KubeletHasSufficientPID', Ready: 'True:KubeletReady' }],
    ['low memory', { ...healthy, memoryAvailableBytes: 50 * 1024 * 1024 }, ready, { MemoryPressure: 'True:KubeletHasInsufficientMemory' }],
    ['a full disk', { ...healthy, diskAvailableBytes: 5 }, ready, { DiskPressure: 'True:KubeletHasDiskPressure' }],
    ['few pids left', { ...healthy, pidsAvailable: 100 }, ready, { PIDPressure: 'True:KubeletHasInsufficientPID' }],
    ['a runtime without network', healthy, { runtimeReady: true, networkReady: false, message: 'x' }, { Ready: 'False:KubeletNotReady' }],
  ])('for %s', (_what, stats, runtime, want) => {
    expect(statusOf(nodeConditions(stats, DEFAULT_THRESHOLDS, runtime, [], 'now'))).toMatchObject(want);
  });

  it('keeps lastTransitionTime while the status holds and moves the heartbeat', () => {
    const first = nodeConditions(healthy, DEFAULT_THRESHOLDS, ready, [], 't1');
    const second = nodeConditions(healthy, DEFAULT_THRESHOLDS, ready, first, 't2');
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
