import type { KubeObject } from '@skiff/api';
import { createStore, type Store } from '@skiff/store-wasm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServiceAllocator } from './service-allocator.js';

let store: Store;
let alloc: ServiceAllocator;

const svc = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { name, namespace: 'default' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }], ...spec } });

beforeEach(async () => {
  store = await createStore({ engine: 'ts' });
  // A /28 leaves 14 usable addresses, and four node ports: small enough to run out.
  alloc = new ServiceAllocator(store, { serviceCidr: '10.96.0.0/28', nodePortRange: [30000, 30003] });
});

afterEach(async () => {
  await store.close();
});

describe('service allocation', () => {
  it('hands out distinct addresses to concurrent creates until the range is full', async () => {
    const services = Array.from({ length: 14 }, (_, i) => svc(`s${i}`));
    await Promise.all(services.map((s) => alloc.allocate(s, undefined, false)));
    const ips = services.map((s) => s.spec.clusterIP);
    expect(new Set(ips).size).toBe(14);
    expect(ips.every((ip) => /^10\.96\.0\.([1-9]|1[0-4])$/.test(ip))).toBe(true);
    await expect(alloc.allocate(svc('one-too-many'), undefined, false)).rejects.toThrow(/range is full/);
  });

  it('refuses an address already taken, or outside the range, with 422', async () => {
    await alloc.allocate(svc('a', { clusterIP: '10.96.0.5' }), undefined, false);
    await expect(alloc.allocate(svc('b', { clusterIP: '10.96.0.5' }), undefined, false)).rejects.toMatchObject({ code: 422 });
    await expect(alloc.allocate(svc('c', { clusterIP: '10.97.0.5' }), undefined, false)).rejects.toMatchObject({ code: 422 });
  });

  it('gives node ports to NodePort services and takes them back on release', async () => {
    const s = svc('np', { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] });
    await alloc.allocate(s, undefined, false);
    const ports = s.spec.ports.map((p: any) => p.nodePort);
    expect(new Set(ports).size).toBe(2);
    expect(ports.every((p: number) => p >= 30000 && p <= 30003)).toBe(true);
    await alloc.release(s);
    expect((await alloc.ports.takenSet()).size).toBe(0);
    expect((await alloc.ips.takenSet()).size).toBe(0);
  });

  it('undoes what it took when a later step fails', async () => {
    await alloc.allocate(svc('holder', { type: 'NodePort', ports: [{ port: 1, nodePort: 30000 }] }), undefined, false);
    const clash = svc('clash', { type: 'NodePort', ports: [{ port: 80, nodePort: 30000 }] });
    await expect(alloc.allocate(clash, undefined, false)).rejects.toMatchObject({ code: 422 });
    expect((await alloc.ips.takenSet()).size).toBe(1);
  });
});
