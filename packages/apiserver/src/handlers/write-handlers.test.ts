/** PUT semantics that the write path's shortcuts must keep (no-op updates store nothing, real ones do), and binding. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, watchEvents } from '../../test-util/server.js';
import type { ApiServer } from '../index.js';

let server: ApiServer;
const CMS = '/api/v1/namespaces/default/configmaps';

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe('replacing an object', () => {
  it('stores nothing when the object comes back as it was read', async () => {
    const created = (await call(server, 'POST', CMS, { metadata: { name: 'same', labels: { a: '1' } }, data: { k: 'v' } })).body;
    const again = await call(server, 'PUT', `${CMS}/same`, created);
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(again.body.metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  it('stores a change, with a new resourceVersion, and the same object comes back from a GET', async () => {
    const created = (await call(server, 'POST', CMS, { metadata: { name: 'changed' }, data: { k: 'v' } })).body;
    const put = (await call(server, 'PUT', `${CMS}/changed`, { ...created, data: { k: 'w' } })).body;
    expect(Number(put.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(put.data).toEqual({ k: 'w' });
    expect((await call(server, 'GET', `${CMS}/changed`)).body).toEqual(put);
  });

  it('answers a patch with the object as stored, the same a GET then returns', async () => {
    await call(server, 'POST', CMS, { metadata: { name: 'patched' }, data: { k: 'v' } });
    const merge = { 'content-type': 'application/merge-patch+json' };
    const patched = await call(server, 'PATCH', `${CMS}/patched`, { data: { k: 'w', n: '1' } }, merge);
    expect(patched.status).toBe(200);
    expect(patched.body.data).toEqual({ k: 'w', n: '1' });
    expect((await call(server, 'GET', `${CMS}/patched`)).body).toEqual(patched.body);
    // A patch that changes nothing stores nothing: the same resourceVersion comes back.
    const again = await call(server, 'PATCH', `${CMS}/patched`, { data: { k: 'w' } }, merge);
    expect(again.body.metadata.resourceVersion).toBe(patched.body.metadata.resourceVersion);
  });

  it('answers a status patch with the object as stored, and changes only the status', async () => {
    const PODS = '/api/v1/namespaces/default/pods';
    await call(server, 'POST', PODS, { metadata: { name: 'status-patched' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const merge = { 'content-type': 'application/merge-patch+json' };
    const patched = await call(server, 'PATCH', `${PODS}/status-patched/status`, { metadata: { labels: { ignored: 'yes' } }, status: { phase: 'Running', podIP: '10.1.2.3' } }, merge);
    expect(patched.status).toBe(200);
    expect(patched.body.status).toMatchObject({ phase: 'Running', podIP: '10.1.2.3' });
    expect(patched.body.metadata.labels).toBeUndefined();
    expect((await call(server, 'GET', `${PODS}/status-patched`)).body).toEqual(patched.body);
  });

  it('answers 409 when the body pins a resourceVersion that is no longer current', async () => {
    const created = (await call(server, 'POST', CMS, { metadata: { name: 'pinned' }, data: { k: 'v' } })).body;
    await call(server, 'PUT', `${CMS}/pinned`, { ...created, data: { k: 'w' } });
    const stale = await call(server, 'PUT', `${CMS}/pinned`, { ...created, data: { k: 'x' } });
    expect(stale.status).toBe(409);
  });
});

describe('binding a pod', () => {
  const PODS = '/api/v1/namespaces/default/pods';
  const pod = (name: string) => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const binding = (name: string, node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } });

  it('sets nodeName and PodScheduled, answers a 201 Status, and adds no managedFields entry (as the real server)', async () => {
    const created = (await call(server, 'POST', PODS, pod('bind-me'))).body;
    const res = await call(server, 'POST', `${PODS}/bind-me/binding`, binding('bind-me', 'node-a'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Success' });
    const bound = (await call(server, 'GET', `${PODS}/bind-me`)).body;
    expect(bound.spec.nodeName).toBe('node-a');
    expect(bound.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    expect(Number(bound.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(bound.metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  it("leaves the cached version it bound from as it was: a selector watch replaying it still sees an unscheduled pod", async () => {
    // The binding reads the watch cache's own object without a copy; were it changed, the replayed ADDED (matched
    // on that object) would go missing.
    const created = (await call(server, 'POST', PODS, pod('kept-as-was'))).body;
    expect((await call(server, 'POST', `${PODS}/kept-as-was/binding`, binding('kept-as-was', 'node-a'))).status).toBe(201);
    const from = Number(created.metadata.resourceVersion) - 1;
    const { events } = await watchEvents(server, `${PODS}?watch=true&resourceVersion=${from}&fieldSelector=spec.nodeName%3D`, (evs) =>
      evs.some((e) => e.object.metadata.name === 'kept-as-was' && e.type === 'DELETED'),
    );
    const mine = events.filter((e) => e.object.metadata.name === 'kept-as-was');
    expect(mine.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
    expect(mine[0].object.spec.nodeName).toBeUndefined();
    expect(mine[0].object.status.conditions ?? []).not.toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    expect(mine[1].object.spec.nodeName).toBe('node-a');
  });

  it('answers 409 for a pod that is already bound, and leaves it on its node', async () => {
    await call(server, 'POST', PODS, pod('bound-once'));
    expect((await call(server, 'POST', `${PODS}/bound-once/binding`, binding('bound-once', 'node-a'))).status).toBe(201);
    const again = await call(server, 'POST', `${PODS}/bound-once/binding`, binding('bound-once', 'node-b'));
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('already assigned to node "node-a"');
    expect((await call(server, 'GET', `${PODS}/bound-once`)).body.spec.nodeName).toBe('node-a');
  });
});

describe('pods/ephemeralcontainers', () => {
  const POD = '/api/v1/namespaces/default/pods/debugged';
  const smp = { 'content-type': 'application/strategic-merge-patch+json' };
  const debugContainer = (name: string, extra: object = {}) => ({ spec: { ephemeralContainers: [{ name, image: 'busybox', ...extra }] } });

  it('adds ephemeral containers, which a pod update then keeps, and only ever adds', async () => {
    await call(server, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'debugged' }, spec: { containers: [{ name: 'app', image: 'busybox' }] } });
    const first = await call(server, 'PATCH', `${POD}/ephemeralcontainers`, JSON.stringify(debugContainer('dbg', { targetContainerName: 'app' })), smp);
    expect(first.status).toBe(200);
    const second = await call(server, 'PATCH', `${POD}/ephemeralcontainers`, JSON.stringify(debugContainer('dbg2')), smp);
    expect(second.body.spec.ephemeralContainers.map((c: any) => c.name)).toEqual(['dbg', 'dbg2']);

    // A plain update neither removes nor adds them.
    const pod = second.body;
    const replaced = await call(server, 'PUT', POD, { ...pod, metadata: { ...pod.metadata, labels: { x: '1' } }, spec: { ...pod.spec, ephemeralContainers: [] } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.spec.ephemeralContainers.map((c: any) => c.name)).toEqual(['dbg', 'dbg2']);

    const removed = await call(server, 'PUT', `${POD}/ephemeralcontainers`, { ...replaced.body, spec: { ...replaced.body.spec, ephemeralContainers: [] } });
    expect(removed.status).toBe(422);
    expect(removed.body.message).toContain('existing ephemeral containers "dbg" may not be removed');
  });

  it('refuses what an ephemeral container may not have, and a target the pod lacks', async () => {
    const ports = await call(server, 'PATCH', `${POD}/ephemeralcontainers`, JSON.stringify(debugContainer('p', { ports: [{ containerPort: 80 }] })), smp);
    expect(ports.status).toBe(422);
    expect(ports.body.message).toContain('spec.ephemeralContainers[2].ports: Forbidden: cannot be set for an Ephemeral Container');
    const target = await call(server, 'PATCH', `${POD}/ephemeralcontainers`, JSON.stringify(debugContainer('t', { targetContainerName: 'nope' })), smp);
    expect(target.status).toBe(422);
    expect(target.body.message).toContain('targetContainerName: Not found: "nope"');
  });
});
