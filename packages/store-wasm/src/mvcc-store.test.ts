import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineAvailability } from '../test-util/engines.js';
import { createStore } from './create-store.js';
import { isStoreError, type StoreErrorCode } from './errors.js';
import { fromUtf8, prefixEnd, utf8 } from './key-range.js';
import type { WatchEvent } from './kv.js';
import type { LocalStore } from './store.js';

const b = utf8;

async function expectCode(p: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStoreError(err) ? err.code : err).toBe(code);
}

/** Collects watch deliveries; resolves `waitFor(n)` once n events have arrived. */
function recorder() {
  const events: WatchEvent[] = [];
  let compacted: number | undefined;
  const waiters: { n: number; done: () => void }[] = [];
  return {
    events,
    get compacted() {
      return compacted;
    },
    listener: {
      onEvents(evs: WatchEvent[]) {
        events.push(...evs);
        for (const w of waiters.filter((w) => events.length >= w.n)) w.done();
      },
      onCompacted(rev: number) {
        compacted = rev;
        for (const w of waiters) w.done();
      },
    },
    waitFor(n: number) {
      return events.length >= n ? Promise.resolve() : new Promise<void>((done) => waiters.push({ n, done }));
    },
  };
}

const summary = (evs: WatchEvent[]) => evs.map((e) => `${e.type} ${fromUtf8(e.kv.key)}@${e.kv.modRevision}${e.prevKv ? ` prev=${fromUtf8(e.prevKv.value)}` : ''}`);

for (const { kind, available, reason } of engineAvailability()) {
  describe.skipIf(!available)(`the store on the ${kind} engine${available ? '' : ` (skipped: ${reason})`}`, () => {
    let store: LocalStore;
    beforeEach(async () => {
      store = await createStore({ engine: kind });
    });
    afterEach(async () => {
      vi.useRealTimers();
      await store.close();
    });

    it('applies writes in order and reports revisions as etcd does', async () => {
      expect((await store.put(b('a'), b('1'))).revision).toBe(2);
      expect((await store.put(b('b'), b('2'))).revision).toBe(3);
      expect((await store.deleteRange(b('zz'))).revision).toBe(3);
      const r = await store.range(b('a'), b('c'));
      expect(r.kvs.map((kv) => fromUtf8(kv.value))).toEqual(['1', '2']);
      expect(store.localStatus()).toMatchObject({ revision: 3, keys: 2, engine: kind });
    });

    it.each<[string, () => Promise<unknown>, StoreErrorCode]>([
      ['an empty key', () => store.put(new Uint8Array(0), b('v')), 'EmptyKey'],
      ['an empty range key', () => store.range(new Uint8Array(0)), 'EmptyKey'],
      ['a value with ignoreValue', () => store.put(b('k'), b('v'), { ignoreValue: true }), 'ValueProvided'],
      ['a lease with ignoreLease', () => store.put(b('k'), b('v'), { ignoreLease: true, lease: 5 }), 'LeaseProvided'],
      ['a request over the size limit', () => store.put(b('k'), new Uint8Array(2 * 1024 * 1024)), 'RequestTooLarge'],
      ['a txn with 129 operations', () => store.txn({ compare: [], success: Array.from({ length: 129 }, (_, i) => ({ put: { key: b(`k${i}`), value: b('v') } })), failure: [] }), 'TooManyOps'],
      ['a txn putting one key twice', () => store.txn({ compare: [], success: [{ put: { key: b('k'), value: b('1') } }, { put: { key: b('k'), value: b('2') } }], failure: [] }), 'DuplicateKey'],
      ['a txn putting a key it deletes', () => store.txn({ compare: [], success: [{ deleteRange: { key: b('a'), rangeEnd: b('z') } }, { put: { key: b('k'), value: b('2') } }], failure: [] }), 'DuplicateKey'],
      ['a put on a lease that does not exist', () => store.put(b('k'), b('v'), { lease: 12345 }), 'LeaseNotFound'],
      ['ignoreValue on a missing key', () => store.put(b('nope'), new Uint8Array(0), { ignoreValue: true }), 'KeyNotFound'],
      ['a read at a future revision', () => store.range(b('k'), undefined, { revision: 99 }), 'FutureRev'],
      ['a compaction to a future revision', () => store.compact(99), 'FutureRev'],
      ['revoking an unknown lease', () => store.leaseRevoke(777), 'LeaseNotFound'],
    ])('rejects %s with a clear error and writes nothing', async (_name, op, code) => {
      const before = store.localStatus().revision;
      await expectCode(op(), code);
      expect(store.localStatus().revision).toBe(before);
    });

    it('compacts history and refuses reads below the compacted revision', async () => {
      await store.put(b('k'), b('1'));
      await store.put(b('k'), b('2'));
      await store.put(b('k'), b('3'));
      await store.compact(3);
      expect(fromUtf8((await store.range(b('k'), undefined, { revision: 3 })).kvs[0]!.value)).toBe('2');
      await expectCode(store.range(b('k'), undefined, { revision: 2 }), 'Compacted');
      await expectCode(store.compact(3), 'Compacted');
    });

    it('delivers live changes to a watcher of a prefix, with prevKv and filters', async () => {
      const all = recorder();
      const puts = recorder();
      store.watch({ key: b('/p/'), rangeEnd: prefixEnd(b('/p/')), prevKv: true }, all.listener);
      store.watch({ key: b('/p/'), rangeEnd: prefixEnd(b('/p/')), noDelete: true }, puts.listener);
      await store.put(b('/p/a'), b('1'));
      await store.put(b('/q/x'), b('ignored'));
      await store.put(b('/p/a'), b('2'));
      await store.deleteRange(b('/p/'), prefixEnd(b('/p/')));
      await all.waitFor(3);
      expect(summary(all.events)).toEqual(['PUT /p/a@2', 'PUT /p/a@4 prev=1', 'DELETE /p/a@5 prev=2']);
      expect(summary(puts.events)).toEqual(['PUT /p/a@2', 'PUT /p/a@4']);
    });

    it('replays history to a watcher that starts in the past, then continues live, without gaps or repeats', async () => {
      for (let i = 0; i < 2500; i++) await store.put(b(`/k/${i % 10}`), b(String(i)));
      const rec = recorder();
      store.watch({ key: b('/k/'), rangeEnd: prefixEnd(b('/k/')), startRevision: 2 }, rec.listener);
      await store.put(b('/k/live'), b('x'));
      await rec.waitFor(2501);
      expect(rec.events.map((e) => e.kv.modRevision)).toEqual(Array.from({ length: 2501 }, (_, i) => i + 2));
    });

    it('holds back from a watcher that starts at a future revision every change before it, on keys and prefixes', async () => {
      const prefix = recorder();
      const key = recorder();
      store.watch({ key: b('/f/'), rangeEnd: prefixEnd(b('/f/')), startRevision: 4 }, prefix.listener);
      store.watch({ key: b('/f/a'), startRevision: 4 }, key.listener);
      await store.put(b('/f/a'), b('1')); // revision 2
      await store.put(b('/f/a'), b('2')); // 3
      await store.put(b('/f/a'), b('3')); // 4
      await store.put(b('/f/b'), b('4')); // 5
      await prefix.waitFor(2);
      expect(summary(prefix.events)).toEqual(['PUT /f/a@4', 'PUT /f/b@5']);
      expect(summary(key.events)).toEqual(['PUT /f/a@4']);
    });

    it('tells a watcher whose start revision was compacted, and sends nothing else', async () => {
      await store.put(b('k'), b('1'));
      await store.put(b('k'), b('2'));
      await store.compact(3);
      const rec = recorder();
      store.watch({ key: b('k'), startRevision: 2 }, rec.listener);
      await rec.waitFor(1);
      expect(rec.compacted).toBe(3);
      expect(rec.events).toEqual([]);
    });

    it('stops delivering to a canceled watcher', async () => {
      const rec = recorder();
      const w = store.watch({ key: b('k') }, rec.listener);
      await store.put(b('k'), b('1'));
      w.cancel();
      await store.put(b('k'), b('2'));
      expect(rec.events).toHaveLength(1);
    });

    it('grants leases with etcd\'s minimum TTL, attaches keys, and revokes them in one revision', async () => {
      const { id, ttl } = await store.leaseGrant(1);
      expect(ttl).toBe(2);
      await store.put(b('/l/a'), b('1'), { lease: id });
      await store.txn({ compare: [], success: [{ put: { key: b('/l/b'), value: b('2'), lease: id } }], failure: [] });
      await store.put(b('/l/c'), b('3'), { lease: id });
      await store.put(b('/l/c'), b('3')); // moved off the lease
      const ttlInfo = await store.leaseTimeToLive(id, true);
      expect(ttlInfo.grantedTtl).toBe(2);
      expect(ttlInfo.keys.map(fromUtf8).sort()).toEqual(['/l/a', '/l/b']);
      const rec = recorder();
      store.watch({ key: b('/l/'), rangeEnd: prefixEnd(b('/l/')) }, rec.listener);
      const { revision } = await store.leaseRevoke(id);
      await rec.waitFor(2);
      expect(summary(rec.events).sort()).toEqual([`DELETE /l/a@${revision}`, `DELETE /l/b@${revision}`]);
      expect((await store.range(b('/l/'), prefixEnd(b('/l/')))).kvs.map((kv) => fromUtf8(kv.key))).toEqual(['/l/c']);
      expect(await store.leases()).toEqual([]);
      expect((await store.leaseTimeToLive(id)).ttl).toBe(-1);
    });

    it('refuses a lease id that is already granted', async () => {
      await store.leaseGrant(10, 99);
      await expectCode(store.leaseGrant(10, 99), 'LeaseExists');
    });

    it('deletes the keys of a lease that is not kept alive once its TTL runs out', async () => {
      await store.close();
      vi.useFakeTimers();
      store = await createStore({ engine: kind });
      const kept = await store.leaseGrant(3);
      const lapsed = await store.leaseGrant(3);
      await store.put(b('kept'), b('1'), { lease: kept.id });
      await store.put(b('lapsed'), b('1'), { lease: lapsed.id });
      for (let t = 0; t < 5; t++) {
        vi.advanceTimersByTime(1000);
        await store.leaseKeepAlive(kept.id);
      }
      await vi.waitFor(async () => expect((await store.range(b('lapsed'))).count).toBe(0));
      expect((await store.range(b('kept'))).count).toBe(1);
      expect(await store.leases()).toEqual([kept.id]);
      await expectCode(store.leaseKeepAlive(lapsed.id), 'LeaseNotFound');
    });

    it('refuses every call once closed', async () => {
      await store.close();
      await expectCode(store.put(b('k'), b('v')), 'Closed');
      await expectCode(store.range(b('k')), 'Closed');
      store = await createStore({ engine: kind });
    });
  });
}
