import type { ConfigMap, Pod } from '@skiff/api';
import { waitFor } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/api-server.js';
import { startCuttableProxy } from '../../test-util/cuttable-proxy.js';
import { Client } from '../rest/client.js';
import { InformerFactory } from './informer-factory.js';
import { NODE_NAME_INDEX, NAMESPACE_INDEX, OWNER_UID_INDEX } from './indexer.js';
import { SharedInformer } from './shared-informer.js';

// A small watch cache, so that a client cut off for a few dozen changes must relist.
let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ watchCacheSize: 20, bookmarkIntervalMs: 100 });
  for (const ns of ['inf', 'inf-b', 'resume', 'expire', 'bookmark', 'late', 'idx', 'mf']) await tc.client.resource('v1/namespaces').create({ metadata: { name: ns } });
});
afterAll(async () => tc?.close());

const cm = (name: string, labels: Record<string, string> = {}): ConfigMap => ({ metadata: { name, labels }, data: {} });

function recorder<T extends { metadata?: { name?: string } }>() {
  const events: string[] = [];
  return {
    events,
    handler: {
      onAdd: (o: T) => events.push(`add ${o.metadata?.name}`),
      onUpdate: (a: T, b: T) => events.push(`update ${b.metadata?.name}${a === b ? ' (resync)' : ''}`),
      onDelete: (o: T) => events.push(`delete ${o.metadata?.name}`),
    },
  };
}

describe('SharedInformer against a live API server', () => {
  it('lists, syncs, then follows adds, updates and deletes', async () => {
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('inf');
    await cms.create(cm('before'));
    const inf = new SharedInformer(cms);
    const r = recorder<ConfigMap>();
    inf.addEventHandler(r.handler);
    inf.start();
    await inf.waitForSync(10_000);
    expect(inf.hasSynced()).toBe(true);
    expect(r.events).toEqual(['add before']);
    const after = await cms.create(cm('after'));
    await cms.update({ ...after, data: { x: '1' } });
    await cms.delete('before');
    await waitFor('the three changes', () => r.events.length === 4);
    expect(r.events).toEqual(['add before', 'add after', 'update after', 'delete before']);
    expect(inf.indexer.keys()).toEqual(['inf/after']);
    expect(inf.indexer.get('inf/after')?.data).toEqual({ x: '1' });
    await inf.stop();
  });

  it('keeps objects without managedFields when asked, from the list and from the watch', async () => {
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('mf');
    const listed = await cms.create(cm('listed'));
    expect(listed.metadata?.managedFields?.length).toBeGreaterThan(0);
    const inf = new SharedInformer(cms, { dropManagedFields: true });
    inf.start();
    await inf.waitForSync(10_000);
    const watched = await cms.create(cm('watched', { app: 'x' }));
    await waitFor('the watched object', () => inf.indexer.get('mf/watched'));
    for (const key of ['mf/listed', 'mf/watched']) {
      const o = inf.indexer.get(key)!;
      expect(o.metadata?.managedFields).toBeUndefined();
      expect(o.metadata?.uid).toBeTruthy();
    }
    expect(inf.indexer.get('mf/watched')?.metadata?.labels).toEqual({ app: 'x' });
    // Writing a cached object back keeps the server's managedFields: it tracks the write, it does not lose them.
    const updated = await cms.update({ ...inf.indexer.get('mf/watched')!, data: { v: '1' } });
    const managers = (o: ConfigMap) => o.metadata?.managedFields?.map((f) => f.manager);
    expect(managers(updated)).toEqual(managers(watched));
    expect(JSON.stringify(updated.metadata?.managedFields)).toContain('f:labels');
    await inf.stop();
  });

  it('resumes the watch from the last resourceVersion after the connection drops, without listing again', async () => {
    const proxy = await startCuttableProxy({ host: '127.0.0.1', port: tc.server.port });
    const client = new Client({ server: proxy.url, qps: 0 });
    try {
      const inf = new SharedInformer(client.resource<ConfigMap>('v1/configmaps').namespace('resume'), { backoff: { initialMs: 20, maxMs: 100 } });
      const r = recorder<ConfigMap>();
      inf.addEventHandler(r.handler);
      inf.start();
      await inf.waitForSync(10_000);
      proxy.cut();
      const direct = tc.client.resource<ConfigMap>('v1/configmaps').namespace('resume');
      for (let i = 0; i < 3; i++) await direct.create(cm(`while-cut-${i}`));
      proxy.restore();
      await waitFor('the changes made while cut off', () => inf.indexer.size === 3);
      expect(inf.listCount).toBe(1);
      expect(r.events).toEqual(['add while-cut-0', 'add while-cut-1', 'add while-cut-2']);
      await inf.stop();
    } finally {
      client.close();
      await proxy.close();
    }
  });

  it('relists after 410 Expired and reports what changed meanwhile as adds and deletes', async () => {
    const proxy = await startCuttableProxy({ host: '127.0.0.1', port: tc.server.port });
    const client = new Client({ server: proxy.url, qps: 0 });
    try {
      const direct = tc.client.resource<ConfigMap>('v1/configmaps').namespace('expire');
      await direct.create(cm('doomed'));
      const inf = new SharedInformer(client.resource<ConfigMap>('v1/configmaps').namespace('expire'), { backoff: { initialMs: 20, maxMs: 100 } });
      const r = recorder<ConfigMap>();
      inf.addEventHandler(r.handler);
      inf.start();
      await inf.waitForSync(10_000);
      proxy.cut();
      await direct.delete('doomed');
      // Far more changes than the server's watch cache keeps: the informer's resourceVersion falls out of it.
      for (let i = 0; i < 40; i++) await direct.create(cm(`flood-${i}`));
      proxy.restore();
      await waitFor('the relist', () => inf.listCount >= 2 && inf.indexer.size === 40, { timeoutMs: 15_000 });
      expect(r.events).toContain('delete doomed');
      expect(r.events.filter((e) => e.startsWith('add flood-'))).toHaveLength(40);
      expect(inf.indexer.get('expire/doomed')).toBeUndefined();
      await inf.stop();
    } finally {
      client.close();
      await proxy.close();
    }
  });

  it('moves its resourceVersion forward on bookmarks even when no matching object changes', async () => {
    const inf = new SharedInformer(tc.client.resource<ConfigMap>('v1/configmaps').namespace('bookmark'), { labelSelector: 'match=yes' });
    inf.start();
    await inf.waitForSync(10_000);
    const listed = Number(inf.lastSyncResourceVersion);
    const other = await tc.client.resource<ConfigMap>('v1/configmaps').namespace('bookmark').create(cm('unmatched'));
    const otherRv = Number(other.metadata?.resourceVersion);
    await waitFor('a bookmark past the unmatched change', () => Number(inf.lastSyncResourceVersion) >= otherRv);
    expect(otherRv).toBeGreaterThan(listed);
    expect(inf.indexer.size).toBe(0);
    await inf.stop();
  });

  it('replays the cache to a handler added after sync, and resyncs handlers that ask for it', async () => {
    const cms = tc.client.resource<ConfigMap>('v1/configmaps').namespace('late');
    await cms.create(cm('one'));
    await cms.create(cm('two'));
    const inf = new SharedInformer(cms);
    inf.start();
    await inf.waitForSync(10_000);
    const r = recorder<ConfigMap>();
    inf.addEventHandler(r.handler, 50);
    expect(r.events.sort()).toEqual(['add one', 'add two']);
    await waitFor('two resync rounds', () => r.events.filter((e) => e.endsWith('(resync)')).length >= 4);
    await inf.stop();
  });

  it('shares one informer per resource between callers and indexes by namespace, owner and node', async () => {
    const factory = new InformerFactory(tc.client);
    const a = factory.informer<Pod>('v1/pods');
    const b = factory.informer<Pod>('pods');
    expect(a).toBe(b);
    const pods = tc.client.resource<Pod>('v1/pods').namespace('idx');
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'owner-uid-1', controller: true };
    await pods.create({ metadata: { name: 'p1', ownerReferences: [owner] }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    await pods.create({ metadata: { name: 'p2' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    await pods.bind('p2', 'node-7');
    factory.start();
    await factory.waitForSync(10_000);
    expect(factory.hasSynced()).toBe(true);
    expect(a.indexer.byIndex(NAMESPACE_INDEX, 'idx').map((p) => p.metadata?.name).sort()).toEqual(['p1', 'p2']);
    expect(a.indexer.byIndex(OWNER_UID_INDEX, 'owner-uid-1').map((p) => p.metadata?.name)).toEqual(['p1']);
    expect(a.indexer.byIndex(NODE_NAME_INDEX, 'node-7').map((p) => p.metadata?.name)).toEqual(['p2']);
    a.addIndexers({ byContainerImage: (p) => (p.spec?.containers ?? []).map((c: { image?: string }) => c.image ?? '') });
    expect(a.indexer.byIndex('byContainerImage', 'i')).toHaveLength(2);
    await pods.bind('p1', 'node-7');
    await waitFor('p1 moving into the node index', () => a.indexer.byIndex(NODE_NAME_INDEX, 'node-7').length === 2);
    await factory.stop();
  });

  it('keeps informers with different selectors apart', async () => {
    const factory = new InformerFactory(tc.client);
    await tc.client.resource<ConfigMap>('v1/configmaps').namespace('inf-b').create(cm('x', { pick: 'me' }));
    const picked = factory.informer<ConfigMap>('v1/configmaps', { labelSelector: 'pick=me' });
    const every = factory.informer<ConfigMap>('v1/configmaps');
    expect(picked).not.toBe(every);
    factory.start();
    await factory.waitForSync(10_000);
    expect(picked.indexer.list().map((c) => c.metadata?.name)).toEqual(['x']);
    expect(every.indexer.size).toBeGreaterThan(1);
    await factory.stop();
  });
});
