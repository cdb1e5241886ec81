import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineAvailability } from '../../test-util/engines.js';
import { createStore, createStoreWith } from '../create-store.js';
import type { EngineKind } from '../engine.js';
import { isStoreError } from '../errors.js';
import { fromUtf8, utf8 } from '../key-range.js';
import type { FsyncMode, LocalStore, StoreOptions } from '../store.js';
import { FaultInjectingFs } from './fault-injecting-fs.js';

let dir: string;
let open: LocalStore[];

beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'skiff-durable-'));
  open = [];
});

afterEach(async () => {
  for (const s of open) await s.close().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(engine: EngineKind, opts: StoreOptions = {}, dfs?: FaultInjectingFs): Promise<LocalStore> {
  const store = await createStoreWith({ engine, dataDir: dir, ...opts }, { segmentBytes: 4096, ...(dfs ? { fs: dfs } : {}) });
  open.push(store);
  return store;
}

async function restart(store: LocalStore, engine: EngineKind, opts: StoreOptions = {}): Promise<LocalStore> {
  await store.close();
  return start(engine, opts);
}

/** A small deterministic PRNG (xorshift32), so a failing run can be repeated. */
function rng(seed: number) {
  let x = seed | 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** Everything observable: revisions, every readable revision's full range, leases with their keys. */
async function observe(store: LocalStore) {
  const status = store.localStatus();
  const all = utf8('\0');
  const ranges: string[][] = [];
  for (let rev = Math.max(1, status.compactRevision); rev <= status.revision; rev++) {
    const r = await store.range(all, all, { revision: rev });
    ranges.push(r.kvs.map((kv) => `${fromUtf8(kv.key)}=${fromUtf8(kv.value)} c${kv.createRevision} m${kv.modRevision} v${kv.version} l${kv.lease}`));
  }
  const leases = [];
  for (const id of (await store.leases()).sort((a, b) => a - b)) {
    const ttl = await store.leaseTimeToLive(id, true);
    leases.push({ id, granted: ttl.grantedTtl, keys: ttl.keys.map(fromUtf8).sort() });
  }
  return { revision: status.revision, compactRevision: status.compactRevision, appliedIndex: status.appliedIndex, ranges, leases };
}

/** Random puts, deletes, txns, lease grants/revokes and compactions; some issued concurrently. */
async function randomWorkload(store: LocalStore, seed: number, ops: number): Promise<void> {
  const rand = rng(seed);
  const leases: number[] = [];
  const key = () => utf8(`/k/${rand(24)}`);
  for (let i = 0; i < ops; ) {
    const burst = 1 + rand(6);
    const inFlight: Promise<unknown>[] = [];
    for (let j = 0; j < burst && i < ops; j++, i++) {
      const pick = rand(100);
      if (pick < 45) {
        const lease = leases.length > 0 && rand(4) === 0 ? leases[rand(leases.length)]! : 0;
        inFlight.push(store.put(key(), utf8(`v${i}`), { lease }));
      } else if (pick < 60) {
        inFlight.push(rand(3) === 0 ? store.deleteRange(utf8('/k/1'), utf8('/k/2')) : store.deleteRange(key()));
      } else if (pick < 80) {
        const k = key();
        inFlight.push(
          store.txn({
            compare: [{ key: k, target: 'version', result: 'greater', value: 1 }],
            success: [{ put: { key: k, value: utf8(`t${i}`) } }, { deleteRange: { key: key() } }],
            failure: [{ put: { key: key(), value: utf8(`f${i}`) } }],
          }),
        );
      } else if (pick < 88) {
        inFlight.push(store.leaseGrant(3600).then((g) => leases.push(g.id)));
      } else if (pick < 93 && leases.length > 0) {
        inFlight.push(store.leaseRevoke(leases.splice(rand(leases.length), 1)[0]!));
      } else {
        const rev = store.localStatus().revision;
        if (rev > 10) inFlight.push(store.compact(rev - 1 - rand(8)));
      }
    }
    // Expected refusals (compacted, lease revoked meanwhile) are part of the workload; anything else fails the test.
    for (const r of await Promise.allSettled(inFlight)) if (r.status === 'rejected' && !isStoreError(r.reason)) throw r.reason;
  }
}

for (const { kind, available, reason } of engineAvailability()) {
  describe.skipIf(!available)(`the durable store on the ${kind} engine${available ? '' : ` (skipped: ${reason})`}`, () => {
    it.each([
      { when: 'from the log alone', snapshotEveryRecords: 1_000_000 },
      { when: 'from snapshots plus the log after them', snapshotEveryRecords: 37 },
    ])('recovers $when to exactly the live state: every revision, compaction and lease', async ({ snapshotEveryRecords }) => {
      let store = await start(kind, { snapshotEveryRecords });
      await randomWorkload(store, 20240601, 400);
      const live = await observe(store);
      expect(live.revision).toBeGreaterThan(100);
      expect(live.leases.length).toBeGreaterThan(0);
      store = await restart(store, kind, { snapshotEveryRecords });
      expect(await observe(store)).toEqual(live);
      await randomWorkload(store, 7, 100);
      const later = await observe(store);
      store = await restart(store, kind, { snapshotEveryRecords });
      expect(await observe(store)).toEqual(later);
      if (snapshotEveryRecords < 100) expect(fs.readdirSync(join(dir, 'snap')).length).toBeGreaterThan(0);
    });

    it.each<FsyncMode>(['always', 'batch', 'none'])("keeps every write across a clean restart in fsync mode '%s'", async (fsync) => {
      let store = await start(kind, { fsync, batchIntervalMs: 5 });
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.put(utf8(`/m/${i}`), utf8(`${fsync}${i}`))));
      store = await restart(store, kind);
      const r = await store.range(utf8('/m/'), utf8('/m0'));
      expect(r.count).toBe(50);
      expect(store.localStatus().revision).toBe(51);
    });

    it('refuses writes after a disk error without applying them, keeps serving reads, and loses nothing acknowledged', async () => {
      const dfs = new FaultInjectingFs();
      let store = await start(kind, {}, dfs);
      await store.put(utf8('/a'), utf8('1'));
      dfs.failOn('writevSync', 'ENOSPC');
      const failed = await store.put(utf8('/b'), utf8('2')).catch((e: unknown) => e);
      expect(isStoreError(failed, 'NoSpace')).toBe(true);
      const later = await store.put(utf8('/c'), utf8('3')).catch((e: unknown) => e);
      expect(isStoreError(later, 'NoSpace')).toBe(true);
      expect((await store.range(utf8('/'), utf8('0'))).kvs.map((kv) => fromUtf8(kv.key))).toEqual(['/a']);
      expect(store.localStatus().revision).toBe(2);
      store = await restart(store, kind);
      expect((await store.range(utf8('/'), utf8('0'))).kvs.map((kv) => fromUtf8(kv.value))).toEqual(['1']);
      expect((await store.put(utf8('/d'), utf8('4'))).revision).toBe(3);
    });

    it('refuses a second store on the same data dir while the first is open', async () => {
      await start(kind);
      const e = await createStore({ engine: kind, dataDir: dir }).catch((err: unknown) => err);
      expect(isStoreError(e, 'DataDirUnusable')).toBe(true);
      expect((e as Error).message).toContain(`process ${process.pid}`);
    });

    it('logs progress: the data dir opened, what was replayed, and readiness', async () => {
      const store = await start(kind);
      await store.put(utf8('/a'), utf8('1'));
      await store.close();
      const lines: string[] = [];
      const log = (obj: object, msg?: string) => void lines.push(`${msg} ${JSON.stringify(obj)}`);
      open.push(await createStore({ engine: kind, dataDir: dir, logger: { info: log, warn: log, error: log, debug() {} } }));
      expect(lines.some((l) => l.startsWith('opening data dir'))).toBe(true);
      expect(lines.some((l) => l.startsWith('store recovered') && l.includes('"replayed":1'))).toBe(true);
      expect(lines.some((l) => l.startsWith('store ready') && l.includes('"revision":2'))).toBe(true);
    });
  });
}

describe('durable store options', () => {
  it.each([
    { option: 'an unknown fsync mode', opts: { fsync: 'sometimes' as FsyncMode }, text: 'fsync "sometimes"' },
    { option: 'a batch interval of 0', opts: { batchIntervalMs: 0 }, text: 'batchIntervalMs 0' },
    { option: 'a snapshot every 0 records', opts: { snapshotEveryRecords: 0 }, text: 'snapshotEveryRecords 0' },
    { option: 'an empty data dir path', opts: { dataDir: '' }, text: 'dataDir' },
  ])('refuses $option with a clear error', async ({ opts, text }) => {
    const e = await createStore({ engine: 'ts', dataDir: dir, ...opts }).catch((err: unknown) => err);
    expect(isStoreError(e, 'InvalidArgument')).toBe(true);
    expect((e as Error).message).toContain(text);
  });
});
