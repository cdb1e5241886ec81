import { ResourceRegistry, type KubeObject, type Status } from '@skiff/api';
import { createStore, type Store } from '@skiff/store-wasm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceStorage } from '../storage/resource-storage.js';
import { WrittenObjects } from '../storage/written-objects.js';
import type { CacheEvent, WatchEventType } from './cache-event.js';
import { WatchCache, type WatchSink } from './watch-cache.js';

const registry = new ResourceRegistry();
const configmaps = registry.get('', 'v1', 'configmaps')!;

let store: Store;
let storage: ResourceStorage;
let cache: WatchCache;

const cm = (name: string, labels: Record<string, string> = {}, ns = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data: { v: '1' },
});

/** A sink that records what a watcher saw, as "TYPE name@rv". */
function recorder(): WatchSink & { seen: string[]; errors: Status[] } {
  const seen: string[] = [];
  const errors: Status[] = [];
  return {
    seen,
    errors,
    event(type: WatchEventType, ev: CacheEvent) {
      seen.push(`${type} ${ev.object.metadata.name}@${ev.rv}`);
    },
    error(status: Status) {
      errors.push(status);
    },
  };
}

async function put(obj: KubeObject): Promise<number> {
  const cur = await storage.get(obj.metadata.namespace, obj.metadata.name!);
  const out = cur ? await storage.update(obj, cur.rv) : await storage.create(obj);
  if (!out.ok) throw new Error(out.reason);
  return out.stored.rv;
}

beforeEach(async () => {
  store = await createStore({ engine: 'ts' });
  storage = new ResourceStorage(configmaps, store);
  await put(cm('before'));
  cache = new WatchCache(configmaps, store, { capacity: 4 });
  await cache.start();
});

afterEach(async () => {
  cache.stop();
  await store.close();
});

describe('the watch cache', () => {
  it('gives a writer its own copy of a cached object, copied once decoded, else parsed; a new version starts undecoded', async () => {
    const out = await storage.create(cm('own'));
    if (!out.ok) throw new Error(out.reason);
    const entry = cache.getStored('/registry/configmaps/default/own')!;
    expect(entry.rv).toBe(out.stored.rv);
    const parsed = entry.ownObject();
    const shared = entry.obj;
    const copied = entry.ownObject();
    expect(parsed).not.toBe(shared);
    expect(copied).not.toBe(shared);
    expect(JSON.stringify(copied)).toBe(JSON.stringify(shared));
    expect(copied).toEqual(parsed);
    copied.metadata.labels = { mine: 'only' };
    expect(entry.obj.metadata.labels).toEqual({});

    const rv = await put(cm('own', { changed: 'yes' }));
    const next = cache.getStored('/registry/configmaps/default/own')!;
    expect(next.rv).toBe(rv);
    expect(next.ownObject().metadata.labels).toEqual({ changed: 'yes' });
  });

  it("takes a writer's decoded object and answers the writer with its own version, when they share WrittenObjects", async () => {
    const written = new WrittenObjects();
    const sharing = new ResourceStorage(configmaps, store, written);
    const shared = new WatchCache(configmaps, store, { capacity: 4, written });
    await shared.start();
    try {
      const obj = cm('taken', { a: '1' });
      const out = await sharing.create(obj);
      if (!out.ok) throw new Error(out.reason);
      const entry = shared.getStored('/registry/configmaps/default/taken')!;
      expect(out.stored).toBe(entry);
      expect(entry.obj).toBe(obj);
      expect(entry.obj).toEqual(JSON.parse(entry.served.toString('utf8')));
      expect(entry.obj.metadata.resourceVersion).toBe(String(out.stored.rv));

      // A version written without the shared notes (the other storage) is parsed from its bytes as before.
      const rv = await put(cm('taken', { b: '2' }));
      const plain = shared.getStored('/registry/configmaps/default/taken')!;
      expect(plain.rv).toBe(rv);
      expect(plain.obj).not.toBe(obj);
      expect(plain.obj.metadata.labels).toEqual({ b: '2' });
    } finally {
      shared.stop();
    }
  });

  it('takes a noted object only for exactly the bytes written, and not once the write is forgotten', () => {
    const written = new WrittenObjects();
    const obj = cm('x');
    const bytes = Buffer.from(JSON.stringify(obj));
    const note = written.note('/k', bytes, obj);
    expect(written.take('/k', Buffer.from(JSON.stringify(cm('y'))), 5)).toBeUndefined();
    expect(written.take('/other', bytes, 5)).toBeUndefined();
    expect(written.take('/k', Uint8Array.from(bytes), 5)?.obj).toBe(obj);
    expect(obj.metadata.resourceVersion).toBe('5');
    // A second writer of the key replaces the note; forgetting the first leaves the second's.
    const second = written.note('/k', bytes, cm('x'));
    written.forget(note);
    expect(written.take('/k', bytes, 6)).toBe(second);
    written.forget(second);
    expect(written.take('/k', bytes, 7)).toBeUndefined();
  });

  it('lists what the store held when it started, and follows changes', async () => {
    expect(cache.list({}).items.map((s) => s.obj.metadata.name)).toEqual(['before']);
    await put(cm('after'));
    expect(cache.list({}).items.map((s) => s.obj.metadata.name)).toEqual(['after', 'before']);
  });

  it('starts a watch without a resourceVersion with the current objects as ADDED', async () => {
    const r = recorder();
    cache.watch({}, undefined, r);
    const rv = await put(cm('live'));
    expect(r.seen).toEqual([expect.stringMatching(/^ADDED before@\d+$/), `ADDED live@${rv}`]);
  });

  it('replays the changes after a resourceVersion, then follows', async () => {
    const rv1 = await put(cm('a'));
    const rv2 = await put({ ...cm('a'), data: { v: '2' } });
    const r = recorder();
    cache.watch({}, rv1, r);
    expect(r.seen).toEqual([`MODIFIED a@${rv2}`]);
    await storage.delete('default', 'a', rv2);
    expect(r.seen[1]).toMatch(/^DELETED a@\d+$/);
  });

  it('reports 410 Expired for a resourceVersion that fell off the ring', async () => {
    const rv = await put(cm('x'));
    for (let i = 0; i < 6; i++) await put({ ...cm('x'), data: { v: String(i) } });
    const r = recorder();
    expect(cache.watch({}, rv, r)).toBeUndefined();
    expect(r.errors[0]).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('turns selector transitions into ADDED and DELETED', async () => {
    const r = recorder();
    cache.watch({ matches: (o) => o.metadata.labels?.tier === 'web' }, cache.revision, r);
    await put(cm('m', { tier: 'db' }));
    await put(cm('m', { tier: 'web' }));
    await put({ ...cm('m', { tier: 'web' }), data: { v: '9' } });
    await put(cm('m', { tier: 'db' }));
    expect(r.seen.map((s) => s.split('@')[0])).toEqual(['ADDED m', 'MODIFIED m', 'DELETED m']);
  });

  it('forgets a replaced version once dispatched, and a watch replaying through it still sees the right transitions', async () => {
    const first = await put(cm('r', { tier: 'web' }));
    const replaced = cache.getStored('/registry/configmaps/default/r')!;
    expect(replaced.obj.metadata.labels).toEqual({ tier: 'web' }); // decoded while current
    await put(cm('r', { tier: 'db' }));
    expect((replaced as unknown as { decoded?: KubeObject }).decoded).toBeUndefined();
    expect(replaced.obj.metadata.labels).toEqual({ tier: 'web' }); // parsed again from its bytes
    // A selector watch from before the first version compares each version with the one it replaced.
    const r = recorder();
    cache.watch({ matches: (o) => o.metadata.labels?.tier === 'web' }, first - 1, r);
    expect(r.seen.map((s) => s.split('@')[0])).toEqual(['ADDED r', 'DELETED r']);
  });

  it('filters by namespace from the key alone', async () => {
    const r = recorder();
    cache.watch({ namespace: 'other' }, cache.revision, r);
    await put(cm('here'));
    await put(cm('there', {}, 'other'));
    expect(r.seen.map((s) => s.split('@')[0])).toEqual(['ADDED there']);
  });

  it('encodes an event once however many watchers receive it', async () => {
    const lines = new Set<Buffer>();
    const sink: WatchSink = {
      event: (type, ev) => lines.add(ev.encode(`json:${type}`, () => Buffer.from(`${type} ${ev.rv}`))),
      error: () => {},
    };
    for (let i = 0; i < 3; i++) cache.watch({}, cache.revision, sink);
    await put(cm('shared'));
    expect(lines.size).toBe(1);
  });

  it('knows it mirrors a store in this process, at the current revision of that store', async () => {
    await put(cm('mirrored'));
    const local = store as unknown as { localStatus(): { revision: number } };
    expect(cache.consistentRevision()).toBe(local.localStatus().revision);
    expect(cache.getStored('/registry/configmaps/default/mirrored')).toBeDefined();
  });

  it('does not claim to mirror a store it cannot read synchronously', async () => {
    const remoteLike: Store = Object.create(store, { localStatus: { value: undefined } });
    const other = new WatchCache(configmaps, remoteLike, { capacity: 4 });
    await other.start();
    try {
      expect(other.consistentRevision()).toBeUndefined();
      expect(other.list({}).items.map((s) => s.obj.metadata.name)).toEqual(['before']);
    } finally {
      other.stop();
    }
  });

  it('pages its objects in key order, saying where the next page starts and how many keys remain', async () => {
    for (const n of ['b', 'c', 'd']) await put(cm(n));
    await put(cm('e', {}, 'other'));
    const first = cache.page({}, 2);
    expect(first.items.map((s) => s.obj.metadata.name)).toEqual(['b', 'before']);
    expect(first).toMatchObject({ lastKey: 'default/before', remaining: 3 });
    const ns = cache.page({ namespace: 'default' }, 10);
    expect(ns.items.map((s) => s.obj.metadata.name)).toEqual(['b', 'before', 'c', 'd']);
    expect(ns.lastKey).toBeUndefined();
    const exact = cache.page({ namespace: 'default' }, 4);
    expect(exact.lastKey).toBeUndefined();
  });

  it('dispatches an event only to the watchers of its namespace and of every namespace', async () => {
    const here = recorder();
    const there = recorder();
    const all = recorder();
    cache.watch({ namespace: 'default' }, cache.revision, here);
    cache.watch({ namespace: 'other' }, cache.revision, there);
    cache.watch({}, cache.revision, all);
    await put(cm('x'));
    await put(cm('y', {}, 'other'));
    expect(here.seen.map((s) => s.split('@')[0])).toEqual(['ADDED x']);
    expect(there.seen.map((s) => s.split('@')[0])).toEqual(['ADDED y']);
    expect(all.seen.map((s) => s.split('@')[0])).toEqual(['ADDED x', 'ADDED y']);
  });

  it('keeps one served form of each object version for every reader', async () => {
    await put(cm('served'));
    const s = cache.getStored('/registry/configmaps/default/served')!;
    expect(s.served).toBe(s.served);
    expect(JSON.parse(s.served.toString()).metadata.resourceVersion).toBe(String(s.rv));
  });
});

