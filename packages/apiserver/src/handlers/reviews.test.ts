/**
 * The review kinds with the real kubectl: `auth whoami` (with and without --as), `auth can-i` (one verb and
 * --list), and TokenReview of tokens from `kubectl create token`; and their bad input over plain HTTP.
 */
import { describe, expect, it } from 'vitest';
import { call, serverWithKubectl } from '../../test-util/server.js';

const live = serverWithKubectl();

describe('kubectl auth', () => {
  it('whoami names the user the server took the request to be from', async () => {
    const me = await live.kubectl.json(['auth', 'whoami']);
    expect(me.kind).toBe('SelfSubjectReview');
    expect(me.status.userInfo).toEqual({ username: 'system:admin', groups: ['system:masters', 'system:authenticated'] });
    const table = await live.kubectl.ok(['auth', 'whoami']);
    expect(table).toMatch(/Username\s+system:admin/);
  });

  it('whoami --as acts as the impersonated user, with the groups the real server adds', async () => {
    const jane = await live.kubectl.json(['auth', 'whoami', '--as=jane', '--as-group=dev', '--as-group=ops']);
    expect(jane.status.userInfo).toEqual({ username: 'jane', groups: ['dev', 'ops', 'system:authenticated'] });
    const sa = await live.kubectl.json(['auth', 'whoami', '--as=system:serviceaccount:default:builder']);
    expect(sa.status.userInfo.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
  });

  it('can-i answers yes, as an allow-all authorizer does', async () => {
    expect((await live.kubectl.ok(['auth', 'can-i', 'create', 'pods'])).trim()).toBe('yes');
    expect((await live.kubectl.ok(['auth', 'can-i', 'delete', 'deployments.apps', '-n', 'kube-system'])).trim()).toBe('yes');
    expect((await live.kubectl.ok(['auth', 'can-i', 'get', '/healthz'])).trim()).toBe('yes');
    const list = await live.kubectl.ok(['auth', 'can-i', '--list']);
    expect(list).toMatch(/\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
  });
});

describe('TokenReview', () => {
  const review = (token: string, audiences?: string[]) =>
    call(live.server, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } });

  it('authenticates a token from kubectl create token as its service account, until the account is gone', async () => {
    await live.kubectl.ok(['create', 'serviceaccount', 'robot']);
    const token = (await live.kubectl.ok(['create', 'token', 'robot'])).trim();
    const ok = await review(token);
    expect(ok.status).toBe(201);
    expect(ok.body.status.authenticated).toBe(true);
    expect(ok.body.status.user.username).toBe('system:serviceaccount:default:robot');
    expect(ok.body.status.user.groups).toContain('system:serviceaccounts:default');

    const otherAudience = await review(token, ['vault']);
    expect(otherAudience.body.status.authenticated).toBe(false);
    expect(otherAudience.body.status.error).toContain('audiences');

    const [head, body] = token.split('.');
    const forged = await review(`${head}.${body}.${Buffer.from('not the signature').toString('base64url')}`);
    expect(forged.body.status).toMatchObject({ authenticated: false, error: expect.stringContaining('not signed by this server') });

    await live.kubectl.ok(['delete', 'serviceaccount', 'robot']);
    const gone = await review(token);
    expect(gone.body.status).toMatchObject({ authenticated: false, error: expect.stringContaining('has been deleted') });
  });

  it('refuses a review without a token', async () => {
    const r = await review('');
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('token is required for TokenReview in authentication');
  });
});

describe('bad review input', () => {
  const ssar = (spec: unknown) => call(live.server, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec });

  it('asks for exactly one of resourceAttributes and nonResourceAttributes', async () => {
    const none = await ssar({});
    expect(none.status).toBe(422);
    expect(none.body.message).toContain('spec.resourceAttributes: Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
    const both = await ssar({ resourceAttributes: { verb: 'get', resource: 'pods' }, nonResourceAttributes: { path: '/healthz', verb: 'get' } });
    expect(both.status).toBe(422);
    expect(both.body.message).toContain('cannot be specified in combination with resourceAttributes');
  });

  it('asks a SubjectAccessReview whom it is about, and a local one to stay in its namespace', async () => {
    const sar = await call(live.server, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } });
    expect(sar.status).toBe(422);
    expect(sar.body.message).toContain('at least one of user or group must be specified');
    const local = await call(live.server, 'POST', '/apis/authorization.k8s.io/v1/namespaces/team/localsubjectaccessreviews', {
      spec: { user: 'jane', resourceAttributes: { verb: 'get', resource: 'pods' } },
    });
    expect(local.status).toBe(201);
    expect(local.body.spec.resourceAttributes.namespace).toBe('team');
    expect(local.body.status.allowed).toBe(true);
    const elsewhere = await call(live.server, 'POST', '/apis/authorization.k8s.io/v1/namespaces/team/localsubjectaccessreviews', {
      spec: { user: 'jane', resourceAttributes: { namespace: 'other', verb: 'get', resource: 'pods' } },
    });
    expect(elsewhere.status).toBe(400);
  });

  it('keeps nothing: reviews cannot be read back, and are not in discovery as readable', async () => {
    const get = await call(live.server, 'GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    expect(get.status).toBe(405);
    const doc = await call(live.server, 'GET', '/apis/authorization.k8s.io/v1');
    const ssarDoc = doc.body.resources.find((r: { name: string }) => r.name === 'selfsubjectaccessreviews');
    expect(ssarDoc.verbs).toEqual(['create']);
  });

  it('answers a group impersonated without a user with 400', async () => {
    const r = await call(live.server, 'GET', '/api/v1/namespaces', undefined, { 'impersonate-group': 'dev' });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('without impersonating a user');
  });
});
