import { promises as dnsPromises } from 'node:dns';
import type { Service } from '@skiff/api';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test-util/service-fixtures.js';
import { startServiceProxy, type RunningServiceProxy } from './start-service-proxy.js';

let api: TestApi;
let proxy: RunningServiceProxy | undefined;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await proxy?.close();
  await api?.close();
});

async function eventually<T>(f: () => Promise<T>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('the service proxy serving cluster DNS', () => {
  it('answers from its informers and follows Services as they come and go', async () => {
    const services = api.client.resource<Service>('v1/services');
    const web = await services.namespace('default').create({ metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80 }] } } as Service);
    const kubeDns = await services.namespace('kube-system').create({
      metadata: { name: 'kube-dns' },
      spec: { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] },
    } as Service);
    // On a node it listens on the kube-dns Service's cluster IP (held on the cluster-IP interface, and not proxied:
    // translate.test.ts); here, without that interface, on loopback.
    expect(kubeDns.spec!.clusterIP).toBeTruthy();
    proxy = await startServiceProxy({
      nodeName: 'node-dns',
      client: api.client,
      nodeAddresses: ['127.0.0.1'],
      clusterIpInterface: null,
      loadBalancerStatus: false,
      clusterDns: { address: '127.0.0.1', port: 0, upstreams: [] },
      logger,
    });
    await proxy.ready;
    const r = new dnsPromises.Resolver({ timeout: 4000, tries: 2 });
    r.setServers([`127.0.0.1:${proxy.clusterDnsPort()}`]);
    expect(await r.resolve4('web.default.svc.cluster.local')).toEqual([web.spec!.clusterIP]);
    expect(await r.resolveSrv('_http._tcp.web.default.svc.cluster.local')).toEqual([{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);

    const later = await services.namespace('default').create({ metadata: { name: 'later' }, spec: { ports: [{ port: 81 }] } } as Service);
    expect(await eventually(() => r.resolve4('later.default.svc.cluster.local'))).toEqual([later.spec!.clusterIP]);
    await services.namespace('default').delete('later');
    await eventually(async () => {
      await expect(r.resolve4('later.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    });

  });
});
