import type { ConfigMap, Deployment, Namespace } from '@skiff/api';
import { isNotFound } from '@skiff/client';
import { kubectlFor, waitFor, type Kubectl } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';
import { deployment } from '../../test-util/objects.js';

let tc: TestCluster;
let kubectl: Kubectl;
beforeAll(async () => {
  tc = await startTestCluster();
  kubectl = kubectlFor(tc.server.url);
});
afterAll(async () => {
  kubectl?.cleanup();
  await tc?.close();
});

describe('namespace controller', () => {
  it('empties a deleted namespace, terminating pods included, then lets the server remove it', async () => {
    const ns = await tc.namespace('doomed');
    await tc.client.resource<Deployment>('apps/v1/deployments').namespace(ns).create(deployment('web', { replicas: 2 }));
    await tc.client.resource<ConfigMap>('v1/configmaps').namespace(ns).create({ metadata: { name: 'settings' }, data: { a: '1' } });
    await kubectl.ok(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s'], { timeoutMs: 70_000 });
    await kubectl.ok(['delete', 'namespace', ns, '--wait=false']);
    const terminating = await tc.client.resource<Namespace>('v1/namespaces').get(ns);
    expect(terminating.status?.phase).toBe('Terminating');
    await waitFor('the namespace to be gone', async () => {
      try {
        await tc.client.resource<Namespace>('v1/namespaces').get(ns);
        return false;
      } catch (e) {
        return isNotFound(e);
      }
    }, { timeoutMs: 30_000 });
    for (const r of ['v1/pods', 'v1/configmaps', 'apps/v1/deployments', 'apps/v1/replicasets']) {
      expect((await tc.client.resource(r).namespace(ns).list()).items, r).toHaveLength(0);
    }
  });

  it('refuses new objects in a terminating namespace (the server), and keeps live namespaces untouched', async () => {
    const keep = await tc.namespace('kept');
    await tc.client.resource<ConfigMap>('v1/configmaps').namespace(keep).create({ metadata: { name: 'stay' } });
    const ns = await tc.namespace('closing');
    await tc.client.resource<ConfigMap>('v1/configmaps').namespace(ns).create({ metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await tc.client.resource('v1/namespaces').delete(ns);
    const cond = await waitFor('the remaining-content condition', async () => {
      const n = await tc.client.resource<Namespace>('v1/namespaces').get(ns);
      return n.status?.conditions?.find((c) => c.type === 'NamespaceContentRemaining');
    });
    expect(cond.message).toContain('configmaps has 1 resource instances');
    await tc.client.resource<ConfigMap>('v1/configmaps').namespace(ns).patch('held', { metadata: { finalizers: null } }, 'merge');
    await waitFor('the namespace to be gone', async () => !(await tc.client.resource('v1/namespaces').list()).items.some((n) => n.metadata?.name === ns), { timeoutMs: 30_000 });
    expect((await tc.client.resource<ConfigMap>('v1/configmaps').namespace(keep).get('stay')).metadata?.name).toBe('stay');
  });
});
