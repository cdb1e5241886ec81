// The service proxy against a live API server on loopback: Services and EndpointSlices written through the API,
// backends on loopback, connections through the cluster IP (a loopback address here), the node port and the
// load-balancer ingress. Every wait is a bounded poll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reach, reachesExactly, trackedBackends } from '../../test-util/backend-reach.js';
import { exchange, openGreeted, udpBackend, udpClient } from '../../test-util/net-fixtures.js';
import { freeTestPort, serviceObject, sliceObject, startProxyBed, until, type ProxyBed } from '../../test-util/service-fixtures.js';

let bed: ProxyBed;
const { backend, track, closeAll } = trackedBackends();

beforeAll(async () => {
  bed = await startProxyBed({ defaultScheduler: 'rr' });
});

afterAll(async () => {
  await bed?.close();
  await closeAll();
});

describe('the service proxy serving Services from a live API server', () => {
  it('serves a ClusterIP Service and follows its endpoints as they scale up and down, keeping established connections', async () => {
    const [a, b, c] = [await backend('a'), await backend('b'), await backend('c')];
    const svcPort = await freeTestPort();
    await bed.api.services().create(serviceObject('scale', [{ name: 'http', port: svcPort }]));
    const ip = await bed.clusterIP('scale');
    await bed.api.slices().create(sliceObject('scale', 'scale-a', a.port, [{}], 'http'));
    await reachesExactly(ip, svcPort, ['a']);

    await bed.api.slices().create(sliceObject('scale', 'scale-b', b.port, [{}], 'http'));
    await bed.api.slices().create(sliceObject('scale', 'scale-c', c.port, [{}], 'http'));
    await reachesExactly(ip, svcPort, ['a', 'b', 'c']);
    // Round robin, once the rules are settled: three backends share twelve connections evenly.
    const three = await reach(ip, svcPort, 12);
    expect(['a', 'b', 'c'].map((x) => three.filter((y) => y === x).length)).toEqual([4, 4, 4]);

    const held = await until(async () => {
      const g = await openGreeted(svcPort, ip);
      if (g.name === 'a') return g;
      g.socket.destroy();
      return undefined;
    }, 10_000, 'a connection to backend a');
    await bed.api.slices().delete('scale-a');
    await reachesExactly(ip, svcPort, ['b', 'c']);
    const echoed = new Promise<string>((resolve) => held.socket.once('data', (d: Buffer) => resolve(d.toString())));
    held.socket.write('still here');
    expect(await echoed).toBe('still here');
    held.socket.destroy();
  });

  it('serves NodePorts over TCP and UDP on the node addresses and loopback', async () => {
    const t = await backend('tcp-1');
    const u = await udpBackend('udp-1');
    track(u);
    const [tcpPort, udpPort] = [await freeTestPort(), await freeTestPort()];
    const svcPort = await freeTestPort();
    await bed.api.services().create(
      serviceObject('np', [{ name: 'tcp', port: svcPort, nodePort: tcpPort }, { name: 'udp', port: svcPort, protocol: 'UDP', nodePort: udpPort }], { spec: { type: 'NodePort' } }),
    );
    await bed.api.slices().create(sliceObject('np', 'np-tcp', t.port, [{}], 'tcp'));
    await bed.api.slices().create(sliceObject('np', 'np-udp', u.port, [{}], 'udp', 'UDP'));
    await reachesExactly(bed.nodeAddress, tcpPort, ['tcp-1']);
    await reachesExactly('127.0.0.1', tcpPort, ['tcp-1']);
    await reachesExactly(await bed.clusterIP('np'), svcPort, ['tcp-1']);
    const client = await udpClient();
    try {
      const reply = await until(() => client.ask(udpPort, 'hello', 500, bed.nodeAddress).catch(() => undefined), 10_000, 'a UDP reply through the node port');
      expect(reply.text).toBe('udp-1:hello');
    } finally {
      client.close();
    }
  });

  it('resets connections at once when a Service has no ready endpoint', async () => {
    const port = await freeTestPort();
    await bed.api.services().create(serviceObject('empty', [{ name: 'http', port }]));
    await bed.api.slices().create(sliceObject('empty', 'empty-1', 9, [{ ready: false }], 'http'));
    const ip = await bed.clusterIP('empty');
    await until(async () => (bed.served('empty').length ? true : undefined), 10_000, 'the listener of default/empty');
    const r = await exchange(port, 'x', ip);
    expect(r).toEqual({ data: '', ending: 'ECONNRESET' });
    expect(bed.proxy.metrics.rejected.get({ reason: 'no-backend' })).toBeGreaterThan(0);
  });

  it('drains a terminating endpoint: its connections go on, new ones go elsewhere', async () => {
    const [a, b] = [await backend('drain-a'), await backend('drain-b')];
    const svcPort = await freeTestPort();
    await bed.api.services().create(serviceObject('drain', [{ name: 'http', port: svcPort }]));
    const ip = await bed.clusterIP('drain');
    await bed.api.slices().create(sliceObject('drain', 'drain-a', a.port, [{}], 'http'));
    await bed.api.slices().create(sliceObject('drain', 'drain-b', b.port, [{}], 'http'));
    await reachesExactly(ip, svcPort, ['drain-a', 'drain-b']);
    const held = await until(async () => {
      const g = await openGreeted(svcPort, ip);
      if (g.name === 'drain-a') return g;
      g.socket.destroy();
      return undefined;
    }, 10_000, 'a connection to drain-a');

    const slice = await bed.api.slices().get('drain-a');
    slice.endpoints[0]!.conditions = { ready: false, serving: true, terminating: true };
    await bed.api.slices().update(slice);
    await until(
      async () => (bed.proxy.proxy.status().find((s) => s.name.startsWith('default/drain:'))?.backends.find((x) => x.port === a.port)?.draining ? true : undefined),
      10_000,
      'drain-a to be draining',
    );
    expect(new Set(await reach(ip, svcPort, 10))).toEqual(new Set(['drain-b']));
    const echoed = new Promise<string>((resolve) => held.socket.once('data', (d: Buffer) => resolve(d.toString())));
    held.socket.write('draining');
    expect(await echoed).toBe('draining');
    held.socket.destroy();
  });

  it('picks the scheduler from the skiff.dev/lb-scheduler annotation, the configured default otherwise', async () => {
    const bs = [await backend('s1'), await backend('s2'), await backend('s3')];
    const svcPort = await freeTestPort();
    await bed.api.services().create(serviceObject('sched', [{ name: 'http', port: svcPort }]));
    const ip = await bed.clusterIP('sched');
    for (const [i, b] of bs.entries()) await bed.api.slices().create(sliceObject('sched', `sched-${i}`, b.port, [{}], 'http'));
    await reachesExactly(ip, svcPort, ['s1', 's2', 's3']);
    const schedulerOf = () => bed.proxy.proxy.status().find((s) => s.name.startsWith('default/sched:'))?.scheduler;
    expect(schedulerOf()).toBe('rr');

    // Source hashing sends one client address (all of these come from 127.0.0.1) to one backend.
    await bed.api.services().patch('sched', { metadata: { annotations: { 'skiff.dev/lb-scheduler': 'sh' } } }, 'merge');
    await until(async () => (schedulerOf() === 'sh' ? true : undefined), 10_000, 'the scheduler to become sh');
    expect(new Set(await reach(ip, svcPort, 12)).size).toBe(1);
  });

  it('keeps a client on one backend under ClientIP session affinity', async () => {
    const bs = [await backend('aff-1'), await backend('aff-2')];
    const svcPort = await freeTestPort();
    await bed.api.services().create(
      serviceObject('affinity', [{ name: 'http', port: svcPort }], { spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } } }),
    );
    const ip = await bed.clusterIP('affinity');
    for (const [i, b] of bs.entries()) await bed.api.slices().create(sliceObject('affinity', `affinity-${i}`, b.port, [{}], 'http'));
    await until(
      async () => (bed.proxy.proxy.status().find((s) => s.name.startsWith('default/affinity:'))?.backends.length === 2 ? true : undefined),
      10_000,
      'both backends in the rules',
    );
    expect(new Set(await reach(ip, svcPort, 10)).size).toBe(1);
  });

  it('ignores ExternalName Services and gives headless Services no listener', async () => {
    const b = await backend('h');
    await bed.api.services().create(serviceObject('ext', [], { spec: { type: 'ExternalName', externalName: 'example.org' } }));
    const headlessPort = await freeTestPort();
    await bed.api.services().create(serviceObject('headless', [{ name: 'http', port: headlessPort }], { spec: { clusterIP: 'None' } }));
    await bed.api.slices().create(sliceObject('headless', 'headless-1', b.port, [{}], 'http'));
    // A Service created after them is served once the proxy has seen them too.
    const canaryPort = await freeTestPort();
    await bed.api.services().create(serviceObject('canary', [{ name: 'http', port: canaryPort }]));
    await until(async () => (bed.served('canary').length ? true : undefined), 10_000, 'the canary Service');
    expect([...bed.served('ext'), ...bed.served('headless')]).toEqual([]);
  });
});
