import dgram from 'node:dgram';
import { promises as dnsPromises } from 'node:dns';
import type { EndpointSlice, Service } from '@skiff/api';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterView } from './cluster-records.js';
import { ClusterDnsServer } from './dns-server.js';

const log = pino({ level: 'silent' });
const servers: ClusterDnsServer[] = [];
const sockets: dgram.Socket[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const s of sockets.splice(0)) s.close();
});

function svc(ns: string, name: string, spec: Service['spec']): Service {
  return { metadata: { namespace: ns, name }, spec } as Service;
}

function slice(ns: string, svcName: string, endpoints: { ip: string; ready?: boolean; hostname?: string }[], ports = [{ name: 'http', port: 8080, protocol: 'TCP' }]): EndpointSlice {
  return {
    metadata: { namespace: ns, name: `${svcName}-x`, labels: { 'kubernetes.io/service-name': svcName } },
    addressType: 'IPv4',
    ports,
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, ...(e.hostname ? { hostname: e.hostname } : {}) })),
  } as EndpointSlice;
}

function viewOf(services: Service[], slices: EndpointSlice[]): ClusterView {
  return {
    service: (ns, name) => services.find((s) => s.metadata!.namespace === ns && s.metadata!.name === name),
    slices: (ns, name) => slices.filter((s) => s.metadata!.namespace === ns && s.metadata!.labels!['kubernetes.io/service-name'] === name),
  };
}

const many = Array.from({ length: 100 }, (_, i) => ({ ip: `10.244.3.${i + 1}` }));
const cluster = viewOf(
  [
    svc('default', 'web', { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
    svc('default', 'db', { clusterIP: 'None', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }),
    svc('default', 'big', { clusterIP: 'None', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }),
    svc('other', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
    svc('other', 'toolong', { type: 'ExternalName', externalName: `${'x'.repeat(70)}.example.com` }),
  ],
  [
    slice('default', 'db', [{ ip: '10.244.1.5', hostname: 'db-0' }, { ip: '10.244.2.7' }, { ip: '10.244.2.9', ready: false }]),
    slice('default', 'big', many),
  ],
);

async function start(view: ClusterView, extra: Partial<Parameters<typeof ClusterDnsServer.start>[0]> = {}): Promise<ClusterDnsServer> {
  const s = await ClusterDnsServer.start({ address: '127.0.0.1', port: 0, view, upstreams: [], log, ...extra });
  servers.push(s);
  return s;
}

/** The real resolver Node ships (c-ares), pointed at the server. */
function resolverFor(s: ClusterDnsServer): dnsPromises.Resolver {
  const r = new dnsPromises.Resolver({ timeout: 4000, tries: 2 });
  r.setServers([`127.0.0.1:${s.port}`]);
  return r;
}

describe('cluster DNS, asked by c-ares', () => {
  it('answers a service with its cluster IP and its named ports with SRV records', async () => {
    const r = resolverFor(await start(cluster));
    expect(await r.resolve4('web.default.svc.cluster.local')).toEqual(['10.96.0.20']);
    expect(await r.resolve4('WEB.Default.svc.cluster.local')).toEqual(['10.96.0.20']);
    expect(await r.resolveSrv('_http._tcp.web.default.svc.cluster.local')).toEqual([{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
    expect(await r.resolveSrv('_dns._udp.web.default.svc.cluster.local')).toEqual([{ name: 'web.default.svc.cluster.local', port: 53, priority: 0, weight: 100 }]);
  });

  it('answers a headless service with its ready endpoints, each also by hostname or dashed address', async () => {
    const r = resolverFor(await start(cluster));
    expect((await r.resolve4('db.default.svc.cluster.local')).sort()).toEqual(['10.244.1.5', '10.244.2.7']);
    expect(await r.resolve4('db-0.db.default.svc.cluster.local')).toEqual(['10.244.1.5']);
    expect(await r.resolve4('10-244-2-7.db.default.svc.cluster.local')).toEqual(['10.244.2.7']);
    const srv = await r.resolveSrv('_http._tcp.db.default.svc.cluster.local');
    expect(srv.map((s) => `${s.name}:${s.port}`).sort()).toEqual(['10-244-2-7.db.default.svc.cluster.local:8080', 'db-0.db.default.svc.cluster.local:8080']);
    // not ready: not published
    await expect(r.resolve4('10-244-2-9.db.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('answers pod names, ExternalName services with a CNAME, and says which names do not exist', async () => {
    const r = resolverFor(await start(cluster));
    expect(await r.resolve4('10-244-1-5.default.pod.cluster.local')).toEqual(['10.244.1.5']);
    expect(await r.resolveCname('ext.other.svc.cluster.local')).toEqual(['example.com']);
    await expect(r.resolve4('nope.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(r.resolve4('web.nope.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(r.resolve4('something.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    // the name exists, with no IPv6 address: NODATA, not NXDOMAIN
    await expect(r.resolve6('web.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(r.resolve4('default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('truncates a UDP answer that does not fit, and serves the whole of it over TCP', async () => {
    const r = resolverFor(await start(cluster));
    const all = await r.resolve4('big.default.svc.cluster.local');
    expect(all).toHaveLength(100);
    expect(new Set(all)).toEqual(new Set(many.map((e) => e.ip)));
  });

  it('forwards names outside the zone to its upstream, and answers SERVFAIL when the upstream is silent', async () => {
    const upstream = await start(viewOf([svc('default', 'far', { clusterIP: '10.1.2.3', clusterIPs: ['10.1.2.3'] })], []), { zone: 'upstream.test' });
    const local = await start(cluster, { upstreams: [{ address: '127.0.0.1', port: upstream.port }] });
    expect(await resolverFor(local).resolve4('far.default.svc.upstream.test')).toEqual(['10.1.2.3']);
    expect(local.queries.forwarded).toBeGreaterThan(0);

    const silent = dgram.createSocket('udp4');
    sockets.push(silent);
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const stuck = await start(cluster, { upstreams: [{ address: '127.0.0.1', port: silent.address().port }], forwardTimeoutMs: 150 });
    await expect(resolverFor(stuck).resolve4('example.org')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    expect(stuck.queries.failed).toBeGreaterThan(0);
  });
});

describe('cluster DNS, sent bad messages', () => {
  async function exchange(port: number, msg: Buffer): Promise<Buffer | undefined> {
    const s = dgram.createSocket('udp4');
    sockets.push(s);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(undefined), 300);
      s.on('message', (m) => {
        clearTimeout(t);
        resolve(m);
      });
      s.send(msg, port, '127.0.0.1');
    });
  }

  it('sets TC and sends no records when the UDP answer exceeds 512 bytes for a client without EDNS0', async () => {
    const server = await start(cluster);
    const name = Buffer.concat([...'big.default.svc.cluster.local'.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
    const query = Buffer.concat([Buffer.from([0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]), name, Buffer.from([0x00, 0x01, 0x00, 0x01])]);
    const res = (await exchange(server.port, query))!;
    expect(res.readUInt16BE(0)).toBe(0xabcd);
    expect(res.readUInt16BE(2) & 0x0200).toBe(0x0200);
    expect(res.readUInt16BE(6)).toBe(0);
    expect(res.length).toBeLessThanOrEqual(512);
  });

  it('answers FORMERR to a readable header with a bad question, ignores what has no header, and keeps serving', async () => {
    const server = await start(cluster);
    const twoQuestions = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0, 0]);
    const res = await exchange(server.port, twoQuestions);
    expect(res!.readUInt16BE(0)).toBe(0x1234);
    expect(res!.readUInt16BE(2) & 0x8000).toBe(0x8000);
    expect(res!.readUInt16BE(2) & 0xf).toBe(1);
    expect(await exchange(server.port, Buffer.from([1, 2, 3]))).toBeUndefined();
    // a name whose compression pointer points at itself
    const loop = Buffer.from([0x00, 0x07, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01]);
    expect((await exchange(server.port, loop))!.readUInt16BE(2) & 0xf).toBe(1);
    expect(await resolverFor(server).resolve4('web.default.svc.cluster.local')).toEqual(['10.96.0.20']);
  });

  it('answers SERVFAIL for a record the wire format cannot carry, and keeps serving', async () => {
    const r = resolverFor(await start(cluster));
    await expect(r.resolveCname('toolong.other.svc.cluster.local')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    expect(await r.resolve4('web.default.svc.cluster.local')).toEqual(['10.96.0.20']);
  });
});
