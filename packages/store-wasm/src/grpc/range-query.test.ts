import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineAvailability } from '../../test-util/engines.js';
import { rawEtcd, type RawEtcd } from '../../test-util/raw-etcd.js';
import { realEtcdAvailability, startRealEtcd, type RealEtcd } from '../../test-util/real-etcd.js';
import { serveStore, type ServedStore } from '../../test-util/skiff-store-server.js';
import { utf8 } from '../key-range.js';
import type { KeyValue, RangeResult } from '../kv.js';
import { ApiError } from './grpc-errors.js';
import { finishRange, planRange } from './range-query.js';
import type { WireRangeRequest } from './wire.js';

const kv = (key: string, value: string, createRevision: number, modRevision: number, version: number): KeyValue => ({
  key: utf8(key),
  value: utf8(value),
  createRevision,
  modRevision,
  version,
  lease: 0,
});

describe('planRange', () => {
  const cases: { name: string; req: WireRangeRequest; limit: number; finishes: boolean; keysOnly: boolean }[] = [
    { name: 'a plain range keeps its limit and needs no finishing', req: { key: utf8('a'), limit: '5' }, limit: 5, finishes: false, keysOnly: false },
    { name: 'a sorted range reads everything and finishes', req: { key: utf8('a'), limit: '5', sort_order: 'DESCEND' }, limit: 0, finishes: true, keysOnly: false },
    { name: 'a sort target with order NONE sorts too', req: { key: utf8('a'), sort_target: 'MOD' }, limit: 0, finishes: true, keysOnly: false },
    {
      name: 'a sort target with order NONE and a limit sorts only the first limit + 1 keys, as etcd',
      req: { key: utf8('a'), sort_target: 'MOD', limit: '3' },
      limit: 4,
      finishes: true,
      keysOnly: false,
    },
    { name: 'a revision filter reads everything and finishes', req: { key: utf8('a'), limit: '2', min_mod_revision: '3' }, limit: 0, finishes: true, keysOnly: false },
    { name: 'sorting by value keeps values for the sort even when keys only', req: { key: utf8('a'), sort_target: 'VALUE', keys_only: true }, limit: 0, finishes: true, keysOnly: false },
    { name: 'a negative limit is no limit', req: { key: utf8('a'), limit: '-3' }, limit: 0, finishes: false, keysOnly: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planRange(c.req);
      expect(plan.request.limit).toBe(c.limit);
      expect(plan.finish !== undefined).toBe(c.finishes);
      expect(plan.request.keysOnly).toBe(c.keysOnly);
    });
  }

  it('refuses a sort order or target the API does not define', () => {
    expect(() => planRange({ key: utf8('a'), sort_order: 9 })).toThrow(ApiError);
    expect(() => planRange({ key: utf8('a'), sort_target: 12 })).toThrow('etcdserver: invalid sort option');
  });
});

describe('finishRange', () => {
  const read: RangeResult = {
    kvs: [kv('a', 'z', 2, 9, 3), kv('b', 'y', 3, 3, 1), kv('c', 'y', 4, 8, 2), kv('d', 'x', 5, 5, 1)],
    count: 4,
    more: false,
    revision: 9,
  };
  const keys = (r: RangeResult) => r.kvs.map((k) => Buffer.from(k.key).toString()).join('');
  const cases: { name: string; req: WireRangeRequest; keys: string; more: boolean }[] = [
    { name: 'sorts by value ascending, ties in key order', req: { sort_target: 'VALUE', sort_order: 'ASCEND' }, keys: 'dbca', more: false },
    { name: 'sorts by value descending, ties still in key order', req: { sort_target: 'VALUE', sort_order: 'DESCEND' }, keys: 'abcd', more: false },
    { name: 'sorts by mod revision descending and cuts to the limit', req: { sort_target: 'MOD', sort_order: 'DESCEND', limit: '2' }, keys: 'ac', more: true },
    { name: 'sorts by version with order NONE as ascending', req: { sort_target: 'VERSION' }, keys: 'bdca', more: false },
    { name: 'filters by mod revision both ways before the limit', req: { min_mod_revision: '4', max_mod_revision: '8', limit: '1' }, keys: 'c', more: true },
    { name: 'filters by create revision', req: { min_create_revision: '3', max_create_revision: '4' }, keys: 'bc', more: false },
    { name: 'reverses key order', req: { sort_order: 'DESCEND' }, keys: 'dcba', more: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planRange({ key: utf8('a'), range_end: utf8('z'), ...c.req });
      const res = finishRange(read, plan.finish!);
      expect(keys(res)).toBe(c.keys);
      expect(res.more).toBe(c.more);
      expect(res.count).toBe(4);
    });
  }

  it('drops values after sorting by them when the client asked for keys only', () => {
    const plan = planRange({ key: utf8('a'), range_end: utf8('z'), sort_target: 'VALUE', keys_only: true });
    const res = finishRange(read, plan.finish!);
    expect(keys(res)).toBe('dbca');
    expect(res.kvs.every((k) => k.value.length === 0)).toBe(true);
  });
});

/** Every sort order, target, revision filter and limit against the same data on etcd and skiff-store. */
const etcd = realEtcdAvailability();
describe.skipIf(!etcd.available)(`sorted and filtered ranges against a real etcd ${etcd.reason ?? ''}`, () => {
  const b = (s: string): Buffer => Buffer.from(s);
  let real: RealEtcd | undefined;
  const servers: ServedStore[] = [];

  /** Ten keys with repeated values and versions, so ties and every filter bound matter. */
  async function load(raw: RawEtcd): Promise<void> {
    const writes: [string, string][] = [
      ['k3', 'm'], ['k1', 'z'], ['k7', 'a'], ['k2', 'm'], ['k1', 'b'], ['k9', 'q'], ['k5', 'm'], ['k3', 'c'],
      ['k0', 'q'], ['k8', 'a'], ['k3', 'm'], ['k6', 'z'], ['k4', 'b'], ['k2', 'x'],
    ];
    for (const [k, v] of writes) expect((await raw.unary('KV', 'Put', { key: b(k), value: b(v) })).error).toBeUndefined();
  }

  function requests(): WireRangeRequest[] {
    const out: WireRangeRequest[] = [];
    const filters: Partial<WireRangeRequest>[] = [
      {},
      { min_mod_revision: '6' },
      { max_mod_revision: '9' },
      { min_create_revision: '4', max_create_revision: '10' },
      { min_mod_revision: '5', max_create_revision: '8' },
    ];
    for (const sort_order of ['NONE', 'ASCEND', 'DESCEND'] as const) {
      for (const sort_target of ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'] as const) {
        for (const filter of filters) {
          for (const limit of ['0', '3']) {
            out.push({ key: b('k'), range_end: b('l'), sort_order, sort_target, limit, ...filter });
          }
        }
      }
    }
    out.push({ key: b('k'), range_end: b('l'), sort_target: 'VALUE', keys_only: true, limit: '4' });
    out.push({ key: b('k'), range_end: b('l'), sort_order: 'DESCEND', count_only: true });
    out.push({ key: b('k'), range_end: b('l'), sort_order: 'DESCEND', revision: '8', min_mod_revision: '3' });
    return out;
  }

  async function answers(raw: RawEtcd): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const req of requests()) {
      const r = await raw.unary<{ header: object }>('KV', 'Range', req);
      out.push(r.error ?? { ...r.res, header: undefined });
    }
    return out;
  }

  let expected: unknown[] = [];
  beforeAll(async () => {
    real = await startRealEtcd({ name: 'sorts' });
    const raw = rawEtcd(real.endpoint);
    try {
      await load(raw);
      expected = await answers(raw);
    } finally {
      raw.close();
    }
  }, 60_000);

  afterAll(async () => {
    for (const s of servers) await s.stop();
    await real?.stop();
  });

  for (const e of engineAvailability()) {
    it.skipIf(!e.available)(`skiff-store on the ${e.kind} engine sorts, filters and limits exactly as etcd ${e.reason ?? ''}`, async () => {
      const served = await serveStore(e.kind);
      servers.push(served);
      const raw = rawEtcd(served.endpoint);
      try {
        await load(raw);
        const actual = await answers(raw);
        expect(actual).toHaveLength(requests().length);
        for (let i = 0; i < actual.length; i++) expect({ request: i, answer: actual[i] }).toEqual({ request: i, answer: expected[i] });
      } finally {
        raw.close();
      }
    }, 60_000);
  }
});
