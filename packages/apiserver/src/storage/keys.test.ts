import { ResourceRegistry } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { collectionPrefix, objectKey, parseKey } from './keys.js';

const registry = new ResourceRegistry();

describe('storage keys', () => {
  it.each([
    ['', 'pods', 'default', 'web', '/registry/pods/default/web'],
    ['', 'nodes', undefined, 'n1', '/registry/nodes/n1'],
    ['apps', 'deployments', 'prod', 'api', '/registry/deployments/prod/api'],
    ['', 'events', 'default', 'e1', '/registry/events/default/e1'],
    ['events.k8s.io', 'events', 'default', 'e1', '/registry/events/default/e1'],
  ])('keys %s/%s %s/%s as %s', (group, resource, ns, name, key) => {
    const def = registry.get(group, 'v1', resource)!;
    expect(objectKey(def, ns, name)).toBe(key);
    expect(parseKey(def, key)).toEqual({ namespace: ns ?? '', name });
  });

  it('gives a namespace its own collection prefix, and all namespaces the resource prefix', () => {
    const pods = registry.get('', 'v1', 'pods')!;
    expect(collectionPrefix(pods, 'default')).toBe('/registry/pods/default/');
    expect(collectionPrefix(pods)).toBe('/registry/pods/');
  });
});
