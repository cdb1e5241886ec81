import type { Node } from '@skiff/api';
import { waitFor } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import { conditionTaints, withConditionTaints } from './condition-taints.js';
import type { Taint } from './taint-eviction.js';

const keys = (taints: Taint[]) => taints.map((t) => `${t.key}:${t.effect}`);

describe('conditionTaints', () => {
  it.each([
    ['a healthy node', [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }], []],
    ['memory pressure', [{ type: 'MemoryPressure', status: 'True' }], ['node.kubernetes.io/memory-pressure:NoSchedule']],
    [
      'disk and pid pressure',
      [{ type: 'DiskPressure', status: 'True' }, { type: 'PIDPressure', status: 'True' }],
      ['node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule'],
    ],
    ['no network', [{ type: 'NetworkUnavailable', status: 'True' }], ['node.kubernetes.io/network-unavailable:NoSchedule']],
    ['a silent node (Unknown)', [{ type: 'MemoryPressure', status: 'Unknown' }], []],
  ])('for %s', (_what, conditions, want) => {
    expect(keys(conditionTaints(conditions))).toEqual(want);
  });
});

describe('withConditionTaints', () => {
  const memory: Taint = { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' };
  const disk: Taint = { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' };
  const dedicated: Taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
  const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 't' };
  const userMemoryNoExecute: Taint = { key: 'node.kubernetes.io/memory-pressure', effect: 'NoExecute' };

  it.each([
    ['adds what is wanted after the taints already there', [dedicated], [memory], [dedicated, memory]],
    ['keeps a wanted taint in place', [memory, dedicated], [memory], [memory, dedicated]],
    ['removes a condition taint no longer wanted, and nothing else', [dedicated, memory, unreachable], [disk], [dedicated, unreachable, disk]],
    ['leaves a condition key with another effect alone (not ours)', [userMemoryNoExecute], [], [userMemoryNoExecute]],
  ])('%s', (_what, current, wanted, want) => {
    expect(withConditionTaints(current, wanted)).toEqual(want);
  });
});

describe('the node lifecycle controller, by condition', () => {
  let tc: TestCluster;
  beforeAll(async () => {
    tc = await startTestCluster({ nodes: { nodes: ['node-1'] }, manager: { nodeLifecycle: { monitorPeriodMs: 200 } } });
  });
  afterAll(async () => {
    await tc?.close();
  });

  const nodes = () => tc.client.resource<Node>('v1/nodes');
  /** Sets one condition as a kubelet would (retrying on conflicts with the controller's own writes). */
  const setCondition = (type: string, status: string) =>
    waitFor(`${type}=${status} written`, async () => {
      const n = await nodes().get('node-1');
      const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const conditions = [...(n.status?.conditions ?? []).filter((c) => c.type !== type), { type, status, reason: 'Test', message: '', lastHeartbeatTime: t, lastTransitionTime: t }];
      await nodes().updateStatus({ ...n, status: { ...n.status, conditions } });
      return true;
    });
  const taintKeys = async () => keys(((await nodes().get('node-1')).spec?.taints ?? []) as Taint[]);

  it('taints a node NoSchedule while it reports memory or disk pressure, and untaints it after', async () => {
    await setCondition('MemoryPressure', 'True');
    await waitFor('the memory-pressure taint', async () => (await taintKeys()).includes('node.kubernetes.io/memory-pressure:NoSchedule'));
    await setCondition('DiskPressure', 'True');
    await waitFor('the disk-pressure taint too', async () => (await taintKeys()).length === 2);
    expect((await taintKeys()).sort()).toEqual(['node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule']);

    await setCondition('MemoryPressure', 'False');
    await setCondition('DiskPressure', 'False');
    await waitFor('no taints', async () => (await taintKeys()).length === 0);
  });
});
