// Two proxies' load-balancer status writers against a live API server: one leads and writes, the other stands
// by and takes over when the leader stops.
import type { Lease, Service } from '@skiff/api';
import { InformerFactory } from '@skiff/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceObject, startTestApi, until, type TestApi } from '../../test-util/service-fixtures.js';
import { LbStatusWriter } from './lb-status-writer.js';
import { PRESENCE_LABEL, ProxyPresence } from './proxy-presence.js';
import { ProxyMetrics } from './proxy-metrics.js';

const log = pino({ level: process.env.SKIFF_TEST_LOG ?? 'silent' });
let api: TestApi;

interface Candidate {
  writer: LbStatusWriter;
  metrics: ProxyMetrics;
  stop(): Promise<void>;
}

/** What one proxy runs for load-balancer status: informers, its presence lease, its writer. */
async function candidate(node: string, address: string): Promise<Candidate> {
  const factory = new InformerFactory(api.client, { logger: log });
  const services = factory.informer<Service>('v1/services');
  const leases = factory.informer<Lease>('coordination.k8s.io/v1/leases', { labelSelector: PRESENCE_LABEL });
  const metrics = new ProxyMetrics();
  let writer: LbStatusWriter | undefined;
  const presence = new ProxyPresence({ client: api.client, leases, nodeName: node, addresses: [address], leaseDurationSeconds: 5, renewIntervalMs: 500, log, onChange: () => writer?.kick() });
  writer = new LbStatusWriter({
    client: api.client,
    services,
    presence,
    identity: node,
    metrics,
    log,
    election: { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 },
  });
  factory.start();
  presence.start();
  await factory.waitForSync(10_000);
  writer.start();
  const w = writer;
  return {
    writer: w,
    metrics,
    async stop() {
      await w.stop();
      await presence.stop();
      await factory.stop();
    },
  };
}

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.close();
});

describe('the load-balancer status writer', () => {
  it('writes from one elected proxy only, and hands over when it stops', async () => {
    const one = await candidate('node-1', '192.0.2.1');
    const two = await candidate('node-2', '192.0.2.2');
    try {
      await api.services().create(serviceObject('shop', [{ name: 'http', port: 80 }], { spec: { type: 'LoadBalancer' } }));
      await api.services().create(serviceObject('classy', [{ name: 'http', port: 80 }], { spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb' } }));
      const ingress = async (name: string) => ((await api.services().get(name)).status?.loadBalancer?.ingress ?? []).map((i) => i.ip).join();
      await until(async () => ((await ingress('shop')) === '192.0.2.1,192.0.2.2' ? true : undefined), 15_000, 'ingress of both nodes');

      const leaders = [one, two].filter((c) => c.writer.isLeader());
      expect(leaders).toHaveLength(1);
      const [leader, standby] = leaders[0] === one ? [one, two] : [two, one];
      expect(leader.metrics.lbStatusUpdates.get()).toBeGreaterThan(0);
      expect(standby.metrics.lbStatusUpdates.get()).toBe(0);
      expect(await ingress('classy')).toBe('');

      await leader.stop();
      const survivor = leader === one ? '192.0.2.2' : '192.0.2.1';
      await until(async () => ((await ingress('shop')) === survivor ? true : undefined), 15_000, 'the standby to take over and drop the stopped node');
      expect(standby.writer.isLeader()).toBe(true);
      expect(standby.metrics.lbStatusUpdates.get()).toBeGreaterThan(0);
    } finally {
      await one.stop();
      await two.stop();
    }
  });
});
