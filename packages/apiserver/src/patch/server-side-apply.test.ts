import type { KubeObject } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { trackUpdate } from './managed-fields.js';
import { serverSideApply } from './server-side-apply.js';

const intent = (replicas: number, image: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', ...extra },
  spec: { replicas, template: { spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 80 }] }] } } },
});

const apply = (live: KubeObject | undefined, i: KubeObject, manager = 'alice', force = false) =>
  serverSideApply(live, i, { manager, subresource: '', force, scope: 'main' });

describe('server-side apply', () => {
  it('records the applier as owning exactly the fields it set', () => {
    const out = apply(undefined, intent(2, 'a:1'));
    const [entry] = out.metadata.managedFields as any[];
    expect(entry).toMatchObject({ manager: 'alice', operation: 'Apply', fieldsType: 'FieldsV1' });
    const containers = entry.fieldsV1['f:spec']['f:template']['f:spec']['f:containers'];
    expect(Object.keys(containers)).toEqual(['k:{"name":"app"}']);
    expect(containers['k:{"name":"app"}']['f:ports']).toEqual({ 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } });
  });

  it('merges keyed lists item by item, treating a defaulted key as the same item', () => {
    const live = apply(undefined, intent(2, 'a:1'));
    live.spec.template.spec.containers[0].ports[0].protocol = 'TCP';
    const out = apply(live, intent(2, 'a:2'));
    expect(out.spec.template.spec.containers).toEqual([{ name: 'app', image: 'a:2', ports: [{ containerPort: 80, protocol: 'TCP' }] }]);
  });

  it('reports a conflict with another manager that set a different value', () => {
    const live = apply(undefined, intent(2, 'a:1'));
    expect(() => apply(live, intent(3, 'a:1'), 'bob')).toThrow(/Apply failed with 1 conflict: conflict with "alice": \.spec\.replicas/);
  });

  it('shares ownership without a conflict when the values agree', () => {
    const live = apply(undefined, intent(2, 'a:1'));
    const out = apply(live, intent(2, 'a:1'), 'bob');
    expect((out.metadata.managedFields as any[]).map((m) => m.manager).sort()).toEqual(['alice', 'bob']);
  });

  it('takes a conflicting field over when forced', () => {
    const live = apply(undefined, intent(2, 'a:1'));
    const out = apply(live, intent(5, 'a:1'), 'bob', true);
    expect(out.spec.replicas).toBe(5);
    const alice = (out.metadata.managedFields as any[]).find((m) => m.manager === 'alice');
    expect(alice.fieldsV1['f:spec']['f:replicas']).toBeUndefined();
  });

  it('removes fields the applier stops setting unless another manager owns them', () => {
    const live = apply(undefined, intent(2, 'a:1', { labels: { a: '1', b: '2' } }));
    const out = apply(live, intent(2, 'a:1', { labels: { a: '1' } }));
    expect(out.metadata.labels).toEqual({ a: '1' });
  });

  it('conflicts with a field an update changed since', () => {
    const live = apply(undefined, intent(2, 'a:1'));
    const scaled = structuredClone(live);
    scaled.spec.replicas = 9;
    trackUpdate(live, scaled, { name: 'kubectl-scale', subresource: '' }, 'main');
    expect(() => apply(scaled, intent(2, 'a:1'))).toThrow(/conflict with "kubectl-scale": \.spec\.replicas/);
  });
});
