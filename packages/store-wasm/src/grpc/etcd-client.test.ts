import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { engineAvailability } from '../../test-util/engines.js';
import { etcdctl } from '../../test-util/etcdctl.js';
import { realEtcdAvailability, startRealEtcd } from '../../test-util/real-etcd.js';
import { serveStore } from '../../test-util/skiff-store-server.js';
import { eventually } from '@skiff/test-util';
import { isStoreError, type StoreErrorCode } from '../errors.js';
import { fromUtf8, prefixEnd, utf8 } from '../key-range.js';
import type { WatchEvent } from '../kv.js';
import type { Store } from '../store.js';
import { createEtcdClient, type EtcdClient } from './etcd-client.js';
import { etcdServices } from './etcd-protos.js';

/** A server the client can talk to: a real etcd, or skiff-store on one engine. */
interface Target {
  name: string;
  skip: string | false;
  start(): Promise<{ url: string; endpoint: string; isEtcd: boolean; restart(): Promise<void>; stop(): Promise<void> }>;
}

const etcd = realEtcdAvailability();
const targets: Target[] = [
  {
    name: 'a real etcd',
    skip: etcd.available ? false : (etcd.reason ?? 'etcd missing'),
    start: async () => {
      const e = await startRealEtcd({ name: 'client' });
      return { url: e.clientUrl, endpoint: e.endpoint, isEtcd: true, restart: e.restart, stop: e.stop };
    },
  },
  ...engineAvailability().map(
    (e): Target => ({
      name: `skiff-store (${e.kind} engine)`,
      skip: e.available ? false : (e.reason ?? 'engine missing'),
      start: async () => {
        const s = await serveStore(e.kind);
        return { url: s.clientUrl, endpoint: s.endpoint, isEtcd: false, restart: s.restartServer, stop: s.stop };
      },
    }),
  ),
];

const b = utf8;
const s = (bytes: Uint8Array): string => fromUtf8(bytes);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return isStoreError(e) ? e.code : `not a StoreError: ${String(e)}`;
  }
}

function collect(): { events: WatchEvent[]; compacted: number[]; listener: Parameters<Store['watch']>[1] } {
  const events: WatchEvent[] = [];
  const compacted: number[] = [];
  return { events, compacted, listener: { onEvents: (evs) => events.push(...evs), onCompacted: (r) => compacted.push(r) } };
}

for (const target of targets) {
  describe.skipIf(target.skip !== false)(`the etcd client against ${target.name} ${target.skip || ''}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    async function setUp(): Promise<{ client: EtcdClient; server: Awaited<ReturnType<Target['start']>> }> {
      const server = await target.start();
      cleanups.push(server.stop);
      const client = createEtcdClient({ endpoints: [server.url], requestTimeoutMs: 10_000 });
      cleanups.push(() => client.close());
      return { client, server };
    }

    it('round-trips binary keys, values and revisions exactly through put, range, delete and txn', async () => {
      const { client } = await setUp();
      const key = Uint8Array.of(0x00, 0xff, 0x80, 0x61);
      const value = Uint8Array.of(0xff, 0x00, 0x01);
      expect((await client.put(key, value)).revision).toBe(2);
      const put2 = await client.put(key, b('v2'), { prevKv: true });
      expect(put2).toEqual({ revision: 3, prevKv: { key, value, createRevision: 2, modRevision: 2, version: 1, lease: 0 } });
      await client.put(b('p/a'), b('1'));
      await client.put(b('p/b'), b('2'));
      const range = await client.range(b('p/'), prefixEnd(b('p/')), { limit: 1 });
      expect(range).toEqual({ kvs: [{ key: b('p/a'), value: b('1'), createRevision: 4, modRevision: 4, version: 1, lease: 0 }], count: 2, more: true, revision: 5 });
      expect((await client.range(key, undefined, { revision: 2 })).kvs[0]!.value).toEqual(value);
      const txn = await client.txn({
        compare: [{ key: b('p/a'), target: 'value', result: 'equal', value: b('1') }],
        success: [{ put: { key: b('p/c'), value: b('3') } }, { range: { key: b('p/'), rangeEnd: prefixEnd(b('p/')), keysOnly: true } }],
        failure: [],
      });
      expect(txn.succeeded).toBe(true);
      expect(txn.revision).toBe(6);
      expect(txn.responses[1]).toEqual({
        range: {
          kvs: ['p/a', 'p/b', 'p/c'].map((k, i) => ({ key: b(k), value: new Uint8Array(0), createRevision: 4 + i, modRevision: 4 + i, version: 1, lease: 0 })),
          count: 3,
          more: false,
          revision: 6,
        },
      });
      const del = await client.deleteRange(b('p/'), prefixEnd(b('p/')), { prevKv: true });
      expect(del.deleted).toBe(3);
      expect(del.prevKvs!.map((kv) => s(kv.key))).toEqual(['p/a', 'p/b', 'p/c']);
      expect(await client.deleteRange(b('p/a'))).toEqual({ revision: 7, deleted: 0 });
    });

    it('reports failures as the StoreError codes the embedded store uses', async () => {
      const { client } = await setUp();
      await client.put(b('k'), b('v'));
      await client.put(b('k'), b('v2'));
      await client.compact(2);
      const tooMany = Array.from({ length: 129 }, (_, i) => ({ put: { key: b(`m/${i}`), value: b('x') } }));
      const { id: lease } = await client.leaseGrant(60);
      const cases: [string, Promise<unknown>, StoreErrorCode][] = [
        ['a read below the compacted revision', client.range(b('k'), undefined, { revision: 1 }), 'Compacted'],
        ['a read of a future revision', client.range(b('k'), undefined, { revision: 99 }), 'FutureRev'],
        ['compacting again to the same revision', client.compact(2), 'Compacted'],
        ['compacting to a future revision', client.compact(99), 'FutureRev'],
        ['a put of an empty key', client.put(new Uint8Array(0), b('v')), 'EmptyKey'],
        ['a txn with too many operations', client.txn({ compare: [], success: tooMany, failure: [] }), 'TooManyOps'],
        ['a txn putting one key twice', client.txn({ compare: [], success: [{ put: { key: b('d'), value: b('1') } }, { put: { key: b('d'), value: b('2') } }], failure: [] }), 'DuplicateKey'],
        ['ignore_value on a missing key', client.put(b('missing'), new Uint8Array(0), { ignoreValue: true }), 'KeyNotFound'],
        ['ignore_value with a value', client.put(b('k'), b('x'), { ignoreValue: true }), 'ValueProvided'],
        ['ignore_lease with a lease', client.put(b('k'), b('x'), { ignoreLease: true, lease }), 'LeaseProvided'],
        ['a put naming a missing lease', client.put(b('k'), b('x'), { lease: 0x1234abcd }), 'LeaseNotFound'],
        ['revoking a missing lease', client.leaseRevoke(0x1234abcd), 'LeaseNotFound'],
        ['renewing a missing lease', client.leaseKeepAlive(0x1234abcd), 'LeaseNotFound'],
        ['granting an id that exists', client.leaseGrant(60, lease), 'LeaseExists'],
        ['a TTL above the maximum', client.leaseGrant(9_000_000_001), 'LeaseTTLTooLarge'],
        ['a put over the request size limit', client.put(b('big'), new Uint8Array(1_600_000)), 'RequestTooLarge'],
      ];
      const got = await Promise.all(cases.map(async ([what, p]) => [what, await codeOf(p)]));
      expect(got).toEqual(cases.map(([what, , code]) => [what, code]));
      // Nothing refused was applied.
      expect((await client.range(b('k'))).kvs[0]!.modRevision).toBe(3);
    });

    it('grants, renews, reports and revokes leases, with ids that round-trip exactly', async () => {
      const { client } = await setUp();
      const big = 2 ** 53 - 2;
      const granted = await client.leaseGrant(30, big);
      expect(granted).toEqual({ id: big, ttl: 30 });
      await client.put(b('l/1'), b('a'), { lease: big });
      await client.put(b('l/2'), b('b'), { lease: big });
      expect((await client.range(b('l/1'))).kvs[0]!.lease).toBe(big);
      expect(await client.leaseKeepAlive(big)).toBe(30);
      const ttl = await client.leaseTimeToLive(big, true);
      expect({ ...ttl, ttl: ttl.ttl > 0 && ttl.ttl <= 30, keys: ttl.keys.map(s).sort() }).toEqual({ id: big, ttl: true, grantedTtl: 30, keys: ['l/1', 'l/2'] });
      expect(await client.leases()).toContain(big);
      const revoked = await client.leaseRevoke(big);
      expect(revoked.revision).toBe(4);
      expect((await client.range(b('l/'), prefixEnd(b('l/')))).count).toBe(0);
      expect((await client.leaseTimeToLive(big)).ttl).toBe(-1);
      const auto = await client.leaseGrant(1);
      expect(auto.ttl).toBeGreaterThanOrEqual(1);
      expect(Number.isSafeInteger(auto.id) && auto.id > 0).toBe(true);
    });

    it('watches many ranges over one stream, in order, with prevKv and filters, and stops a canceled watch', async () => {
      const { client } = await setUp();
      const all = collect();
      const putsOnly = collect();
      const single = collect();
      const canceled = collect();
      client.watch({ key: b('w/'), rangeEnd: prefixEnd(b('w/')), prevKv: true }, all.listener);
      client.watch({ key: b('w/'), rangeEnd: prefixEnd(b('w/')), noDelete: true }, putsOnly.listener);
      client.watch({ key: b('w/b') }, single.listener);
      const gone = client.watch({ key: b('w/'), rangeEnd: prefixEnd(b('w/')) }, canceled.listener);
      const marker = collect();
      client.watch({ key: b('marker') }, marker.listener);
      gone.cancel();
      // Writes made after watch() returned are seen by the watch, as with the embedded store.
      await client.put(b('w/a'), b('1'));
      await client.put(b('w/b'), b('2'));
      await client.txn({ compare: [], success: [{ put: { key: b('w/a'), value: b('3') } }, { deleteRange: { key: b('w/b') } }], failure: [] });
      await eventually(() => all.events.length === 4 && putsOnly.events.length === 3 && single.events.length === 2, 'every watch to see its events');
      const view = (evs: WatchEvent[]) => evs.map((e) => `${e.type} ${s(e.kv.key)}@${e.kv.modRevision}${e.prevKv ? ` prev=${s(e.prevKv.value)}` : ''}`);
      expect(view(all.events)).toEqual(['PUT w/a@2', 'PUT w/b@3', 'PUT w/a@4 prev=1', 'DELETE w/b@4 prev=2']);
      expect(view(putsOnly.events)).toEqual(['PUT w/a@2', 'PUT w/b@3', 'PUT w/a@4']);
      expect(view(single.events)).toEqual(['PUT w/b@3', 'DELETE w/b@4']);
      // The marker comes after everything else on the same stream: the canceled watch had its chance.
      await client.put(b('marker'), b('1'));
      await eventually(() => marker.events.length === 1, 'the marker');
      expect(canceled.events).toEqual([]);
    });

    it('replays history from a start revision and reports a compacted one', async () => {
      const { client } = await setUp();
      for (const v of ['1', '2', '3']) await client.put(b('h'), b(v));
      const history = collect();
      client.watch({ key: b('h'), startRevision: 3 }, history.listener);
      await eventually(() => history.events.length === 2, 'the replayed history');
      expect(history.events.map((e) => s(e.kv.value))).toEqual(['2', '3']);
      await client.compact(3);
      const late = collect();
      client.watch({ key: b('h'), startRevision: 2 }, late.listener);
      await eventually(() => late.compacted.length === 1, 'the compaction notice');
      expect(late.compacted).toEqual([3]);
      expect(late.events).toEqual([]);
    });

    it('keeps watching and renewing leases across a server restart without losing or repeating an event', async () => {
      const { client, server } = await setUp();
      const seen = collect();
      client.watch({ key: b('r/'), rangeEnd: prefixEnd(b('r/')) }, seen.listener);
      await client.put(b('r/0'), b('0'));
      await eventually(() => seen.events.length === 1, 'the first event');
      const { id: lease } = await client.leaseGrant(60);
      expect(await client.leaseKeepAlive(lease)).toBe(60);
      await server.restart();
      // Writes while the watch stream is down (etcdctl, a separate client) must still arrive, once each.
      for (let i = 1; i <= 3; i++) expect((await etcdctl(server.endpoint, ['put', `r/${i}`, `${i}`])).code).toBe(0);
      await client.put(b('r/4'), b('4'));
      await eventually(() => seen.events.length >= 5, 'the events written around the restart', 20_000);
      expect(seen.events.map((e) => s(e.kv.key))).toEqual(['r/0', 'r/1', 'r/2', 'r/3', 'r/4']);
      // The keep-alive stream broke with the server; renewals go over a new one. (A lease survives a restart.)
      expect(await client.leaseKeepAlive(lease)).toBe(60);
    }, 60_000);

    it('reports the server\'s status through the Store contract and in full through remoteStatus()', async () => {
      const { client } = await setUp();
      expect(await client.status()).toMatchObject({ revision: 1, engine: 'remote' });
      expect(await client.leases()).toEqual([]);
      const status = await client.remoteStatus();
      expect(status.revision).toBe(1);
      expect(status.leader).toBe(status.memberId);
    });
  });
}

describe.skipIf(!etcd.available)('the etcd client with leases another etcd client made', () => {
  it('aliases lease ids beyond 2^53 and maps them back exactly', async () => {
    const real = await startRealEtcd({ name: 'aliases' });
    const client = createEtcdClient({ endpoints: [real.clientUrl] });
    try {
      // etcd's own ids carry the member id in their top 16 bits, which can be small enough to stay below 2^53; a
      // client may ask for an id instead, so another client (a raw gRPC one here) grants one that is surely beyond it.
      const big = (0x7e57_0000_0000_0000n + 0x1234n).toString(16);
      const raw = new (etcdServices().Lease)(real.endpoint, grpc.credentials.createInsecure());
      try {
        const granted = await new Promise<{ ID: string }>((resolve, reject) =>
          raw.LeaseGrant({ TTL: 60, ID: BigInt(`0x${big}`).toString() }, (err: Error | null, res: { ID: string }) =>
            err ? reject(err) : resolve(res),
          ),
        );
        expect(BigInt(granted.ID).toString(16)).toBe(big);
      } finally {
        raw.close();
      }
      expect((await etcdctl(real.endpoint, ['put', 'owned', 'x', `--lease=${big}`])).code).toBe(0);
      const alias = (await client.range(b('owned'))).kvs[0]!.lease;
      expect(alias).toBeLessThan(0);
      expect(await client.leases()).toContain(alias);
      expect(await client.leaseKeepAlive(alias)).toBe(60);
      expect((await client.leaseTimeToLive(alias, true)).keys.map(s)).toEqual(['owned']);
      await client.leaseRevoke(alias);
      const after = await etcdctl(real.endpoint, ['lease', 'timetolive', big!]);
      expect(after.stdout).toContain('already expired');
    } finally {
      await client.close();
      await real.stop();
    }
  });
});
