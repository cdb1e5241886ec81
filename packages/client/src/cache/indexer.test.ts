import type { KubeObject } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { Indexer, OWNER_UID_INDEX, splitKey, objectKey } from './indexer.js';

const obj = (ns: string | undefined, name: string, owners: string[] = []): KubeObject => ({
  metadata: { name, namespace: ns, ownerReferences: owners.map((uid) => ({ apiVersion: 'v1', kind: 'X', name: uid, uid })) },
});

describe('Indexer', () => {
  it.each([
    { o: obj('a', 'web'), key: 'a/web' },
    { o: obj(undefined, 'node-1'), key: 'node-1' },
  ])('keys $key', ({ o, key }) => {
    expect(objectKey(o)).toBe(key);
    expect(splitKey(key).name).toBe(o.metadata.name);
    expect(splitKey(key).namespace).toBe(o.metadata.namespace);
  });

  it('moves an object between index values as it changes, and drops values left empty', () => {
    const ix = new Indexer();
    ix.upsert(obj('a', 'web-1', ['U1']));
    ix.upsert(obj('a', 'web-2', ['U1', 'U2']));
    expect(ix.indexKeys(OWNER_UID_INDEX, 'U1').sort()).toEqual(['a/web-1', 'a/web-2']);
    ix.upsert(obj('a', 'web-2', ['U2']));
    expect(ix.indexKeys(OWNER_UID_INDEX, 'U1')).toEqual(['a/web-1']);
    expect([ix.countByIndex(OWNER_UID_INDEX, 'U1'), ix.countByIndex(OWNER_UID_INDEX, 'U2'), ix.countByIndex(OWNER_UID_INDEX, 'U3')]).toEqual([1, 1, 0]);
    ix.remove('a/web-1');
    expect(ix.indexValues(OWNER_UID_INDEX)).toEqual(['U2']);
    expect(ix.size).toBe(1);
  });

  it('indexes existing objects when an index is added later', () => {
    const ix = new Indexer();
    ix.upsert(obj('a', 'x'));
    ix.upsert(obj('b', 'y'));
    ix.addIndexers({ firstLetter: (o) => [o.metadata.name!.slice(0, 1)] });
    expect(ix.byIndex('firstLetter', 'y').map((o) => o.metadata.namespace)).toEqual(['b']);
  });

  it('refuses lookups in an index that does not exist', () => {
    expect(() => new Indexer().byIndex('nope', 'x')).toThrow(/no index/);
    expect(() => new Indexer().countByIndex('nope', 'x')).toThrow(/no index/);
  });
});
