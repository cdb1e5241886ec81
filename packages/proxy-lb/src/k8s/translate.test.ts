import { describe, expect, it } from 'vitest';
import { backendsFor, translateAll, translateService } from './translate.js';
import type { Endpoint, EndpointSlice, Service } from './types.js';

function service(spec: Partial<Service['spec']> = {}, annotations?: Record<string, string>): Service {
  return {
    metadata: { name: 'web', namespace: 'shop', annotations },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...spec },
  };
}

function ep(address: string, conditions: Endpoint['conditions'] = {}, nodeName = 'node-a'): Endpoint {
  return { addresses: [address], conditions, nodeName };
}

function slice(endpoints: Endpoint[], extra: Partial<EndpointSlice> = {}): EndpointSlice {
  return {
    metadata: { name: 'web-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints,
    ...extra,
  };
}

const opts = { nodeName: 'node-a' };

describe('Service + EndpointSlices to virtual services', () => {
  it('makes one virtual service per cluster IP and port, with ready endpoints as backends', () => {
    const t = translateService(service(), [slice([ep('10.1.0.1'), ep('10.1.0.2', { ready: true })])], opts);
    expect(t.specs).toEqual([
      {
        name: 'shop/web:http/cluster-ip/10.96.0.10',
        address: '10.96.0.10',
        port: 80,
        protocol: 'tcp',
        scheduler: 'rr',
        hashPort: false,
        backends: [
          { address: '10.1.0.1', port: 8080, weight: 1, draining: false },
          { address: '10.1.0.2', port: 8080, weight: 1, draining: false },
        ],
      },
    ]);
    expect(t.warnings).toEqual([]);
  });

  it.each([
    ['a ready endpoint', { ready: true }, [false]],
    ['an endpoint without conditions', {}, [false]],
    ['a terminating endpoint (draining)', { ready: false, serving: true, terminating: true }, [true]],
    ['a terminating endpoint that stopped serving (draining)', { ready: false, serving: false, terminating: true }, [true]],
    ['a not-ready endpoint (left out)', { ready: false }, []],
  ])('treats %s as expected', (_name, conditions, draining) => {
    const bs = backendsFor({ name: 'http', port: 80 }, [slice([ep('10.1.0.1', conditions)])], 'IPv4', false, 'node-a');
    expect(bs.map((b) => b.draining)).toEqual(draining);
  });

  it('leaves a cluster IP the node serves itself (the cluster DNS address) unproxied, and its other addresses proxied', () => {
    const svc = service({ type: 'NodePort', ports: [{ name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }] });
    const t = translateService(svc, [slice([ep('10.1.0.1')])], { ...opts, servedLocally: ['10.96.0.10'], nodePortAddresses: ['192.168.1.5'] });
    expect(t.specs.map((s) => s.name)).toEqual(['shop/web:dns/node-port/192.168.1.5']);
  });

  it('keeps only this node endpoints for cluster IPs under internalTrafficPolicy Local', () => {
    const t = translateService(service({ internalTrafficPolicy: 'Local' }), [slice([ep('10.1.0.1', {}, 'node-a'), ep('10.1.0.2', {}, 'node-b')])], opts);
    expect(t.specs[0].backends.map((b) => b.address)).toEqual(['10.1.0.1']);
  });

  it('keeps only local endpoints on node ports under externalTrafficPolicy Local, but all on the cluster IP', () => {
    const svc = service({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080 }] });
    const t = translateService(svc, [slice([ep('10.1.0.1', {}, 'node-a'), ep('10.1.0.2', {}, 'node-b')])], opts);
    const byKind = Object.fromEntries(t.specs.map((s) => [s.name.split('/')[2], s.backends.map((b) => b.address)]));
    expect(byKind).toEqual({ 'cluster-ip': ['10.1.0.1', '10.1.0.2'], 'node-port': ['10.1.0.1'] });
    expect(t.specs.find((s) => s.name.includes('node-port'))).toMatchObject({ address: '0.0.0.0', port: 30080 });
  });

  it('gives an externalTrafficPolicy Local node port no backend when no endpoint is local', () => {
    const svc = service({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080 }] });
    const s = { ...slice([ep('10.1.0.2', {}, 'node-b')]), ports: [{ port: 8080 }] };
    const t = translateService(svc, [s], opts);
    expect(t.specs.find((x) => x.name.includes('node-port'))?.backends).toEqual([]);
  });

  it('serves external IPs and load-balancer ingress IPs on the service port', () => {
    const svc: Service = { ...service({ type: 'LoadBalancer', externalIPs: ['192.0.2.7'], ports: [{ name: 'http', port: 80, nodePort: 30080 }] }), status: { loadBalancer: { ingress: [{ ip: '198.51.100.4' }, { hostname: 'lb.example' }] } } };
    const names = translateService(svc, [slice([ep('10.1.0.1')])], { ...opts, nodePortAddresses: ['0.0.0.0'] }).specs.map((s) => s.name);
    expect(names).toEqual([
      'shop/web:http/cluster-ip/10.96.0.10',
      'shop/web:http/external-ip/192.0.2.7',
      'shop/web:http/load-balancer/198.51.100.4',
      'shop/web:http/node-port/0.0.0.0',
    ]);
  });

  it.each([
    [{ 'skiff.dev/lb-scheduler': 'mh' }, 'mh', 0],
    [undefined, 'wlc', 0],
    [{ 'skiff.dev/lb-scheduler': 'fastest' }, 'wlc', 1],
  ])('picks the scheduler from annotations %j', (annotations, scheduler, warnings) => {
    const t = translateService(service({}, annotations), [], { ...opts, defaultScheduler: 'wlc' });
    expect(t.specs[0].scheduler).toBe(scheduler);
    expect(t.warnings.length).toBe(warnings);
  });

  it('turns ClientIP session affinity into an affinity timeout, 3 hours by default', () => {
    expect(translateService(service({ sessionAffinity: 'ClientIP' }), [], opts).specs[0].affinityTimeoutSeconds).toBe(10800);
    const custom = service({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } });
    expect(translateService(custom, [], opts).specs[0].affinityTimeoutSeconds).toBe(60);
    expect(translateService(service(), [], opts).specs[0].affinityTimeoutSeconds).toBeUndefined();
  });

  it('matches slice ports by name and protocol', () => {
    const svc = service({ ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] });
    const s = slice([ep('10.1.0.1')], { ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }, { name: 'dns-tcp', port: 5354, protocol: 'TCP' }] });
    const t = translateService(svc, [s], opts);
    expect(t.specs.map((x) => [x.protocol, x.backends[0].port])).toEqual([['udp', 5353], ['tcp', 5354]]);
  });

  it('pairs IPv6 cluster IPs with IPv6 slices in a dual-stack service', () => {
    const svc = service({ clusterIPs: ['10.96.0.10', 'fd00::10'] });
    const t = translateService(svc, [slice([ep('10.1.0.1')]), slice([ep('fd00:1::1')], { addressType: 'IPv6' })], opts);
    expect(t.specs.map((x) => [x.address, x.backends.map((b) => b.address)])).toEqual([
      ['10.96.0.10', ['10.1.0.1']],
      ['fd00::10', ['fd00:1::1']],
    ]);
  });

  it('prefers the ready copy of an endpoint listed in two slices', () => {
    const bs = backendsFor({ name: 'http', port: 80 }, [slice([ep('10.1.0.1', { terminating: true, ready: false })]), slice([ep('10.1.0.1')])], 'IPv4', false, 'n');
    expect(bs).toEqual([{ address: '10.1.0.1', port: 8080, weight: 1, draining: false }]);
  });

  it.each([
    ['headless services', service({ clusterIP: 'None' })],
    ['ExternalName services', service({ type: 'ExternalName', clusterIP: undefined })],
  ])('proxies nothing for %s', (_name, svc) => {
    expect(translateService(svc, [slice([ep('10.1.0.1')])], opts).specs).toEqual([]);
  });

  describe('topology hints', () => {
    const hinted = (address: string, zones: string[], nodes: string[] = [], conditions: Endpoint['conditions'] = {}): Endpoint => ({
      addresses: [address],
      conditions,
      nodeName: 'node-x',
      hints: { ...(zones.length ? { forZones: zones.map((name) => ({ name })) } : {}), ...(nodes.length ? { forNodes: nodes.map((name) => ({ name })) } : {}) },
    });
    const addresses = (endpoints: Endpoint[], zone: string | undefined, local = false) =>
      backendsFor({ name: 'http', port: 80 }, [slice(endpoints)], 'IPv4', local, 'node-a', zone).map((b) => b.address);

    it.each([
      ['keeps the endpoints hinted for this zone', [hinted('10.1.0.1', ['z1']), hinted('10.1.0.2', ['z2'])], 'z1', ['10.1.0.1']],
      ['ignores zone hints when one ready endpoint has none', [hinted('10.1.0.1', ['z1']), hinted('10.1.0.2', [])], 'z1', ['10.1.0.1', '10.1.0.2']],
      ['ignores zone hints when none names this zone', [hinted('10.1.0.1', ['z2']), hinted('10.1.0.2', ['z3'])], 'z1', ['10.1.0.1', '10.1.0.2']],
      ['ignores zone hints on a node without a zone', [hinted('10.1.0.1', ['z1']), hinted('10.1.0.2', ['z2'])], undefined, ['10.1.0.1', '10.1.0.2']],
      ['prefers node hints that name this node over zone hints', [hinted('10.1.0.1', ['z1'], ['node-b']), hinted('10.1.0.2', ['z1'], ['node-a'])], 'z1', ['10.1.0.2']],
      ['falls back to zone hints when no node hint names this node', [hinted('10.1.0.1', ['z1'], ['node-b']), hinted('10.1.0.2', ['z2'], ['node-c'])], 'z1', ['10.1.0.1']],
      [
        'judges hints by ready endpoints only, and drains terminating ones in scope',
        [hinted('10.1.0.1', ['z1']), hinted('10.1.0.2', [], [], { ready: false, terminating: true }), hinted('10.1.0.3', ['z1'], [], { ready: false, terminating: true })],
        'z1',
        ['10.1.0.1', '10.1.0.3'],
      ],
    ])('%s', (_name, endpoints, zone, expected) => {
      expect(addresses(endpoints, zone)).toEqual(expected);
    });

    it('leaves hints aside under a Local policy', () => {
      const endpoints = [{ ...hinted('10.1.0.1', ['z2']), nodeName: 'node-a' }, { ...hinted('10.1.0.2', ['z1']), nodeName: 'node-b' }];
      expect(addresses(endpoints, 'z1', true)).toEqual(['10.1.0.1']);
    });

    it('applies hints to cluster IPs and node ports alike under the Cluster policies', () => {
      const svc = service({ type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] });
      const t = translateService(svc, [slice([hinted('10.1.0.1', ['z1']), hinted('10.1.0.2', ['z2'])])], { ...opts, zone: 'z2' });
      expect(t.specs.map((s) => s.backends.map((b) => b.address))).toEqual([['10.1.0.2'], ['10.1.0.2']]);
    });
  });

  it('skips SCTP ports with a warning', () => {
    const t = translateService(service({ ports: [{ name: 'sig', port: 9, protocol: 'SCTP' }] }), [], opts);
    expect(t.specs).toEqual([]);
    expect(t.warnings).toEqual(['port sig: SCTP is not proxied']);
  });

  it('finds each service slices by the service-name label', () => {
    const other = { ...slice([ep('10.9.9.9')]), metadata: { name: 'x', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'db' } } };
    const t = translateAll([service()], [slice([ep('10.1.0.1')]), other], opts);
    expect(t.specs[0].backends.map((b) => b.address)).toEqual(['10.1.0.1']);
  });
});
