import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases } from '../../test-util/engine-cases.js';
import { b, kvText } from '../../test-util/kv-text.js';
import type { MvccEngine } from '../engine.js';
import { isStoreError, type StoreErrorCode } from '../errors.js';
import { prefixEnd } from '../key-range.js';
import { TsEngine } from './ts-engine.js';

/** The error a call throws, as { code, details }; fails if it does not throw a StoreError. */
function storeErrorOf(fn: () => unknown): { code: StoreErrorCode; details: unknown } {
  try {
    fn();
  } catch (err) {
    if (isStoreError(err)) return { code: err.code, details: err.details };
    throw err;
  }
  throw new Error('expected a StoreError, but the call returned');
}

const keysOf = (e: MvccEngine, key: string, end?: Uint8Array): string[] =>
  e.range(b(key), end).kvs.map((kv) => kvText(kv).key);

describe.each(engineCases())('the $name engine (etcd semantics)', (c) => {
  let e: MvccEngine;
  beforeEach((ctx) => {
    if (c.unavailable) ctx.skip(c.unavailable);
    e = c.make({ leaseExists: (id) => id !== 404 });
  });
  afterEach(() => e?.close());

  describe('revisions', () => {
    it.each<{ name: string; run: (e: MvccEngine) => void; revision: number }>([
      { name: 'a fresh store is at revision 1', run: () => {}, revision: 1 },
      { name: 'a put advances it', run: (e) => e.put(b('a'), b('1')), revision: 2 },
      { name: 'a put of the same value advances it again', run: (e) => [1, 2].forEach(() => e.put(b('a'), b('1'))), revision: 3 },
      { name: 'deleting an absent key leaves it', run: (e) => e.deleteRange(b('a')), revision: 1 },
      { name: 'deleting an absent range leaves it', run: (e) => e.deleteRange(b('a'), b('\0')), revision: 1 },
      { name: 'deleting a present key advances it', run: (e) => (e.put(b('a'), b('1')), e.deleteRange(b('a'))), revision: 3 },
      { name: 'deleting three keys advances it once', run: (e) => (['x', 'y', 'z'].forEach((k) => e.put(b(k), b('1'))), e.deleteRange(b('x'), b('\0'))), revision: 5 },
      { name: 'a txn that only reads leaves it', run: (e) => e.txn({ compare: [], success: [{ range: { key: b('a') } }], failure: [] }), revision: 1 },
      {
        name: 'a txn with two puts advances it once',
        run: (e) => e.txn({ compare: [], success: [{ put: { key: b('a'), value: b('1') } }, { put: { key: b('b'), value: b('1') } }], failure: [] }),
        revision: 2,
      },
    ])('$name (revision $revision)', ({ run, revision }) => {
      run(e);
      expect(e.currentRevision()).toBe(revision);
    });

    it('gives the changes of one write one main revision and sub revisions 0, 1, 2 in order', () => {
      ['x', 'y', 'z'].forEach((k) => e.put(b(k), b('1')));
      e.deleteRange(b('x'), b('\0'));
      const subs = [...e.dump().records].filter((r) => r.main === 5).map((r) => [new TextDecoder().decode(r.key), r.sub, r.tombstone]);
      expect(subs).toEqual([['x', 0, true], ['y', 1, true], ['z', 2, true]]);
    });

    it('returns the new revision from a put and the unchanged one from a delete of nothing', () => {
      expect(e.put(b('a'), b('1')).revision).toBe(2);
      expect(e.deleteRange(b('zz'))).toEqual({ revision: 2, deleted: 0 });
      expect(e.deleteRange(b('a'), undefined, { prevKv: true }).revision).toBe(3);
    });
  });

  describe('ranges', () => {
    beforeEach(() => {
      for (const k of ['a', 'ab', 'b', 'c/1', 'c/2', 'd']) e.put(b(k), b(`v-${k}`));
    });

    it.each<{ name: string; key: string; end?: Uint8Array; keys: string[] }>([
      { name: 'no range end is the single key', key: 'b', keys: ['b'] },
      { name: 'an empty range end is the single key too', key: 'b', end: new Uint8Array(0), keys: ['b'] },
      { name: 'a single key that does not exist is nothing', key: 'bb', keys: [] },
      { name: '"\\0" as the end is every key >= key', key: 'b', end: b('\0'), keys: ['b', 'c/1', 'c/2', 'd'] },
      { name: '"\\0" to "\\0" is every key', key: '\0', end: b('\0'), keys: ['a', 'ab', 'b', 'c/1', 'c/2', 'd'] },
      { name: 'the end is exclusive', key: 'a', end: b('c/1'), keys: ['a', 'ab', 'b'] },
      { name: 'the prefix end covers the prefix', key: 'c/', end: prefixEnd(b('c/')), keys: ['c/1', 'c/2'] },
      { name: 'an end before the key is nothing', key: 'd', end: b('a'), keys: [] },
      { name: 'an end equal to the key is nothing', key: 'a', end: b('a'), keys: [] },
    ])('$name', ({ key, end, keys }) => {
      expect(keysOf(e, key, end)).toEqual(keys);
    });

    it.each([
      { opts: { limit: 2 }, keys: ['a', 'ab'], count: 6, more: true },
      { opts: { limit: 6 }, keys: ['a', 'ab', 'b', 'c/1', 'c/2', 'd'], count: 6, more: false },
      { opts: { limit: 0 }, keys: ['a', 'ab', 'b', 'c/1', 'c/2', 'd'], count: 6, more: false },
      { opts: { countOnly: true }, keys: [], count: 6, more: false },
      { opts: { countOnly: true, limit: 2 }, keys: [], count: 6, more: false },
    ])('with $opts returns $keys of $count (more: $more)', ({ opts, keys, count, more }) => {
      const r = e.range(b('\0'), b('\0'), opts);
      expect({ keys: r.kvs.map((kv) => kvText(kv).key), count: r.count, more: r.more, revision: r.revision }).toEqual({ keys, count, more, revision: 7 });
    });

    it('leaves values out with keysOnly and keeps everything else', () => {
      const [kv] = e.range(b('b'), undefined, { keysOnly: true }).kvs;
      expect(kvText(kv!)).toEqual({ key: 'b', value: '', create: 4, mod: 4, version: 1, lease: 0 });
    });
  });

  describe('history', () => {
    it.each([
      { at: 2, kv: { key: 'a', value: '1', create: 2, mod: 2, version: 1, lease: 0 } },
      { at: 3, kv: { key: 'a', value: '2', create: 2, mod: 3, version: 2, lease: 0 } },
      { at: 4, kv: null },
      { at: 5, kv: { key: 'a', value: '3', create: 5, mod: 5, version: 1, lease: 0 } },
      { at: 0, kv: { key: 'a', value: '3', create: 5, mod: 5, version: 1, lease: 0 } },
    ])('reads put, put, delete, put at revision $at as $kv', ({ at, kv }) => {
      e.put(b('a'), b('1'));
      e.put(b('a'), b('2'));
      e.deleteRange(b('a'));
      e.put(b('a'), b('3'));
      const r = e.range(b('a'), undefined, { revision: at });
      expect(r.kvs.map(kvText)[0] ?? null).toEqual(kv);
      expect(r.revision).toBe(5);
    });

    it.each<{ name: string; call: (e: MvccEngine) => unknown; code: StoreErrorCode | null; details?: object }>([
      { name: 'a read below the compacted revision', call: (e) => e.range(b('a'), undefined, { revision: 3 }), code: 'Compacted', details: { compactRevision: 4 } },
      { name: 'a read at exactly the compacted revision', call: (e) => e.range(b('a'), undefined, { revision: 4 }), code: null },
      { name: 'a read at the current revision', call: (e) => e.range(b('a'), undefined, { revision: 6 }), code: null },
      { name: 'a read past the current revision', call: (e) => e.range(b('a'), undefined, { revision: 7 }), code: 'FutureRev', details: { currentRevision: 6 } },
      { name: 'compacting to the compacted revision again', call: (e) => e.compact(4), code: 'Compacted', details: { compactRevision: 4 } },
      { name: 'compacting below it', call: (e) => e.compact(2), code: 'Compacted', details: { compactRevision: 4 } },
      { name: 'compacting past the current revision', call: (e) => e.compact(7), code: 'FutureRev', details: { currentRevision: 6 } },
      { name: 'compacting to the current revision', call: (e) => e.compact(6), code: null },
      { name: 'changes from below the compacted revision', call: (e) => e.changes(3, 6), code: 'Compacted', details: { compactRevision: 4 } },
      { name: 'changes from the compacted revision', call: (e) => e.changes(4, 6), code: null },
    ])('answers $name with $code', ({ call, code, details }) => {
      for (let i = 1; i <= 5; i++) e.put(b('a'), b(String(i)));
      e.compact(4);
      if (code === null) expect(() => call(e)).not.toThrow();
      else expect(storeErrorOf(() => call(e))).toEqual({ code, details });
    });

    it('reads every revision from the compacted one on exactly as before compaction', () => {
      e.put(b('a'), b('1'));
      e.put(b('b'), b('1'));
      e.deleteRange(b('a'));
      e.put(b('b'), b('2'));
      e.put(b('a'), b('2'));
      const before = [4, 5, 6].map((r) => e.range(b('\0'), b('\0'), { revision: r }).kvs.map(kvText));
      e.compact(4);
      expect([4, 5, 6].map((r) => e.range(b('\0'), b('\0'), { revision: r }).kvs.map(kvText))).toEqual(before);
      expect(e.stats()).toMatchObject({ keys: 2, revisions: 3 });
    });

    it('forgets a key whose newest revision at the compaction point is a tombstone', () => {
      e.put(b('a'), b('1'));
      e.deleteRange(b('a'));
      e.compact(3);
      expect(e.stats()).toMatchObject({ keys: 0, revisions: 0 });
      expect(e.range(b('a'), undefined, { revision: 3 }).kvs).toEqual([]);
    });
  });

  describe('puts', () => {
    it.each<{ name: string; opts: object; kv: object | null; code?: StoreErrorCode }>([
      { name: 'a lease attaches the key', opts: { lease: 9 }, kv: { value: 'new', lease: 9, version: 2 } },
      { name: 'no lease detaches it', opts: {}, kv: { value: 'new', lease: 0, version: 2 } },
      { name: 'ignoreLease keeps the lease', opts: { ignoreLease: true }, kv: { value: 'new', lease: 7, version: 2 } },
      { name: 'ignoreValue keeps the value', opts: { ignoreValue: true, lease: 8 }, kv: { value: 'old', lease: 8, version: 2 } },
      { name: 'a lease that does not exist fails', opts: { lease: 404 }, kv: null, code: 'LeaseNotFound' },
    ])('$name', ({ opts, kv, code }) => {
      e.put(b('k'), b('old'), { lease: 7 });
      const value = (opts as { ignoreValue?: boolean }).ignoreValue ? new Uint8Array(0) : b('new');
      if (code) {
        expect(storeErrorOf(() => e.put(b('k'), value, opts)).code).toBe(code);
        expect(e.currentRevision()).toBe(2);
        return;
      }
      e.put(b('k'), value, opts);
      expect(kvText(e.range(b('k')).kvs[0]!)).toMatchObject(kv!);
    });

    it.each([{ ignoreValue: true }, { ignoreLease: true }])('fails with KeyNotFound for %o on a missing key, without a revision', (opts) => {
      expect(storeErrorOf(() => e.put(b('k'), new Uint8Array(0), opts)).code).toBe('KeyNotFound');
      expect(e.currentRevision()).toBe(1);
    });

    it('returns the previous value with prevKv, and none for a new key', () => {
      expect(e.put(b('k'), b('1'), { prevKv: true })).toEqual({ revision: 2 });
      const r = e.put(b('k'), b('2'), { prevKv: true });
      expect(kvText(r.prevKv!)).toEqual({ key: 'k', value: '1', create: 2, mod: 2, version: 1, lease: 0 });
    });

    it('stores copies: changing the caller buffers or a returned value does not change the store', () => {
      const key = b('k');
      const value = b('abc');
      e.put(key, value);
      key.fill(0x7a);
      value.fill(0x7a);
      e.range(b('k')).kvs[0]!.value.fill(0x21);
      expect(kvText(e.range(b('k')).kvs[0]!)).toMatchObject({ key: 'k', value: 'abc' });
    });
  });
});

describe('TsEngine', () => {
  it('refuses every call once closed', () => {
    const e = new TsEngine();
    e.close();
    expect(storeErrorOf(() => e.range(b('a'))).code).toBe('Closed');
    expect(storeErrorOf(() => e.put(b('a'), b('1'))).code).toBe('Closed');
    expect(() => e.close()).not.toThrow();
  });

  it('keeps 1 KiB values intact across many keys and slabs', () => {
    const e = new TsEngine();
    const value = (i: number): Uint8Array => new Uint8Array(1024).fill(i & 0xff);
    for (let i = 0; i < 3000; i++) e.put(b(`/registry/pods/ns/p${i}`), value(i));
    const bad = [];
    for (let i = 0; i < 3000; i += 7) {
      const v = e.range(b(`/registry/pods/ns/p${i}`)).kvs[0]!.value;
      if (v.length !== 1024 || v[0] !== (i & 0xff) || v[1023] !== (i & 0xff)) bad.push(i);
    }
    expect(bad).toEqual([]);
    e.close();
  });
});
