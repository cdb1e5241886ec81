import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

const deploy = {
  metadata: { name: 'web', finalizers: ['a'] },
  spec: {
    template: {
      spec: {
        containers: [
          { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
          { name: 'b', image: 'b:1' },
        ],
      },
    },
  },
};

const containers = (o: any) => o.spec.template.spec.containers;

describe('strategic merge patch', () => {
  it('merges containers by name instead of replacing the list', () => {
    const out = applyStrategicMergePatch(deploy, { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } });
    expect(containers(out)).toEqual([containers(deploy)[0], { name: 'b', image: 'b:2' }]);
  });

  it('adds a container it does not know', () => {
    const out = applyStrategicMergePatch(deploy, { spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } } });
    expect(containers(out).map((c: any) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it('deletes an item marked with $patch: delete', () => {
    const out = applyStrategicMergePatch(deploy, { spec: { template: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } } } });
    expect(containers(out).map((c: any) => c.name)).toEqual(['b']);
  });

  it('replaces a list that carries $patch: replace', () => {
    const out = applyStrategicMergePatch(deploy, { spec: { template: { spec: { containers: [{ name: 'z', image: 'z' }, { $patch: 'replace' }] } } } });
    expect(containers(out)).toEqual([{ name: 'z', image: 'z' }]);
  });

  it('merges env by name and container ports by containerPort', () => {
    const out = applyStrategicMergePatch(deploy, {
      spec: { template: { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }], ports: [{ containerPort: 443 }] }] } } },
    });
    expect(containers(out)[0].env).toEqual([{ name: 'X', value: '1' }, { name: 'Y', value: '2' }]);
    expect(containers(out)[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }]);
  });

  it('orders a merged list by $setElementOrder', () => {
    const out = applyStrategicMergePatch(deploy, {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'a', image: 'a:2' }] } } },
    });
    expect(containers(out).map((c: any) => `${c.name}=${c.image}`)).toEqual(['b=b:1', 'a=a:2']);
  });

  it('merges finalizers as a set and deletes from it with $deleteFromPrimitiveList', () => {
    expect(applyStrategicMergePatch(deploy, { metadata: { finalizers: ['b', 'a'] } }).metadata.finalizers).toEqual(['a', 'b']);
    expect(applyStrategicMergePatch(deploy, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata.finalizers).toEqual([]);
  });

  it('drops keys not in $retainKeys', () => {
    const out = applyStrategicMergePatch({ spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } }, {
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
    });
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('replaces a map carrying $patch: replace and deletes one with $patch: delete', () => {
    expect(applyStrategicMergePatch({ a: { x: 1, y: 2 } }, { a: { x: 3, $patch: 'replace' } })).toEqual({ a: { x: 3 } });
    expect(applyStrategicMergePatch({ a: { x: 1 }, b: 1 }, { a: { $patch: 'delete' } })).toEqual({ b: 1 });
  });

  it('deletes fields set to null, as a merge patch does', () => {
    expect(applyStrategicMergePatch({ a: 1, b: 2 }, { a: null })).toEqual({ b: 2 });
  });

  it('merges service ports by port but replaces unknown lists', () => {
    const svc = { spec: { ports: [{ port: 80, name: 'http' }], externalIPs: ['1.1.1.1'] } };
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 443, name: 'https' }], externalIPs: ['2.2.2.2'] } }, 'Service');
    expect(out.spec.ports.map((p: any) => p.port)).toEqual([80, 443]);
    expect(out.spec.externalIPs).toEqual(['2.2.2.2']);
  });

  it('rejects an unknown directive', () => {
    expect(() => applyStrategicMergePatch({}, { a: { $patch: 'explode' } })).toThrow(expect.objectContaining({ code: 400 }));
  });
});
