import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer } from '../../test-util/server.js';
import type { ApiServer } from '../index.js';

let server: ApiServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

describe('discovery', () => {
  it('reports minor version 32 and asks clients not to cache it', async () => {
    const r = await call(server, 'GET', '/version');
    expect(r.body).toMatchObject({ major: '1', minor: '32' });
    expect(r.headers.get('cache-control')).toBe('no-cache, private');
  });

  it('serves aggregated discovery with the exact content type kubectl requires', async () => {
    const r = await call(server, 'GET', '/apis', undefined, { accept: AGGREGATED });
    expect(r.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const apps = r.body.items.find((i: any) => i.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((x: any) => x.resource === 'deployments');
    expect(deploy).toMatchObject({ scope: 'Namespaced', shortNames: ['deploy'], categories: ['all'] });
    expect(deploy.subresources.find((s: any) => s.subresource === 'scale').responseKind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const core = (await call(server, 'GET', '/api', undefined, { accept: AGGREGATED })).body;
    expect(core.items).toHaveLength(1);
    expect(core.items[0].metadata.name).toBe('');
  });

  it('serves the legacy documents to clients that ask for plain JSON', async () => {
    expect((await call(server, 'GET', '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await call(server, 'GET', '/apis')).body;
    expect(groups.groups.map((g: any) => g.name)).toEqual([
      'apps',
      'batch',
      'coordination.k8s.io',
      'discovery.k8s.io',
      'events.k8s.io',
      'scheduling.k8s.io',
      'autoscaling',
      'policy',
      'networking.k8s.io',
      'rbac.authorization.k8s.io',
      'storage.k8s.io',
      'authentication.k8s.io',
      'authorization.k8s.io',
      'metrics.k8s.io',
    ]);
    const apps = (await call(server, 'GET', '/apis/apps/v1')).body;
    expect(apps.resources.find((r: any) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect((await call(server, 'GET', '/apis/apps')).body).toMatchObject({ kind: 'APIGroup', name: 'apps' });
    const core = (await call(server, 'GET', '/api/v1')).body;
    expect(core.resources.find((r: any) => r.name === 'pods/exec')).toMatchObject({ kind: 'PodExecOptions', verbs: ['create', 'get'] });
  });

  it('publishes an OpenAPI v3 document per group/version with PATCH operations that take fieldValidation', async () => {
    const index = (await call(server, 'GET', '/openapi/v3')).body;
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/batch/v1']));
    const doc = (await call(server, 'GET', index.paths['apis/apps/v1'].serverRelativeURL)).body;
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(patch.parameters.map((p: any) => p.name)).toContain('fieldValidation');
    const deployment = Object.values(doc.components.schemas).find((s: any) => s['x-kubernetes-group-version-kind']?.[0]?.kind === 'Deployment') as any;
    expect(Object.keys(deployment.properties)).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec', 'status']));
  });

  it('answers /openapi/v2 only to clients that accept JSON', async () => {
    expect((await call(server, 'GET', '/openapi/v2', undefined, { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' })).status).toBe(404);
    const v2 = (await call(server, 'GET', '/openapi/v2', undefined, { accept: 'application/json' })).body;
    expect(v2.swagger).toBe('2.0');
    expect(v2.definitions['io.k8s.v1.Pod']['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'Pod' }]);
  });

  it('answers health checks and exposes request metrics', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) expect((await call(server, 'GET', p)).text).toBe('ok');
    await call(server, 'GET', '/api/v1/namespaces/default/configmaps');
    await call(server, 'GET', '/api/v1/namespaces/default/configmaps/missing');
    const text = (await call(server, 'GET', '/metrics')).text;
    expect(text).toMatch(/apiserver_request_total\{verb="LIST",resource="configmaps",code="200"\} \d+/);
    expect(text).toMatch(/apiserver_request_total\{verb="GET",resource="configmaps",code="404"\} 1/);
    expect(text).toMatch(/apiserver_request_duration_seconds_bucket\{verb="LIST",resource="configmaps",le="\+Inf"\} \d+/);
    expect(text).toMatch(/etcd_request_duration_seconds_count\{operation="range"\} \d+/);
    expect(text).toMatch(/apiserver_registered_watchers \d+/);
  });
});
