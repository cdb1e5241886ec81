import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases } from '../../test-util/engine-cases.js';
import { b, kvText } from '../../test-util/kv-text.js';
import type { MvccEngine } from '../engine.js';
import { isStoreError } from '../errors.js';
import type { Compare, CompareResult, CompareTarget, RequestOp, TxnRequest } from '../kv.js';

const put = (key: string, value: string, opts: object = {}): RequestOp => ({ put: { key: b(key), value: b(value), ...opts } });
const get = (key: string, end?: string): RequestOp => ({ range: { key: b(key), ...(end ? { rangeEnd: b(end) } : {}) } });
const del = (key: string): RequestOp => ({ deleteRange: { key: b(key) } });
const txn = (t: Partial<TxnRequest>): RequestOp => ({ txn: { compare: [], success: [], failure: [], ...t } });
const cmp = (key: string, target: CompareTarget, result: CompareResult, value: number | string, rangeEnd?: string): Compare => ({
  key: b(key),
  target,
  result,
  value: typeof value === 'string' ? b(value) : value,
  ...(rangeEnd ? { rangeEnd: b(rangeEnd) } : {}),
});

describe.each(engineCases())('the $name engine (etcd txn semantics)', (c) => {
  let e: MvccEngine;
  beforeEach((ctx) => {
    if (c.unavailable) ctx.skip(c.unavailable);
    e = c.make({ leaseExists: (id) => id !== 404 });
  });
  afterEach(() => e?.close());

  const succeeds = (...compare: Compare[]): boolean => e.txn({ compare, success: [], failure: [] }).succeeded;

  // A missing key compares as version/create/mod/lease 0; a value compare on it is always false.
  it.each<[CompareTarget, CompareResult, number | string, boolean]>([
    ['version', 'equal', 0, true],
    ['version', 'greater', 0, false],
    ['create', 'less', 1, true],
    ['mod', 'equal', 0, true],
    ['lease', 'not_equal', 0, false],
    ['value', 'equal', '', false],
    ['value', 'not_equal', 'x', false],
    ['value', 'greater', '', false],
  ])('compares a missing key: %s %s %j is %s', (target, result, value, expected) => {
    expect(succeeds(cmp('nope', target, result, value))).toBe(expected);
  });

  it.each<[CompareTarget, CompareResult, number | string, boolean]>([
    ['version', 'equal', 2, true],
    ['create', 'equal', 2, true],
    ['mod', 'equal', 3, true],
    ['mod', 'less', 3, false],
    ['lease', 'equal', 5, true],
    ['value', 'equal', 'v2', true],
    ['value', 'less', 'v3', true],
    ['value', 'greater', 'v2', false],
  ])('compares an existing key: %s %s %j is %s', (target, result, value, expected) => {
    e.put(b('k'), b('v1'));
    e.put(b('k'), b('v2'), { lease: 5 });
    expect(succeeds(cmp('k', target, result, value))).toBe(expected);
  });

  it.each([
    { name: 'holds when every key satisfies it', c: cmp('a', 'version', 'greater', 0, 'c'), ok: true },
    { name: 'fails when one key does not', c: cmp('a', 'version', 'equal', 1, 'c'), ok: false },
    { name: 'over an empty range compares like a missing key', c: cmp('x', 'version', 'equal', 0, 'z'), ok: true },
    { name: 'over an empty range fails a value compare', c: cmp('x', 'value', 'equal', '', 'z'), ok: false },
  ])('a compare over a range $name', ({ c: compare, ok }) => {
    e.put(b('a'), b('1'));
    e.put(b('b'), b('1'));
    e.put(b('b'), b('2'));
    expect(succeeds(compare)).toBe(ok);
  });

  it('runs the failure branch when a compare fails and reports it', () => {
    const r = e.txn({ compare: [cmp('k', 'version', 'equal', 1)], success: [put('s', '1')], failure: [put('f', '1')] });
    expect(r.succeeded).toBe(false);
    expect({ failure: e.range(b('f')).count, success: e.range(b('s')).count }).toEqual({ failure: 1, success: 0 });
  });

  it('evaluates nested compares against the state before the txn', () => {
    // The nested compare would fail if it saw the outer put of k.
    e.txn({
      compare: [],
      success: [put('k', '1'), txn({ compare: [cmp('k', 'version', 'equal', 0)], success: [put('m', 'then')], failure: [put('m', 'else')] })],
      failure: [],
    });
    expect(kvText(e.range(b('m')).kvs[0]!).value).toBe('then');
  });

  it('lets reads in the branch see its earlier writes, and reports the view revision', () => {
    e.put(b('k'), b('0'));
    const r = e.txn({ compare: [], success: [get('k'), put('k', '1'), get('k'), del('k'), get('k')], failure: [] });
    const ranges = r.responses.flatMap((op) => ('range' in op ? [op.range] : []));
    expect(ranges.map((x) => ({ values: x.kvs.map((kv) => kvText(kv).value), revision: x.revision }))).toEqual([
      { values: ['0'], revision: 2 },
      { values: ['1'], revision: 3 },
      { values: [], revision: 3 },
    ]);
    expect(r.revision).toBe(3);
  });

  it('reports nested revisions: delete of nothing before any write at begin, after a write at begin + 1', () => {
    const r = e.txn({
      compare: [],
      success: [del('nothing'), txn({ success: [get('a')] }), put('a', '1'), del('nothing'), txn({ success: [get('a')] })],
      failure: [],
    });
    const revisions = r.responses.map((op) => Object.values(op)[0].revision);
    expect(revisions).toEqual([1, 1, 2, 2, 2]);
    expect(r.revision).toBe(2);
  });

  it('gives every write of a txn, nested ones included, the same main revision', () => {
    e.txn({ compare: [], success: [put('a', '1'), txn({ success: [put('b', '1'), del('a')] })], failure: [] });
    const records = [...e.dump().records].map((rec) => [new TextDecoder().decode(rec.key), rec.main, rec.sub, rec.tombstone]);
    expect(records).toEqual([['a', 2, 0, false], ['b', 2, 1, false], ['a', 2, 2, true]]);
  });

  it.each([
    { name: 'ignoreValue on a missing key', bad: put('b', '', { ignoreValue: true }), code: 'KeyNotFound' },
    { name: 'ignoreLease on a missing key', bad: put('b', 'x', { ignoreLease: true }), code: 'KeyNotFound' },
    { name: 'a lease that does not exist', bad: put('b', 'x', { lease: 404 }), code: 'LeaseNotFound' },
    { name: 'a nested put with a missing lease', bad: txn({ success: [put('b', 'x', { lease: 404 })] }), code: 'LeaseNotFound' },
  ])('fails before applying anything on $name', ({ bad, code }) => {
    let thrown: unknown;
    try {
      e.txn({ compare: [], success: [put('a', '1'), bad], failure: [] });
    } catch (err) {
      thrown = err;
    }
    expect(isStoreError(thrown) ? thrown.code : thrown).toBe(code);
    expect({ revision: e.currentRevision(), a: e.range(b('a')).count }).toEqual({ revision: 1, a: 0 });
  });

  it('checks only the branch that runs', () => {
    const r = e.txn({ compare: [], success: [put('a', '1')], failure: [put('b', 'x', { lease: 404 })] });
    expect(r.succeeded).toBe(true);
    expect(e.currentRevision()).toBe(2);
  });

  it('returns prevKv for puts inside a txn from the txn view', () => {
    e.put(b('a'), b('old'));
    const r = e.txn({ compare: [], success: [put('a', 'new', { prevKv: true }), { deleteRange: { key: b('a'), prevKv: true } }], failure: [] });
    const [p, d] = r.responses;
    expect(p && 'put' in p && p.put.prevKv ? kvText(p.put.prevKv).value : null).toBe('old');
    expect(d && 'deleteRange' in d ? d.deleteRange.prevKvs?.map((kv) => kvText(kv).value) : null).toEqual(['new']);
  });
});
