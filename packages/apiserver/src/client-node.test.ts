/**
 * @kubernetes/client-node 1.4.0 against a live server: CRUD, conflicts, watches that resume and expire,
 * informers, pagination.
 */
import { AppsV1Api, CoreV1Api, KubeConfig, Watch, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test-util/server.js';
import type { ApiServer } from './index.js';

let server: ApiServer;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  // A small watch cache, so that expiring a resourceVersion takes a handful of writes.
  server = await startTestServer({ watchCacheSize: 8 });
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'skiff', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'admin' }],
    contexts: [{ name: 'skiff', cluster: 'skiff', user: 'admin', namespace: 'default' }],
    currentContext: 'skiff',
  });
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});

afterAll(async () => {
  await server?.close();
});

const cm = (name: string, data: Record<string, string> = { a: '1' }): V1ConfigMap => ({ metadata: { name }, data });

async function codeOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (e) {
    return (e as { code?: number }).code ?? -1;
  }
}

/** Collects watch events until `until` says stop (or the bound runs out); resolves with them. */
function collect(path: string, params: Record<string, string | number | boolean>, until: (events: { type: string; obj: any }[]) => boolean) {
  const events: { type: string; obj: any }[] = [];
  let abort: AbortController | undefined;
  const done = new Promise<{ type: string; obj: any }[]>((resolve, reject) => {
    const bound = setTimeout(() => reject(new Error(`watch bound reached with ${JSON.stringify(events.map((e) => e.type))}`)), 20_000);
    const finish = () => {
      clearTimeout(bound);
      abort?.abort();
      resolve(events);
    };
    new Watch(kc)
      .watch(path, params, (type, obj) => {
        events.push({ type, obj });
        if (until(events)) finish();
      }, () => finish())
      .then((a) => (abort = a), reject);
  });
  return { done, started: () => abort !== undefined };
}

describe('client-node CRUD', () => {
  it('creates, reads, replaces and deletes a config map', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('crud') });
    expect(created.metadata?.uid).toBeTruthy();
    const read = await core.readNamespacedConfigMap({ name: 'crud', namespace: 'default' });
    expect(read.data).toEqual({ a: '1' });
    read.data = { a: '2' };
    const replaced = await core.replaceNamespacedConfigMap({ name: 'crud', namespace: 'default', body: read });
    expect(Number(replaced.metadata!.resourceVersion)).toBeGreaterThan(Number(created.metadata!.resourceVersion));
    await core.deleteNamespacedConfigMap({ name: 'crud', namespace: 'default' });
    expect(await codeOf(core.readNamespacedConfigMap({ name: 'crud', namespace: 'default' }))).toBe(404);
  });

  it('answers a duplicate create with 409 AlreadyExists', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('twice') });
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm('twice') });
      expect.unreachable();
    } catch (e: any) {
      expect(e.code).toBe(409);
      expect(JSON.parse(e.body)).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', code: 409 });
    }
  });

  it('answers an update from a stale resourceVersion with 409 Conflict', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('stale') });
    await core.replaceNamespacedConfigMap({ name: 'stale', namespace: 'default', body: { ...first, data: { a: 'new' } } });
    expect(await codeOf(core.replaceNamespacedConfigMap({ name: 'stale', namespace: 'default', body: { ...first, data: { a: 'old' } } }))).toBe(409);
  });

  it('patches with json-patch (client-node default) and reads a deployment scale', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'api' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'api:1' }] } } },
      },
    });
    await apps.patchNamespacedDeployment({ name: 'api', namespace: 'default', body: [{ op: 'replace', path: '/spec/replicas', value: 4 }] });
    const scale = await apps.readNamespacedDeploymentScale({ name: 'api', namespace: 'default' });
    expect(scale.spec?.replicas).toBe(4);
    expect(scale.status?.selector).toBe('app=api');
  });
});

describe('client-node lists and watches', () => {
  it('pages through a list with limit and continue, all from one snapshot', async () => {
    for (let i = 0; i < 5; i++) await core.createNamespacedConfigMap({ namespace: 'default', body: cm(`page-${i}`) });
    const names: string[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: '', limit: 2, _continue: cont });
      pages++;
      rv ??= page.metadata?.resourceVersion;
      expect(page.metadata?.resourceVersion).toBe(rv);
      names.push(...page.items.map((i) => i.metadata!.name!));
      cont = page.metadata?._continue;
      // A write between pages must not show up in this list.
      if (pages === 1) await core.createNamespacedConfigMap({ namespace: 'default', body: cm('page-late') });
    } while (cont && pages < 20);
    expect(names.filter((n) => n.startsWith('page-'))).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    expect(pages).toBeGreaterThan(2);
  });

  it('resumes a watch from a resourceVersion, replaying what happened since', async () => {
    const start = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('resume') });
    await core.patchNamespacedConfigMap({ name: 'resume', namespace: 'default', body: [{ op: 'add', path: '/data/b', value: '2' }] });
    await core.deleteNamespacedConfigMap({ name: 'resume', namespace: 'default' });
    const w = collect('/api/v1/namespaces/default/configmaps', { resourceVersion: start.metadata!.resourceVersion!, fieldSelector: 'metadata.name=resume' }, (ev) => ev.length >= 2);
    const events = await w.done;
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect(events[0]!.obj.data).toEqual({ a: '1', b: '2' });
  });

  it('sends 410 Expired when the resourceVersion is older than the watch cache holds', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('churn') });
    for (let i = 0; i < 12; i++) await core.patchNamespacedConfigMap({ name: 'churn', namespace: 'default', body: [{ op: 'add', path: '/data/a', value: String(i) }] });
    const w = collect('/api/v1/namespaces/default/configmaps', { resourceVersion: first.metadata!.resourceVersion! }, (ev) => ev.length >= 1);
    const [ev] = await w.done;
    expect(ev!.type).toBe('ERROR');
    expect(ev!.obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('answers a continue token from before a compaction with 410', async () => {
    const page = await core.listNamespacedConfigMap({ namespace: 'default', limit: 1 });
    const token = page.metadata!._continue!;
    expect(token).toBeTruthy();
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('after-token') });
    await server.store.compact((await server.store.status()).revision);
    expect(await codeOf(core.listNamespacedConfigMap({ namespace: 'default', limit: 1, _continue: token }))).toBe(410);
  });

  it('syncs an informer and follows adds, updates and deletes', async () => {
    const informer = makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const seen: string[] = [];
    let notify: () => void = () => {};
    const record = (verb: string) => (obj: V1ConfigMap) => {
      if (obj.metadata?.name === 'inf') {
        seen.push(verb);
        notify();
      }
    };
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    const until = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const bound = setTimeout(() => reject(new Error(`informer saw ${seen.join(',')}`)), 20_000);
        notify = () => {
          if (seen.length >= n) {
            clearTimeout(bound);
            resolve();
          }
        };
        notify();
      });
    await informer.start();
    try {
      expect(informer.list('default').some((o) => o.metadata?.name === 'crud-not-here')).toBe(false);
      expect(informer.list('default').length).toBeGreaterThan(3);
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm('inf') });
      await until(1);
      await core.patchNamespacedConfigMap({ name: 'inf', namespace: 'default', body: [{ op: 'add', path: '/data/z', value: '1' }] });
      await until(2);
      await core.deleteNamespacedConfigMap({ name: 'inf', namespace: 'default' });
      await until(3);
      expect(seen).toEqual(['add', 'update', 'delete']);
      expect(informer.get('inf', 'default')).toBeUndefined();
    } finally {
      await informer.stop();
    }
  });
});
