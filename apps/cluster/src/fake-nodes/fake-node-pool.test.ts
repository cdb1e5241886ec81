import type { Lease, Node, Pod } from '@skiff/api';
import { createApiServer, type ApiServer } from '@skiff/apiserver';
import { createClient, isNotFound, type Client } from '@skiff/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test-util/eventually.js';
import { parseCidr } from '../network/cidr.js';
import { FakeNodePool } from './fake-node-pool.js';

let server: ApiServer;
let client: Client;
let pool: FakeNodePool;

beforeAll(async () => {
  server = await createApiServer({ port: 0 });
  client = createClient({ server: server.url, namespace: 'default' }, { qps: 0 });
  pool = new FakeNodePool({ client, names: ['skiff-fake-1', 'skiff-fake-2'], cidr: parseCidr('10.244.128.0/17'), logger: pino({ level: 'silent' }) });
  await pool.start();
});

afterAll(async () => {
  await pool?.stop();
  client?.close();
  await server?.close();
});

const pods = () => client.resource<Pod>('v1/pods').namespace('default');

function podBoundTo(name: string, node: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'busybox' }, { name: 'sidecar', image: 'busybox' }] },
  };
}

describe('FakeNodePool', () => {
  it('registers every node Ready, with capacity, an address and a fresh lease', async () => {
    const nodes = await client.resource<Node>('v1/nodes').list();
    const fake = nodes.items.filter((n) => n.metadata?.labels?.['node.skiff.dev/fake'] === 'true');
    expect(fake.map((n) => n.metadata?.name).sort()).toEqual(['skiff-fake-1', 'skiff-fake-2']);
    for (const node of fake) {
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(node.status?.allocatable?.pods).toBe('110');
      expect(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address).toMatch(/^10\.244\.128\.\d+$/);
    }
    const lease = await client.resource<Lease>('coordination.k8s.io/v1/leases').namespace('kube-node-lease').get('skiff-fake-1');
    expect(lease.spec?.holderIdentity).toBe('skiff-fake-1');
    expect(lease.spec?.renewTime).toBeTruthy();
  });

  it('shows a pod bound to a fake node Running with an IP and every container ready', async () => {
    await pods().create(podBoundTo('bound', 'skiff-fake-2'));
    const pod = await eventually(async () => {
      const p = await pods().get('bound');
      return p.status?.phase === 'Running' ? p : undefined;
    }, 'the pod to run');
    expect(pod.status?.podIP).toMatch(/^10\.244\.(1[2-9]\d|2[0-5]\d)\.\d+$/);
    expect(pod.status?.containerStatuses?.map((c) => [c.name, c.ready, !!c.state?.running])).toEqual([
      ['app', true, true],
      ['sidecar', true, true],
    ]);
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('leaves pods bound to other nodes alone', async () => {
    await pods().create(podBoundTo('elsewhere', 'some-real-node'));
    await pods().create(podBoundTo('marker', 'skiff-fake-1'));
    // Once a later pod on a fake node runs, the earlier one has been seen and skipped.
    await eventually(async () => (await pods().get('marker')).status?.phase === 'Running', 'the marker pod to run');
    expect((await pods().get('elsewhere')).status?.phase).not.toBe('Running');
  });

  it('finishes deleting a terminating pod, as a kubelet does once its containers are gone', async () => {
    await pods().delete('bound', { gracePeriodSeconds: 30 });
    await eventually(async () => {
      try {
        await pods().get('bound');
        return undefined;
      } catch (e) {
        return isNotFound(e) ? true : undefined;
      }
    }, 'the pod to be gone');
  });
});
