// The service proxy's policies against a live API server on loopback: Local traffic policies, topology hints,
// load-balancer ingress, the metrics it serves, and the minimum sync period.
import type { Lease, Node } from '@skiff/api';
import { microTime } from '@skiff/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachesExactly, trackedBackends } from '../../test-util/backend-reach.js';
import { freeTestPort, serviceObject, sliceObject, startProxyBed, until, type ProxyBed } from '../../test-util/service-fixtures.js';
import { ADDRESSES_ANNOTATION, PRESENCE_LABEL, PRESENCE_NAMESPACE } from './proxy-presence.js';

let bed: ProxyBed;
const { backend, track, closeAll } = trackedBackends();

beforeAll(async () => {
  bed = await startProxyBed();
});

afterAll(async () => {
  await bed?.close();
  await closeAll();
});

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample line (`name` including any labels), 0 when absent. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

describe('the service proxy policies', () => {
  it('keeps to this node endpoints under the Local traffic policies, internal and external apart', async () => {
    const [a, b] = [await backend('local-a'), await backend('remote-b')];
    const nodePort = await freeTestPort();
    const svcPort = await freeTestPort();
    await bed.api.services().create(serviceObject('local', [{ name: 'http', port: svcPort, nodePort }], { spec: { type: 'NodePort' } }));
    const ip = await bed.clusterIP('local');
    await bed.api.slices().create(sliceObject('local', 'local-a', a.port, [{ nodeName: 'node-a' }], 'http'));
    await bed.api.slices().create(sliceObject('local', 'remote-b', b.port, [{ nodeName: 'node-b' }], 'http'));
    await reachesExactly(ip, svcPort, ['local-a', 'remote-b']);
    await reachesExactly(bed.nodeAddress, nodePort, ['local-a', 'remote-b']);

    await bed.api.services().patch('local', { spec: { internalTrafficPolicy: 'Local' } }, 'merge');
    await reachesExactly(ip, svcPort, ['local-a']);
    await reachesExactly(bed.nodeAddress, nodePort, ['local-a', 'remote-b']);

    await bed.api.services().patch('local', { spec: { internalTrafficPolicy: 'Cluster', externalTrafficPolicy: 'Local' } }, 'merge');
    await reachesExactly(bed.nodeAddress, nodePort, ['local-a']);
    await reachesExactly(ip, svcPort, ['local-a', 'remote-b']);
  });

  it('narrows endpoints to the zone hints of this node zone, following the node label', async () => {
    const [a, b] = [await backend('zone-1'), await backend('zone-2')];
    const svcPort = await freeTestPort();
    await bed.api.services().create(serviceObject('zoned', [{ name: 'http', port: svcPort }]));
    const ip = await bed.clusterIP('zoned');
    await bed.api.slices().create(sliceObject('zoned', 'zoned-1', a.port, [{ zones: ['z1'] }], 'http'));
    await bed.api.slices().create(sliceObject('zoned', 'zoned-2', b.port, [{ zones: ['z2'] }], 'http'));
    // No Node object yet, so no zone: the hints are set aside.
    await reachesExactly(ip, svcPort, ['zone-1', 'zone-2']);

    const nodes = bed.api.client.resource<Node>('v1/nodes');
    await nodes.create({ metadata: { name: 'node-a', labels: { 'topology.kubernetes.io/zone': 'z1' } }, spec: {} });
    await reachesExactly(ip, svcPort, ['zone-1']);
    await nodes.patch('node-a', { metadata: { labels: { 'topology.kubernetes.io/zone': 'z2' } } }, 'merge');
    await reachesExactly(ip, svcPort, ['zone-2']);
    await nodes.delete('node-a');
  });

  it('points load-balancer ingress at the nodes running a proxy and serves its own address', async () => {
    const lb = await backend('lb');
    const [port, nodePort] = [await freeTestPort(), await freeTestPort()];
    await bed.api.services().create(serviceObject('lb', [{ name: 'http', port, nodePort }], { spec: { type: 'LoadBalancer' } }));
    await bed.api.slices().create(sliceObject('lb', 'lb-1', lb.port, [{}], 'http'));
    const ingressOf = async () => ((await bed.api.services().get('lb')).status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
    await until(async () => ((await ingressOf()).join() === bed.nodeAddress ? true : undefined), 10_000, 'ingress to be the node address');
    expect(bed.proxy.isLeader()).toBe(true);
    await reachesExactly(bed.nodeAddress, port, ['lb']);
    await reachesExactly(bed.nodeAddress, nodePort, ['lb']);

    // Another node's proxy announces itself: its address joins the ingress, and is left to it to serve.
    const other = `127.${bed.api.octet}.255.254`;
    const leases = bed.api.client.resource<Lease>('coordination.k8s.io/v1/leases').namespace(PRESENCE_NAMESPACE);
    await leases.create({
      metadata: { name: 'skiff-proxy-node-b', labels: { [PRESENCE_LABEL]: 'node-b' }, annotations: { [ADDRESSES_ANNOTATION]: other } },
      spec: { holderIdentity: 'node-b', leaseDurationSeconds: 5, renewTime: microTime() },
    });
    await until(async () => ((await ingressOf()).join() === `${other},${bed.nodeAddress}` ? true : undefined), 10_000, 'ingress of both nodes');
    await until(async () => (bed.served('lb').some((n) => n.includes(other)) ? undefined : true), 10_000, 'no listener on the other node address');
    expect(bed.served('lb').filter((n) => n.includes('/load-balancer/'))).toEqual([`default/lb:http/load-balancer/${bed.nodeAddress}`]);

    // It stops renewing: after its lease duration it drops out.
    await until(async () => ((await ingressOf()).join() === bed.nodeAddress ? true : undefined), 20_000, 'the silent node to drop out');
    await leases.delete('skiff-proxy-node-b');

    // Not a LoadBalancer any more: no ingress.
    await bed.api.services().patch('lb', { spec: { type: 'NodePort' } }, 'merge');
    await until(async () => ((await ingressOf()).length === 0 ? true : undefined), 10_000, 'ingress to be cleared');
  });

  it('serves sync counts, durations and the EndpointSlice-change-to-rules latency at /metrics', async () => {
    const url = bed.proxy.metricsUrl!;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const before = await scrape(url);
    const a = await backend('m');
    const svcPort = await freeTestPort();
    await bed.api.services().create(serviceObject('metered', [{ name: 'http', port: svcPort }]));
    const ip = await bed.clusterIP('metered');
    await bed.api.slices().create(sliceObject('metered', 'metered-1', a.port, [{}], 'http'));
    await reachesExactly(ip, svcPort, ['m']);
    const slice = await bed.api.slices().get('metered-1');
    slice.metadata!.annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': new Date().toISOString() };
    await bed.api.slices().update(slice);

    const latency = 'skiff_proxy_endpoint_change_latency_seconds_count';
    const programming = 'skiff_proxy_network_programming_duration_seconds_count';
    const after = await until(
      async () => {
        const t = await scrape(url);
        return sample(t, latency) >= sample(before, latency) + 2 && sample(t, programming) >= sample(before, programming) + 1 ? t : undefined;
      },
      10_000,
      'both latencies observed',
    );
    expect(sample(after, 'skiff_proxy_syncs_total{scope="partial"}')).toBeGreaterThan(sample(before, 'skiff_proxy_syncs_total{scope="partial"}'));
    expect(sample(after, 'skiff_proxy_syncs_total{scope="full"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'skiff_proxy_sync_duration_seconds_count')).toBeGreaterThan(sample(before, 'skiff_proxy_sync_duration_seconds_count'));
    expect(sample(after, 'skiff_proxy_endpoint_changes_total')).toBeGreaterThanOrEqual(sample(before, 'skiff_proxy_endpoint_changes_total') + 2);
    expect(sample(after, 'skiff_proxy_virtual_services')).toBeGreaterThan(0);
    // Every observation lands in the +Inf bucket, which equals the count.
    expect(sample(after, 'skiff_proxy_endpoint_change_latency_seconds_bucket{le="+Inf"}')).toBe(sample(after, latency));
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });
});

describe('the minimum sync period', () => {
  let slow: ProxyBed;
  const MIN_SYNC_MS = 2000;

  beforeAll(async () => {
    slow = await startProxyBed({ minSyncPeriodMs: MIN_SYNC_MS, loadBalancerStatus: false });
  });

  afterAll(async () => {
    await slow?.close();
  });

  it('applies a burst of EndpointSlice changes in syncs at least the period apart, timing every change', async () => {
    const [a, b] = [await backend('burst-a'), await backend('burst-b')];
    const svcPort = await freeTestPort();
    await slow.api.services().create(serviceObject('burst', [{ name: 'http', port: svcPort }]));
    const ip = (await slow.api.services().get('burst')).spec!.clusterIP!;
    await slow.api.slices().create(sliceObject('burst', 'burst', a.port, [{}], 'http'));
    await reachesExactly(ip, svcPort, ['burst-a']);

    const syncsBefore = slow.proxy.syncCount();
    const timedBefore = slow.proxy.metrics.endpointChangeLatency.count();
    const t0 = performance.now();
    const updates = 20;
    for (let i = 1; i <= updates; i++) {
      const s = await slow.api.slices().get('burst');
      // Not-ready endpoints change the slice, not the rules; the last update moves the slice to backend b.
      s.endpoints = [{ addresses: ['127.0.0.1'], conditions: { ready: true } }, { addresses: [`127.0.1.${i}`], conditions: { ready: false } }];
      if (i === updates) s.ports = [{ name: 'http', port: b.port, protocol: 'TCP' }];
      await slow.api.slices().update(s);
    }
    await reachesExactly(ip, svcPort, ['burst-b'], 4);
    await until(async () => (slow.proxy.metrics.endpointChangeLatency.count() >= timedBefore + updates ? true : undefined), 10_000, 'every change timed');
    const elapsed = performance.now() - t0;
    const syncs = slow.proxy.syncCount() - syncsBefore;
    // Syncs start at least MIN_SYNC_MS apart; one started before t0 may finish after it.
    expect(syncs).toBeLessThanOrEqual(Math.floor(elapsed / MIN_SYNC_MS) + 2);
    expect(syncs).toBeGreaterThanOrEqual(1);
  });
});
