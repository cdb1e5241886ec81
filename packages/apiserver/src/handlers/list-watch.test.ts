/**
 * The list and watch contract over HTTP: resourceVersion semantics, bookmarks, watch-list, timeouts, tables.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, watchEvents } from '../../test-util/server.js';
import type { ApiServer } from '../index.js';

let server: ApiServer;

beforeAll(async () => {
  server = await startTestServer({ bookmarkIntervalMs: 200 });
});

afterAll(async () => {
  await server?.close();
});

const cm = (name: string, v: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels }, data: { v } });
const CMS = '/api/v1/namespaces/default/configmaps';

const watch = (path: string, until: (events: any[]) => boolean) => watchEvents(server, path, until);

describe('lists', () => {
  it('reads an old snapshot with resourceVersionMatch=Exact', async () => {
    const created = (await call(server, 'POST', CMS, cm('snap', '1'))).body;
    await call(server, 'PUT', `${CMS}/snap`, { ...cm('snap', '2') });
    const old = (await call(server, 'GET', `${CMS}?resourceVersion=${created.metadata.resourceVersion}&resourceVersionMatch=Exact&fieldSelector=metadata.name%3Dsnap`)).body;
    expect(old.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(old.items.map((i: any) => i.data.v)).toEqual(['1']);
    const now = (await call(server, 'GET', `${CMS}?fieldSelector=metadata.name%3Dsnap`)).body;
    expect(now.items.map((i: any) => i.data.v)).toEqual(['2']);
  });

  it('serves resourceVersion=0 from the watch cache, without pagination', async () => {
    for (let i = 0; i < 3; i++) await call(server, 'POST', CMS, cm(`zero-${i}`, 'x', { set: 'zero' }));
    const r = (await call(server, 'GET', `${CMS}?resourceVersion=0&limit=1&labelSelector=set%3Dzero`)).body;
    expect(r.items.map((i: any) => i.metadata.name)).toEqual(['zero-0', 'zero-1', 'zero-2']);
    expect(r.metadata.continue).toBeUndefined();
  });

  it('pages with limit and continue, counting what remains', async () => {
    const first = (await call(server, 'GET', `${CMS}?limit=2`)).body;
    expect(first.items).toHaveLength(2);
    expect(first.metadata.continue).toBeTruthy();
    expect(first.metadata.remainingItemCount).toBeGreaterThan(0);
    const second = (await call(server, 'GET', `${CMS}?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`)).body;
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(second.items[0].metadata.name > first.items[1].metadata.name).toBe(true);
  });

  it('pages a consistent list into the same items and revision as one unpaginated list', async () => {
    for (let i = 0; i < 5; i++) await call(server, 'POST', CMS, cm(`page-${i}`, 'p', { set: 'page' }));
    const all = (await call(server, 'GET', `${CMS}?labelSelector=set%3Dpage`)).body;
    const names: string[] = [];
    let cont = '';
    for (let pages = 0; pages < 10; pages++) {
      const page = (await call(server, 'GET', `${CMS}?labelSelector=set%3Dpage&limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).body;
      expect(page.metadata.resourceVersion).toBe(all.metadata.resourceVersion);
      names.push(...page.items.map((i: any) => i.metadata.name));
      cont = page.metadata.continue ?? '';
      if (!cont) break;
    }
    expect(names).toEqual(all.items.map((i: any) => i.metadata.name));
    expect(names).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });

  it('reads its own writes: a GET and a LIST right after a write see it', async () => {
    const created = (await call(server, 'POST', CMS, cm('fresh', '1'))).body;
    const updated = (await call(server, 'PUT', `${CMS}/fresh`, { ...cm('fresh', '2'), metadata: { name: 'fresh', resourceVersion: created.metadata.resourceVersion } })).body;
    const got = (await call(server, 'GET', `${CMS}/fresh`)).body;
    expect(got.metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
    expect(got.data.v).toBe('2');
    const list = (await call(server, 'GET', `${CMS}?fieldSelector=metadata.name%3Dfresh`)).body;
    expect(list.items.map((i: any) => i.data.v)).toEqual(['2']);
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(updated.metadata.resourceVersion));
  });

  it('answers a Table with the object embedded when asked', async () => {
    const r = await call(server, 'GET', `${CMS}?includeObject=Object&labelSelector=set%3Dzero`, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(r.body.kind).toBe('Table');
    expect(r.body.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(r.body.rows[0].cells.slice(0, 2)).toEqual(['zero-0', 1]);
    expect(r.body.rows[0].object.kind).toBe('ConfigMap');
  });

  it('deletes a collection by label', async () => {
    const r = await call(server, 'DELETE', `${CMS}?labelSelector=set%3Dzero`);
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(3);
    expect((await call(server, 'GET', `${CMS}?labelSelector=set%3Dzero`)).body.items).toEqual([]);
  });
});

describe('watches', () => {
  it('sends bookmarks when allowed', async () => {
    const { events } = await watch(`${CMS}?watch=1&allowWatchBookmarks=true&resourceVersion=${(await call(server, 'GET', CMS)).body.metadata.resourceVersion}`, (ev) => ev.some((e) => e.type === 'BOOKMARK'));
    const bm = events.find((e) => e.type === 'BOOKMARK');
    expect(bm.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
  });

  it('sends the initial state then a bookmark marking its end (watch-list)', async () => {
    const rv = (await call(server, 'GET', CMS)).body.metadata.resourceVersion;
    const { events } = await watch(`${CMS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${rv}`, (ev) =>
      ev.some((e) => e.type === 'BOOKMARK' && e.object.metadata.annotations?.['k8s.io/initial-events-end'] === 'true'),
    );
    const end = events.findIndex((e) => e.type === 'BOOKMARK');
    expect(end).toBeGreaterThan(0);
    expect(events.slice(0, end).every((e) => e.type === 'ADDED')).toBe(true);
  });

  it('closes the stream after timeoutSeconds', async () => {
    const { ended } = await watch(`${CMS}?watch=1&timeoutSeconds=1&resourceVersion=${(await call(server, 'GET', CMS)).body.metadata.resourceVersion}`, () => false);
    expect(ended).toBe(true);
  });

  it('streams table rows when asked for tables', async () => {
    const rv = (await call(server, 'GET', CMS)).body.metadata.resourceVersion;
    const w = new Promise<any[]>((resolve, reject) => {
      const events: any[] = [];
      const req = http.get(`${server.url}${CMS}?watch=1&resourceVersion=${rv}`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } }, (res) => {
        res.on('data', (d: Buffer) => {
          for (const line of d.toString().split('\n').filter(Boolean)) events.push(JSON.parse(line));
          if (events.length) {
            req.destroy();
            resolve(events);
          }
        });
      });
      req.on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 50));
    await call(server, 'POST', CMS, cm('tabled', 'x'));
    const [ev] = await w;
    expect(ev.type).toBe('ADDED');
    expect(ev.object).toMatchObject({ kind: 'Table', rows: [{ cells: ['tabled', 1, expect.any(String)] }] });
  });
});
