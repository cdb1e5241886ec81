/** events.k8s.io/v1 and core/v1 Events are two views of the same stored events, as on the real server. */
import { describe, expect, it } from 'vitest';
import { call, serverWithKubectl, watchEvents } from '../../test-util/server.js';
import { eventFromCore, eventToCore } from './event-conversion.js';

const live = serverWithKubectl();

const CORE = '/api/v1/namespaces/default/events';
const V1 = '/apis/events.k8s.io/v1/namespaces/default/events';
const POD = { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u-1' };

describe('event conversion', () => {
  it('renames every field that differs and keeps the shared ones, both ways', () => {
    const v1 = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      eventTime: '2026-11-22T10:00:00.000000Z',
      series: { count: 2, lastObservedTime: '2026-11-22T10:00:01.000000Z' },
      reportingController: 'skiff.dev/test',
      reportingInstance: 'test-1',
      action: 'Pulling',
      reason: 'Pulled',
      regarding: POD,
      related: { kind: 'Node', name: 'n1' },
      note: 'pulled the image',
      type: 'Normal',
      deprecatedSource: { component: 'kubelet', host: 'n1' },
      deprecatedFirstTimestamp: '2026-11-22T09:00:00Z',
      deprecatedLastTimestamp: '2026-11-22T09:30:00Z',
      deprecatedCount: 7,
    };
    const core = eventToCore(v1);
    expect(core).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: v1.metadata,
      eventTime: v1.eventTime,
      series: v1.series,
      reportingComponent: 'skiff.dev/test',
      reportingInstance: 'test-1',
      action: 'Pulling',
      reason: 'Pulled',
      involvedObject: POD,
      related: v1.related,
      message: 'pulled the image',
      type: 'Normal',
      source: v1.deprecatedSource,
      firstTimestamp: v1.deprecatedFirstTimestamp,
      lastTimestamp: v1.deprecatedLastTimestamp,
      count: 7,
    });
    expect(eventFromCore(core)).toEqual(v1);
  });

  it('serves an event written through core/v1 from events.k8s.io/v1, under the same resourceVersion', async () => {
    const created = await call(live.server, 'POST', CORE, {
      metadata: { name: 'from-core' },
      involvedObject: POD,
      reason: 'Started',
      message: 'Started container web',
      type: 'Normal',
      source: { component: 'kubelet', host: 'n1' },
      count: 3,
      firstTimestamp: '2026-11-22T09:00:00Z',
      lastTimestamp: '2026-11-22T09:05:00Z',
    });
    expect(created.status).toBe(201);
    const got = await call(live.server, 'GET', `${V1}/from-core`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'from-core', uid: created.body.metadata.uid, resourceVersion: created.body.metadata.resourceVersion },
      regarding: POD,
      note: 'Started container web',
      deprecatedSource: { component: 'kubelet', host: 'n1' },
      deprecatedCount: 3,
      deprecatedFirstTimestamp: '2026-11-22T09:00:00Z',
    });
    expect(got.body).not.toHaveProperty('involvedObject');
    expect(got.body).not.toHaveProperty('message');
    const listed = (await call(live.server, 'GET', V1)).body;
    expect(listed.items.map((e: any) => e.metadata.name)).toContain('from-core');
    expect(listed.items.every((e: any) => !('involvedObject' in e))).toBe(true);
  });

  it('stores an event written through events.k8s.io/v1 as a core/v1 event, and updates through either group', async () => {
    const created = await call(live.server, 'POST', V1, {
      metadata: { name: 'from-v1' },
      eventTime: '2026-11-22T10:00:00.000000Z',
      reportingController: 'skiff.dev/test',
      reportingInstance: 'test-1',
      action: 'Scheduling',
      reason: 'Scheduled',
      regarding: POD,
      note: 'assigned default/web-1 to n1',
      type: 'Normal',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ apiVersion: 'events.k8s.io/v1', note: 'assigned default/web-1 to n1' });
    const core = (await call(live.server, 'GET', `${CORE}/from-v1`)).body;
    expect(core).toMatchObject({
      apiVersion: 'v1',
      involvedObject: POD,
      message: 'assigned default/web-1 to n1',
      reportingComponent: 'skiff.dev/test',
      metadata: { resourceVersion: created.body.metadata.resourceVersion },
    });

    const viaCore = await call(live.server, 'PUT', `${CORE}/from-v1`, { ...core, message: 'changed through core' });
    expect(viaCore.status).toBe(200);
    const v1 = (await call(live.server, 'GET', `${V1}/from-v1`)).body;
    expect(v1.note).toBe('changed through core');
    expect(v1.metadata.resourceVersion).toBe(viaCore.body.metadata.resourceVersion);

    const patched = await call(live.server, 'PATCH', `${V1}/from-v1`, { series: { count: 2, lastObservedTime: '2026-11-22T10:00:05.000000Z' } }, {
      'content-type': 'application/merge-patch+json',
    });
    expect(patched.status).toBe(200);
    expect((await call(live.server, 'GET', `${CORE}/from-v1`)).body.series).toEqual({ count: 2, lastObservedTime: '2026-11-22T10:00:05.000000Z' });

    const stale = await call(live.server, 'PUT', `${V1}/from-v1`, { ...v1, note: 'stale' });
    expect(stale.status).toBe(409);

    expect((await call(live.server, 'DELETE', `${V1}/from-v1`)).status).toBe(200);
    expect((await call(live.server, 'GET', `${CORE}/from-v1`)).status).toBe(404);
  });

  it('selects events.k8s.io/v1 events by regarding.name, also those written through core/v1', async () => {
    await call(live.server, 'POST', CORE, { metadata: { name: 'about-db' }, involvedObject: { ...POD, name: 'db-0' }, reason: 'Killing', message: 'x' });
    const selected = (await call(live.server, 'GET', `${V1}?fieldSelector=regarding.name%3Ddb-0`)).body;
    expect(selected.items.map((e: any) => e.metadata.name)).toEqual(['about-db']);
  });

  it('delivers core/v1 writes to events.k8s.io/v1 watchers in the served form, deletions included', async () => {
    const rv = (await call(live.server, 'GET', V1)).body.metadata.resourceVersion;
    const watching = watchEvents(live.server, `${V1}?watch=1&resourceVersion=${rv}`, (evs) => evs.some((e) => e.type === 'DELETED'));
    await call(live.server, 'POST', CORE, { metadata: { name: 'watched' }, involvedObject: POD, reason: 'Pulled', message: 'seen by watchers' });
    await call(live.server, 'DELETE', `${CORE}/watched`);
    const { events } = await watching;
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'watched'],
      ['DELETED', 'watched'],
    ]);
    for (const e of events) expect(e.object).toMatchObject({ apiVersion: 'events.k8s.io/v1', note: 'seen by watchers', regarding: POD });
  });

  it('lists events written through core/v1 with kubectl get events.v1.events.k8s.io', async () => {
    await call(live.server, 'POST', CORE, { metadata: { name: 'for-kubectl' }, involvedObject: POD, reason: 'BackOff', message: 'Back-off restarting', type: 'Warning' });
    const out = await live.kubectl.run(['get', 'events.v1.events.k8s.io', '-n', 'default', '--field-selector', 'reason=BackOff', '-o', 'jsonpath={.items[*].note}']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('Back-off restarting');
  });
});
