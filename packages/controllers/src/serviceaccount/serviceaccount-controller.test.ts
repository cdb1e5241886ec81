import type { ServiceAccount } from '@skiff/api';
import { waitFor } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../test-util/cluster.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ nodes: false, manager: { controllers: ['serviceaccount'] } });
});
afterAll(async () => tc?.close());

const sa = (ns: string) => tc.client.resource<ServiceAccount>('v1/serviceaccounts').namespace(ns);

describe('ServiceAccount controller', () => {
  it('gives every namespace a default ServiceAccount, the system ones included', async () => {
    const ns = await tc.namespace('sa-new');
    for (const n of [ns, 'default', 'kube-system']) {
      const got = await waitFor(`default SA in ${n}`, () => sa(n).get('default').catch(() => undefined));
      expect(got.metadata?.name).toBe('default');
    }
  });

  it('recreates the default ServiceAccount after it is deleted', async () => {
    const ns = await tc.namespace('sa-again');
    const first = await waitFor('the first default SA', () => sa(ns).get('default').catch(() => undefined));
    await sa(ns).delete('default');
    const second = await waitFor('a new default SA', async () => {
      const s = await sa(ns).get('default').catch(() => undefined);
      return s && s.metadata?.uid !== first.metadata?.uid ? s : undefined;
    });
    expect(second.metadata?.name).toBe('default');
  });
});
