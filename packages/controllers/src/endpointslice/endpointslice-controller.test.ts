import type { EndpointSlice, Endpoints, Pod, Service } from '@skiff/api';
import { kubectlFor, waitFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import { pod } from '../../test-util/objects.js';

let tc: TestCluster;
let kubectl: Kubectl;
beforeAll(async () => {
  tc = await startTestCluster({ nodes: { nodes: ['node-1', 'node-2'], concurrency: 32 } });
  kubectl = kubectlFor(tc.server.url);
});
afterAll(async () => {
  kubectl?.cleanup();
  await tc?.close();
});

const services = (ns: string) => tc.client.resource<Service>('v1/services').namespace(ns);
const pods = (ns: string) => tc.client.resource<Pod>('v1/pods').namespace(ns);
const slicesOf = async (ns: string, svc: string) =>
  (await tc.client.resource<EndpointSlice>('discovery.k8s.io/v1/endpointslices').namespace(ns).list({ labelSelector: `kubernetes.io/service-name=${svc}` })).items;

function webPod(name: string, port: number, extra: Partial<NonNullable<Pod['metadata']>> = {}): Pod {
  const p = pod(name, { app: 'web' });
  p.spec!.containers[0]!.ports = [{ name: 'http', containerPort: port }];
  p.metadata = { ...p.metadata, ...extra };
  return p;
}

function service(name: string, extra: Partial<NonNullable<Service['spec']>> = {}): Service {
  return { metadata: { name }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 9090 }], ...extra } };
}

describe('EndpointSlice and Endpoints controllers', () => {
  it('lists ready pods with named ports resolved per pod, in slices grouped by port set, and in Endpoints', async () => {
    const ns = await tc.namespace('eps-ports');
    await pods(ns).create(webPod('a', 8080));
    await pods(ns).create(webPod('b', 8080));
    await pods(ns).create(webPod('c', 9000));
    const svc = await services(ns).create(service('web'));
    const slices = await waitFor('two slices with three ready endpoints', async () => {
      const s = await slicesOf(ns, 'web');
      const eps = s.flatMap((x) => x.endpoints ?? []);
      const ports = s.map((x) => x.ports?.find((p) => p.name === 'http')?.port).sort();
      return s.length === 2 && eps.length === 3 && eps.every((e) => e.conditions?.ready) && ports[0] === 8080 && ports[1] === 9000 ? s : undefined;
    });
    const byPort: Record<number, EndpointSlice> = Object.fromEntries(slices.map((s) => [s.ports!.find((p) => p.name === 'http')!.port, s]));
    expect(byPort[8080]!.endpoints!.map((e) => e.targetRef?.name)).toEqual(['a', 'b']);
    expect(byPort[9000]!.endpoints!.map((e) => e.targetRef?.name)).toEqual(['c']);
    for (const s of slices) {
      expect(s.metadata?.labels?.['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
      expect(s.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'web', uid: svc.metadata?.uid, controller: true });
      expect(s.ports?.find((p) => p.name === 'metrics')?.port).toBe(9090);
      for (const e of s.endpoints ?? []) expect(e.nodeName).toMatch(/^node-[12]$/);
    }
    const ep = await waitFor('Endpoints with two subsets', async () => {
      const e = await tc.client.resource<Endpoints>('v1/endpoints').namespace(ns).get('web');
      return e.subsets?.length === 2 ? e : undefined;
    });
    expect(ep.subsets!.flatMap((s) => s.addresses ?? []).map((a) => a.targetRef?.name).sort()).toEqual(['a', 'b', 'c']);
    const described = await kubectl.ok(['get', 'endpoints', 'web', '-n', ns]);
    expect(described).toMatch(/:8080/);
  });

  it('marks not-ready and terminating pods with the right conditions, and drops them from Endpoints addresses', async () => {
    const ns = await tc.namespace('eps-conditions');
    const saved = tc.nodes.behaviour;
    tc.nodes.behaviour = (p) => (p.metadata?.namespace === ns && p.metadata.name === 'sick' ? 'not-ready' : saved(p));
    try {
      await pods(ns).create(webPod('healthy', 8080));
      await pods(ns).create(webPod('sick', 8080));
      await pods(ns).create(webPod('leaving', 8080, { finalizers: ['example.com/hold'] }));
      await services(ns).create(service('web'));
      await waitFor('three endpoints', async () => (await slicesOf(ns, 'web')).flatMap((s) => s.endpoints ?? []).length === 3);
      await waitFor('leaving to be ready first', async () => (await slicesOf(ns, 'web')).flatMap((s) => s.endpoints ?? []).find((e) => e.targetRef?.name === 'leaving')?.conditions?.ready === true);
      // The finalizer keeps the pod terminating after the kubelet's grace-0 delete.
      await pods(ns).delete('leaving');
      const eps = await waitFor('the terminating condition', async () => {
        const all = (await slicesOf(ns, 'web')).flatMap((s) => s.endpoints ?? []);
        const leaving = all.find((e) => e.targetRef?.name === 'leaving');
        return leaving?.conditions?.terminating ? all : undefined;
      });
      const cond = Object.fromEntries(eps.map((e) => [e.targetRef!.name!, e.conditions]));
      expect(cond.healthy).toEqual({ ready: true, serving: true, terminating: false });
      expect(cond.sick).toEqual({ ready: false, serving: false, terminating: false });
      expect(cond.leaving).toEqual({ ready: false, serving: true, terminating: true });
      const ep = await waitFor('Endpoints without the terminating pod', async () => {
        const e = await tc.client.resource<Endpoints>('v1/endpoints').namespace(ns).get('web');
        const names = (e.subsets ?? []).flatMap((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])]).map((a) => a.targetRef?.name);
        return names.includes('leaving') ? undefined : e;
      });
      expect(ep.subsets![0]!.addresses!.map((a) => a.targetRef?.name)).toEqual(['healthy']);
      expect(ep.subsets![0]!.notReadyAddresses!.map((a) => a.targetRef?.name)).toEqual(['sick']);
      await pods(ns).patch('leaving', { metadata: { finalizers: null } }, 'merge');
    } finally {
      tc.nodes.behaviour = saved;
    }
  });

  it('splits more than 100 endpoints over several slices, and keeps one empty slice when no pod matches', async () => {
    const ns = await tc.namespace('eps-many');
    await services(ns).create(service('web', { ports: [{ name: 'http', port: 80, targetPort: 8080 }] }));
    const empty = await waitFor('the placeholder slice', async () => {
      const s = await slicesOf(ns, 'web');
      return s.length === 1 ? s[0] : undefined;
    });
    expect(empty!.endpoints ?? []).toEqual([]);
    await Promise.all(Array.from({ length: 130 }, (_, i) => pods(ns).create(webPod(`p-${String(i).padStart(3, '0')}`, 8080))));
    const slices = await waitFor('130 endpoints in two slices', async () => {
      const s = await slicesOf(ns, 'web');
      return s.flatMap((x) => x.endpoints ?? []).length === 130 ? s : undefined;
    }, { timeoutMs: 30_000 });
    expect(slices.map((s) => s.endpoints!.length).sort((a, b) => a - b)).toEqual([30, 100]);
  });

  it('gives an endpoint the pod hostname only when the pod subdomain is the Service name', async () => {
    const ns = await tc.namespace('eps-hostname');
    const named = (name: string, spec: Partial<NonNullable<Pod['spec']>>) => {
      const p = webPod(name, 8080);
      p.spec = { ...p.spec!, ...spec };
      return p;
    };
    await pods(ns).create(named('db-0', { hostname: 'db-0', subdomain: 'web' }));
    await pods(ns).create(named('elsewhere', { hostname: 'elsewhere', subdomain: 'other' }));
    await pods(ns).create(named('nosub', { hostname: 'nosub' }));
    await pods(ns).create(named('nohost', { subdomain: 'web' }));
    await services(ns).create(service('web', { clusterIP: 'None' }));
    const eps = await waitFor('four endpoints', async () => {
      const all = (await slicesOf(ns, 'web')).flatMap((s) => s.endpoints ?? []);
      return all.length === 4 ? all : undefined;
    });
    const hostnames = Object.fromEntries(eps.map((e) => [e.targetRef!.name!, e.hostname]));
    expect(hostnames).toEqual({ 'db-0': 'db-0', elsewhere: undefined, nosub: undefined, nohost: undefined });
    const ep = await waitFor('Endpoints with four addresses', async () => {
      const e = await tc.client.resource<Endpoints>('v1/endpoints').namespace(ns).get('web').catch(() => undefined);
      return e?.subsets?.flatMap((s) => s.addresses ?? []).length === 4 ? e : undefined;
    });
    const addresses = ep.subsets!.flatMap((s) => s.addresses ?? []);
    expect(Object.fromEntries(addresses.map((a) => [a.targetRef!.name!, a.hostname]))).toEqual({ 'db-0': 'db-0', elsewhere: undefined, nosub: undefined, nohost: undefined });
  });

  it('removes the Endpoints of a deleted Service, and the garbage collector its slices', async () => {
    const ns = await tc.namespace('eps-delete');
    await pods(ns).create(webPod('a', 8080));
    await services(ns).create(service('web'));
    await waitFor('an endpoint', async () => (await slicesOf(ns, 'web')).some((s) => (s.endpoints ?? []).length === 1));
    await services(ns).delete('web');
    await waitFor('slices and Endpoints gone', async () => {
      const eps = (await tc.client.resource('v1/endpoints').namespace(ns).list()).items;
      return (await slicesOf(ns, 'web')).length === 0 && eps.length === 0;
    });
  });
});
