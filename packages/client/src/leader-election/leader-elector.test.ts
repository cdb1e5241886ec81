import type { Lease } from '@skiff/api';
import { waitFor } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/api-server.js';
import { startCuttableProxy } from '../../test-util/cuttable-proxy.js';
import { Client } from '../rest/client.js';
import { LeaderElector } from './leader-elector.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(async () => tc?.close());

// Short periods keep the test quick; the ratios (retry < renew deadline < lease) are the production ones'.
const FAST = { leaseDurationMs: 2000, renewDeadlineMs: 1000, retryPeriodMs: 100 };

function candidate(client: Client, name: string, identity: string, log: string[]) {
  const el = new LeaderElector({
    client,
    namespace: 'kube-system',
    name,
    identity,
    ...FAST,
    onStartedLeading: () => void log.push(`${identity} started`),
    onStoppedLeading: () => void log.push(`${identity} stopped`),
  });
  return { el, done: el.run() };
}

const lease = (name: string) => tc.client.resource<Lease>('coordination.k8s.io/v1/leases').namespace('kube-system').get(name);

describe('LeaderElector against a live API server', () => {
  it('elects one candidate, and the other takes over once the leader stops and releases the lease', async () => {
    const log: string[] = [];
    const a = candidate(tc.client, 'release-test', 'a', log);
    await waitFor('a to lead', () => a.el.isLeader());
    const b = candidate(tc.client, 'release-test', 'b', log);
    await waitFor('b to see a as leader', () => b.el.leader === 'a');
    expect(b.el.isLeader()).toBe(false);
    const held = await lease('release-test');
    expect(held.spec?.holderIdentity).toBe('a');
    expect(held.spec?.leaseDurationSeconds).toBe(2);
    expect(held.spec?.leaseTransitions).toBe(0);

    a.el.stop();
    await a.done;
    await waitFor('b to lead', () => b.el.isLeader());
    const taken = await lease('release-test');
    expect(taken.spec?.holderIdentity).toBe('b');
    expect(taken.spec?.leaseTransitions).toBe(1);
    expect(log).toEqual(['a started', 'a stopped', 'b started']);
    b.el.stop();
    await b.done;
  });

  it('renews the lease while leading', async () => {
    const log: string[] = [];
    const a = candidate(tc.client, 'renew-test', 'a', log);
    await waitFor('a to lead', () => a.el.isLeader());
    const first = (await lease('renew-test')).spec?.renewTime;
    await waitFor('a renewal', async () => (await lease('renew-test')).spec?.renewTime !== first);
    expect(a.el.isLeader()).toBe(true);
    a.el.stop();
    await a.done;
  });

  it('steps down when it cannot renew, before a standby takes the expired lease', async () => {
    const proxy = await startCuttableProxy({ host: '127.0.0.1', port: tc.server.port });
    const viaProxy = new Client({ server: proxy.url, qps: 0, timeoutMs: 300 });
    try {
      const log: string[] = [];
      const a = candidate(viaProxy, 'partition-test', 'a', log);
      await waitFor('a to lead', () => a.el.isLeader());
      const b = candidate(tc.client, 'partition-test', 'b', log);
      await waitFor('b to see a', () => b.el.leader === 'a');
      proxy.cut();
      await a.done;
      await waitFor('b to take over the expired lease', () => b.el.isLeader(), { timeoutMs: 10_000 });
      // a stopped on its own (renew deadline) before b could start: no two leaders at once.
      expect(log).toEqual(['a started', 'a stopped', 'b started']);
      expect((await lease('partition-test')).spec?.holderIdentity).toBe('b');
      b.el.stop();
      await b.done;
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });

  it('refuses periods that would let two leaders overlap', () => {
    expect(
      () => new LeaderElector({ client: tc.client, namespace: 'kube-system', name: 'x', identity: 'x', leaseDurationMs: 1000, renewDeadlineMs: 1000, onStartedLeading: () => {} }),
    ).toThrow(RangeError);
  });
});
