/**
 * Bad input of every kind gets a Kubernetes Status with the right code: never a 500, a crash or a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer } from '../test-util/server.js';
import type { ApiServer } from './index.js';

let server: ApiServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const PB = 'application/vnd.kubernetes.protobuf';

describe('bad input', () => {
  it.each<[string, string, string, unknown, Record<string, string>, number, string]>([
    ['malformed JSON', 'POST', '/api/v1/namespaces/default/pods', '{"kind": "Pod", ', {}, 400, 'BadRequest'],
    ['malformed YAML', 'POST', '/api/v1/namespaces/default/pods', 'kind: Pod\n  metadata: [', { 'content-type': 'application/yaml' }, 400, 'BadRequest'],
    ['malformed protobuf', 'POST', '/api/v1/namespaces/default/configmaps', 'k8s\u0000\u00ff\u00ff\u00ff', { 'content-type': PB }, 400, 'BadRequest'],
    ['protobuf without its prefix', 'POST', '/api/v1/namespaces/default/configmaps', 'not protobuf', { 'content-type': PB }, 400, 'BadRequest'],
    ['a Service sent to pods', 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }, {}, 400, 'BadRequest'],
    ['a pod of the wrong apiVersion', 'POST', '/api/v1/namespaces/default/pods', { ...pod('x'), apiVersion: 'apps/v1' }, {}, 400, 'BadRequest'],
    ['an upper-case name', 'POST', '/api/v1/namespaces/default/pods', pod('Bad_Name'), {}, 422, 'Invalid'],
    ['a namespace that disagrees with the URL', 'POST', '/api/v1/namespaces/default/pods', { ...pod('x'), metadata: { name: 'x', namespace: 'other' } }, {}, 400, 'BadRequest'],
    ['a JSON array as an object', 'POST', '/api/v1/namespaces/default/pods', '[1,2,3]', {}, 400, 'BadRequest'],
    ['a bare number as an object', 'POST', '/api/v1/namespaces/default/pods', '42', {}, 400, 'BadRequest'],
    ['an empty create', 'POST', '/api/v1/namespaces/default/pods', '', { 'content-type': 'application/json' }, 400, 'BadRequest'],
    ['an unknown content type', 'POST', '/api/v1/namespaces/default/pods', 'hello', { 'content-type': 'text/plain' }, 415, 'UnsupportedMediaType'],
    ['an unknown patch type', 'PATCH', '/api/v1/namespaces/default/pods/x', '{}', { 'content-type': 'application/xml' }, 415, 'UnsupportedMediaType'],
    ['a JSON patch that is not a list', 'PATCH', '/api/v1/namespaces/kube-system/configmaps/none', '{}', { 'content-type': 'application/json-patch+json' }, 404, 'NotFound'],
    ['a resource that does not exist', 'GET', '/api/v1/namespaces/default/widgets', undefined, {}, 404, 'NotFound'],
    ['a group that does not exist', 'GET', '/apis/example.com/v1', undefined, {}, 404, 'NotFound'],
    ['a path outside the API', 'GET', '/nothing/here', undefined, {}, 404, 'NotFound'],
    ['a PUT on a collection', 'PUT', '/api/v1/namespaces/default/pods', pod('x'), {}, 405, 'MethodNotAllowed'],
    ['a create across all namespaces', 'POST', '/api/v1/pods', pod('x'), {}, 405, 'MethodNotAllowed'],
    ['an unsupported verb on namespaces', 'DELETE', '/api/v1/namespaces', undefined, {}, 405, 'MethodNotAllowed'],
    ['a malformed label selector', 'GET', '/api/v1/pods?labelSelector=a%20b%20c', undefined, {}, 400, 'BadRequest'],
    ['an unsupported field selector', 'GET', '/api/v1/pods?fieldSelector=spec.image%3Dx', undefined, {}, 400, 'BadRequest'],
    ['a negative limit', 'GET', '/api/v1/pods?limit=-1', undefined, {}, 400, 'BadRequest'],
    ['a resourceVersion that is not a number', 'GET', '/api/v1/pods?resourceVersion=abc', undefined, {}, 400, 'BadRequest'],
    ['resourceVersionMatch without resourceVersion', 'GET', '/api/v1/pods?resourceVersionMatch=Exact', undefined, {}, 422, 'Invalid'],
    ['a garbled continue token', 'GET', '/api/v1/pods?limit=1&continue=%%%', undefined, {}, 400, 'BadRequest'],
    ['a future resourceVersion', 'GET', '/api/v1/pods?resourceVersion=999999999', undefined, {}, 504, 'Timeout'],
    ['a bad dryRun value', 'POST', '/api/v1/namespaces/default/pods?dryRun=Some', pod('x'), {}, 400, 'BadRequest'],
    ['a bad propagation policy', 'DELETE', '/api/v1/namespaces/default/pods/x', { propagationPolicy: 'Sideways' }, {}, 422, 'Invalid'],
    ['an Accept the server cannot produce', 'GET', '/api/v1/namespaces/default/pods', undefined, { accept: 'application/xml' }, 406, 'NotAcceptable'],
    ['an apply without a field manager', 'PATCH', '/api/v1/namespaces/default/configmaps/x', '{"apiVersion":"v1","kind":"ConfigMap"}', { 'content-type': 'application/apply-patch+yaml' }, 422, 'Invalid'],
    ['a name that is a number', 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 7 } }, {}, 400, 'BadRequest'],
    ['replicas as a string', 'POST', '/apis/apps/v1/namespaces/default/deployments', { metadata: { name: 'd' }, spec: { replicas: 'three' } }, {}, 400, 'BadRequest'],
    ['containers as an object', 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { containers: { name: 'c' } } }, {}, 400, 'BadRequest'],
    ['an unknown field under Strict validation', 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { metadata: { name: 'strict' }, dta: { a: 'b' } }, {}, 400, 'BadRequest'],
    ['a bad fieldValidation value', 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Loose', { metadata: { name: 'x' } }, {}, 400, 'BadRequest'],
    ['a scale to negative replicas', 'PATCH', '/apis/apps/v1/namespaces/default/deployments/none/scale', '{"spec":{"replicas":-1}}', { 'content-type': 'application/merge-patch+json' }, 404, 'NotFound'],
  ])('answers %s with a Status', async (_what, method, path, body, headers, code, reason) => {
    const r = await call(server, method, path, body, headers);
    expect(r.status).toBe(code);
    expect(r.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
  });

  it('drops an unknown field with a warning under the default validation', async () => {
    const r = await call(server, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'warned' }, data: { a: 'b' }, dta: 1 });
    expect(r.status).toBe(201);
    expect(r.body.dta).toBeUndefined();
    expect(r.headers.get('warning')).toBe('299 - "unknown field \\"dta\\""');
  });

  it('answers a body over 3 MiB with 413', async () => {
    const big = { ...pod('big'), metadata: { name: 'big', annotations: { a: 'x'.repeat(4 * 1024 * 1024) } } };
    const r = await call(server, 'POST', '/api/v1/namespaces/default/pods', big);
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
  });

  it('answers a deeply nested body with 400, not a stack overflow', async () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const r = await call(server, 'POST', '/api/v1/namespaces/default/configmaps', deep);
    expect(r.status).toBe(400);
    expect(r.body.kind).toBe('Status');
  });

  it('accepts an empty DELETE body sent as application/json (client-node does that)', async () => {
    expect((await call(server, 'POST', '/api/v1/namespaces/default/pods', pod('empty-delete'))).status).toBe(201);
    const r = await call(server, 'DELETE', '/api/v1/namespaces/default/pods/empty-delete', '', { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    expect(r.body.metadata.name).toBe('empty-delete');
  });

  it('gives no 500 for garbage on any route', async () => {
    const garbage = ['', '{', 'null', '[]', '"x"', '{"metadata":5}', '{"metadata":{"name":7}}', '{"spec":"x","metadata":{"name":"g"}}', '\u0000\u0001', 'k8s\u0000'];
    const types = ['application/json', 'application/yaml', PB, 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml'];
    const routes: [string, string][] = [
      ['POST', '/api/v1/namespaces/default/configmaps'],
      ['PUT', '/api/v1/namespaces/default/configmaps/kube-root'],
      ['PATCH', '/api/v1/namespaces/default/services/kubernetes'],
      ['PATCH', '/apis/apps/v1/namespaces/default/deployments/x/scale'],
      ['PUT', '/api/v1/namespaces/default/services/kubernetes/status'],
      ['POST', '/api/v1/namespaces/default/pods/x/binding'],
      ['DELETE', '/api/v1/namespaces/default/configmaps/x'],
      ['POST', '/apis/batch/v1/namespaces/default/jobs'],
    ];
    const codes = new Set<number>();
    for (const [method, path] of routes) {
      for (const type of types) {
        for (const body of garbage) {
          const r = await call(server, method, path, body, { 'content-type': type });
          codes.add(r.status);
          if (r.status >= 500 || (r.status >= 300 && r.body?.kind !== 'Status')) throw new Error(`${method} ${path} (${type}) ${JSON.stringify(body)} -> ${r.status} ${r.text.slice(0, 200)}`);
        }
      }
    }
    expect([...codes].every((c) => c < 500)).toBe(true);
    expect([...codes].filter((c) => c >= 400).length).toBeGreaterThan(3);
  });

  it('still serves after all of that', async () => {
    const r = await call(server, 'GET', '/api/v1/namespaces/default/services/kubernetes');
    expect(r.status).toBe(200);
    expect(r.body.spec.clusterIP).toBe('10.96.0.1');
  });
});
