import type { ConfigMap, Deployment, KubeObject, Pod } from '@skiff/api';
import { waitFor } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/api-server.js';
import { ManualClock } from '../clock.js';
import { ApiError, ClientError, isConflict, isNotFound } from '../errors.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
  await tc.client.resource('v1/namespaces').create({ metadata: { name: 'rc' } });
});
afterAll(async () => tc?.close());

const pod = (name: string, labels: Record<string, string> = {}): Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'busybox' }] },
});

const cm = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}): ConfigMap => ({ metadata: { name, labels }, data });

describe('ResourceClient against a live API server', () => {
  it('creates, gets, updates and deletes an object', async () => {
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('rc');
    const created = await cms.create(cm('crud', { a: '1' }));
    expect(created.metadata?.uid).toBeTruthy();
    const got = await cms.get('crud');
    expect(got.data).toEqual({ a: '1' });
    const updated = await cms.update({ ...got, data: { a: '2' } });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(got.metadata?.resourceVersion));
    await cms.delete('crud');
    await expect(cms.get('crud')).rejects.toSatisfy(isNotFound);
  });

  it('uses the namespace of the object when the client has none', async () => {
    const created = await tc.client.resource<ConfigMap>('configmaps').create({ metadata: { name: 'ns-from-object', namespace: 'rc' } });
    expect(created.metadata?.namespace).toBe('rc');
  });

  it('answers a stale update with a typed Conflict carrying the Status', async () => {
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('rc');
    const v1 = await cms.create(cm('stale'));
    await cms.update({ ...v1, data: { x: 'y' } });
    const err = await cms.update({ ...v1, data: { x: 'z' } }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(isConflict(err)).toBe(true);
    expect(err.status.kind).toBe('Status');
  });

  it('reports validation failures with their causes', async () => {
    const deps = tc.client.resource<Deployment>('apps/v1/deployments').namespace('rc');
    const err = await deps
      .create({ metadata: { name: 'bad' }, spec: { replicas: -1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.reason).toBe('Invalid');
    expect(err.causes.some((c: { field?: string }) => c.field === 'spec.replicas')).toBe(true);
  });

  it('lists by label selector and field selector', async () => {
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('rc');
    await cms.create(cm('sel-a', {}, { tier: 'web' }));
    await cms.create(cm('sel-b', {}, { tier: 'db' }));
    const web = await cms.list({ labelSelector: 'tier=web' });
    expect(web.items.map((i) => i.metadata?.name)).toEqual(['sel-a']);
    const byName = await cms.list({ fieldSelector: 'metadata.name=sel-b' });
    expect(byName.items.map((i) => i.metadata?.name)).toEqual(['sel-b']);
  });

  it('pages a list with limit and continue, and listAll gathers every page', async () => {
    await tc.client.resource('v1/namespaces').create({ metadata: { name: 'paged' } });
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('paged');
    for (let i = 0; i < 7; i++) await cms.create(cm(`p-${i}`));
    const first = await cms.list({ limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.metadata.continue).toBeTruthy();
    const second = await cms.list({ limit: 3, continue: first.metadata.continue });
    expect(second.items.map((i) => i.metadata?.name)).not.toContain(first.items[0]!.metadata?.name);
    const all = await cms.listAll({ limit: 2 });
    expect(all.items.map((i) => i.metadata?.name).sort()).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6']);
    expect(all.metadata.continue).toBeUndefined();
  });

  it.each([
    { type: 'merge' as const, patch: { data: { k: 'merge' } }, want: { k: 'merge', keep: 'yes' } },
    { type: 'strategic' as const, patch: { data: { k: 'smp' } }, want: { k: 'smp', keep: 'yes' } },
    { type: 'json' as const, patch: [{ op: 'replace', path: '/data/k', value: 'json' }], want: { k: 'json', keep: 'yes' } },
  ])('applies a $type patch', async ({ type, patch, want }) => {
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('rc');
    const name = `patch-${type}`;
    await cms.create(cm(name, { k: 'v', keep: 'yes' }));
    const out = await cms.patch(name, patch, type);
    expect(out.data).toEqual(want);
  });

  it('server-side applies, creating the object when absent', async () => {
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('rc');
    const out = await cms.patch('applied', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { a: 'b' } }, 'apply', { fieldManager: 'test' });
    expect(out.data).toEqual({ a: 'b' });
    await expect(cms.patch('applied', {}, 'apply')).rejects.toBeInstanceOf(ClientError);
  });

  it('writes status only through updateStatus and patches status as a subresource', async () => {
    const deps = tc.client.resource<Deployment>('apps/v1/deployments').namespace('rc');
    const d = await deps.create({
      metadata: { name: 'st' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'st' } }, template: { metadata: { labels: { app: 'st' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    const withStatus = await deps.updateStatus({ ...d, spec: { ...d.spec!, replicas: 9 }, status: { replicas: 2, observedGeneration: 1 } });
    expect(withStatus.status?.replicas).toBe(2);
    expect(withStatus.spec?.replicas).toBe(2);
    const patched = await deps.patch('st', { status: { readyReplicas: 1 } }, 'merge', { subresource: 'status' });
    expect(patched.status?.readyReplicas).toBe(1);
  });

  it('reads and sets replicas through the scale subresource', async () => {
    const deps = tc.client.resource<Deployment>('apps/v1/deployments').namespace('rc');
    await deps.create({
      metadata: { name: 'sc' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'sc' } }, template: { metadata: { labels: { app: 'sc' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    expect((await deps.getScale('sc')).spec?.replicas).toBe(1);
    const s = await deps.scale('sc', 4);
    expect(s.spec?.replicas).toBe(4);
    expect((await deps.get('sc')).spec?.replicas).toBe(4);
  });

  it('binds a pod to a node and evicts it', async () => {
    const pods = tc.client.resource<Pod>('v1/pods').namespace('rc');
    await pods.create(pod('bound'));
    await pods.bind('bound', 'node-1');
    const p = await pods.get('bound');
    expect(p.spec?.nodeName).toBe('node-1');
    await expect(pods.bind('bound', 'node-2')).rejects.toSatisfy(isConflict);
    await pods.evict('bound', { gracePeriodSeconds: 0 });
    await expect(pods.get('bound')).rejects.toSatisfy(isNotFound);
  });

  it('deletes with options: a uid precondition that does not match is a conflict', async () => {
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('rc');
    await cms.create(cm('precond'));
    await expect(cms.delete('precond', { preconditions: { uid: 'not-the-uid' } })).rejects.toSatisfy(isConflict);
    const orphaned = (await cms.delete('precond', { propagationPolicy: 'Orphan' })) as KubeObject;
    expect(orphaned.metadata.finalizers ?? []).toContain('orphan');
  });

  it('deletes a collection by label selector', async () => {
    await tc.client.resource('v1/namespaces').create({ metadata: { name: 'dc' } });
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('dc');
    for (let i = 0; i < 4; i++) await cms.create(cm(`dc-${i}`, {}, { gone: i < 3 ? 'yes' : 'no' }));
    await cms.deleteCollection({ labelSelector: 'gone=yes' });
    expect((await cms.list()).items.map((i) => i.metadata?.name)).toEqual(['dc-3']);
  });

  it('lists every namespace when the client has none', async () => {
    const all = await tc.client.resource<ConfigMap>('v1/configmaps').list();
    const namespaces = new Set(all.items.map((i) => i.metadata?.namespace));
    expect(namespaces.has('rc')).toBe(true);
    expect(namespaces.has('paged')).toBe(true);
  });

  it('refuses a namespaced get without a namespace and unknown resources', async () => {
    expect(() => tc.client.resource('v1/nosuchthings')).toThrow(ClientError);
    await expect(tc.client.resource('v1/pods').get('x')).rejects.toBeInstanceOf(ClientError);
  });

  it('fails with a Transport error when nothing listens', async () => {
    const dead = tc.newClient({ server: 'http://127.0.0.1:1' });
    const err = await dead.resource('v1/namespaces').list().catch((e) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err.code).toBe('Transport');
  });

  it('watches changes after a resourceVersion as a stream of events', async () => {
    await tc.client.resource('v1/namespaces').create({ metadata: { name: 'w' } });
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('w');
    const list = await cms.list();
    const stream = await cms.watch({ resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: false });
    const a = await cms.create(cm('w-1'));
    await cms.update({ ...a, data: { v: '2' } });
    await cms.delete('w-1');
    const seen: string[] = [];
    for await (const ev of stream) {
      seen.push(`${ev.type} ${ev.type === 'ERROR' ? ev.object.code : ev.object.metadata?.name}`);
      if (seen.length === 3) break;
    }
    stream.close();
    expect(seen).toEqual(['ADDED w-1', 'MODIFIED w-1', 'DELETED w-1']);
  });

  it('holds requests to the client QPS once the burst is spent', async () => {
    const clock = new ManualClock();
    const slow = tc.newClient({ qps: 20, burst: 2, clock });
    let done = 0;
    const all = Array.from({ length: 6 }, () => slow.resource('v1/namespaces').get('rc').then(() => done++));
    await waitFor('the burst of two', () => done === 2);
    // The clock has not moved, so no further token exists: the other four are still held.
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(2);
    clock.advance(50);
    await waitFor('one more token', () => done === 3);
    clock.advance(150);
    await Promise.all(all);
    expect(done).toBe(6);
  });
});
