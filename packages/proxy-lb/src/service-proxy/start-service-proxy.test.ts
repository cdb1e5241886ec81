import net from 'node:net';
import type { Lease } from '@skiff/api';
import { Client } from '@skiff/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test-util/service-fixtures.js';
import type { StartServiceProxyOptions } from './options.js';
import { PRESENCE_NAMESPACE, presenceLeaseName } from './proxy-presence.js';
import { startServiceProxy } from './start-service-proxy.js';

let api: TestApi;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.close();
});

describe('starting the service proxy', () => {
  it.each<[string, Partial<StartServiceProxyOptions>, string]>([
    ['a node name that is not a DNS subdomain', { nodeName: 'Node_A' }, 'node name "Node_A" is not a DNS subdomain'],
    ['a node address that is not an IP', { nodeAddresses: ['node-a.local'] }, 'node address "node-a.local" is not an IP address'],
    ['a negative minimum sync period', { minSyncPeriodMs: -1 }, 'minSyncPeriodMs must be a non-negative number of ms'],
    ['a zero sync period', { syncPeriodMs: 0 }, 'syncPeriodMs must be above 0'],
    ['an unknown scheduler', { defaultScheduler: 'fastest' as never }, 'scheduler "fastest" is not one of rr, wrr, lc, wlc, sh, dh, mh'],
    ['a metrics address without a port', { metricsBindAddress: '127.0.0.1' }, '"127.0.0.1" is not IP:port'],
  ])('refuses %s', async (_name, bad, message) => {
    const err = await startServiceProxy({ nodeName: 'node-a', client: api.client, clusterIpInterface: null, logger, ...bad }).then(
      (p) => p.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'InvalidArgument' });
    expect((err as Error).message).toContain(message);
  });

  it('fails with BindFailed on a taken metrics port, leaving nothing running', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const err = await startServiceProxy({
        nodeName: 'node-taken',
        client: api.client,
        nodeAddresses: ['127.0.0.1'],
        clusterIpInterface: null,
        metricsBindAddress: `127.0.0.1:${port}`,
        logger,
      }).then(
        (p) => p.close().then(() => undefined),
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'BindFailed' });
      // Nothing was started: no presence lease appears.
      const leases = api.client.resource<Lease>('coordination.k8s.io/v1/leases').namespace(PRESENCE_NAMESPACE);
      await expect(leases.get(presenceLeaseName('node-taken'))).rejects.toMatchObject({ code: 404 });
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('rejects ready with Closed when closed before its first sync', async () => {
    // An API server that is not there: the informers never sync.
    const nowhere = new Client({ server: 'http://127.0.0.1:9', qps: 0 });
    const p = await startServiceProxy({ nodeName: 'node-nowhere', client: nowhere, nodeAddresses: ['127.0.0.1'], clusterIpInterface: null, logger });
    await p.close();
    await expect(p.ready).rejects.toMatchObject({ code: 'Closed' });
    nowhere.close();
  });
});
