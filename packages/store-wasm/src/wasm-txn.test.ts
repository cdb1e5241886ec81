import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Compare, CompareResult, CompareTarget, TxnRequest } from './kv.js';
import { prefixEnd } from './key-range.js';
import { EnginePair, b } from './wasm-test-pair.js';

/** Txns through the wasm engine, each compared with the ReferenceModel on the same history. */

const ZERO = new Uint8Array([0]);
const NO_LEASE = 13;

let pair: EnginePair;

beforeEach(() => {
  pair = new EnginePair({ leaseExists: (id) => id !== NO_LEASE });
  pair.ok((e) => e.put(b('k1'), b('one'), { lease: 7 })); // rev 2
  pair.ok((e) => e.put(b('k2'), b('two'))); // rev 3
  pair.ok((e) => e.put(b('k1'), b('uno'), { lease: 7 })); // rev 4: k1 version 2, create 2, mod 4
  pair.ok((e) => e.put(b('p/a'), b('x'))); // rev 5
  pair.ok((e) => e.put(b('p/b'), b('y'))); // rev 6
});

afterEach(() => pair.close());

describe('txn compares', () => {
  const targets: { target: CompareTarget; values: (number | Uint8Array)[] }[] = [
    { target: 'version', values: [0, 1, 2, 3] },
    { target: 'create', values: [0, 2, 3] },
    { target: 'mod', values: [0, 3, 4, 5] },
    { target: 'lease', values: [0, 7, 8] },
    { target: 'value', values: [b(''), b('uno'), b('un'), b('unos'), b('two'), b('v')] },
  ];
  const results: CompareResult[] = ['equal', 'not_equal', 'less', 'greater'];
  const subjects: { name: string; key: Uint8Array; rangeEnd?: Uint8Array }[] = [
    { name: 'an existing key', key: b('k1') },
    { name: 'a missing key', key: b('nope') },
    { name: 'a range of keys', key: b('k'), rangeEnd: prefixEnd(b('k')) },
    { name: 'an empty range', key: b('q'), rangeEnd: b('r') },
    { name: 'every key', key: ZERO, rangeEnd: ZERO },
  ];
  for (const s of subjects) {
    for (const { target, values } of targets) {
      it(`${target} compares over ${s.name} pick the branch the model picks`, () => {
        for (const result of results) {
          for (const value of values) {
            const compare: Compare = s.rangeEnd ? { key: s.key, rangeEnd: s.rangeEnd, target, result, value } : { key: s.key, target, result, value };
            const r = pair.ok((e) => e.txn({ compare: [compare], success: [{ range: { key: b('k2') } }], failure: [] }), `${target} ${result} ${String(value)}`);
            expect(typeof r.succeeded).toBe('boolean');
          }
        }
      });
    }
  }

  it('all compares must hold for success', () => {
    const r = pair.ok((e) =>
      e.txn({
        compare: [
          { key: b('k1'), target: 'version', result: 'equal', value: 2 },
          { key: b('k2'), target: 'value', result: 'equal', value: b('nope') },
        ],
        success: [{ put: { key: b('s'), value: b('1') } }],
        failure: [{ put: { key: b('f'), value: b('1') } }],
      }),
    );
    expect(r.succeeded).toBe(false);
    pair.same();
  });
});

describe('txn branches and revisions', () => {
  const rows: { name: string; req: TxnRequest }[] = [
    {
      name: 'a txn of reads only does not advance the revision',
      req: { compare: [], success: [{ range: { key: b('k1') } }, { range: { key: ZERO, rangeEnd: ZERO, limit: 2 } }], failure: [] },
    },
    {
      name: 'all writes of a txn share one revision with growing subs',
      req: {
        compare: [],
        success: [
          { put: { key: b('n1'), value: b('a') } },
          { deleteRange: { key: b('p/'), rangeEnd: prefixEnd(b('p/')), prevKv: true } },
          { put: { key: b('n2'), value: b('b'), prevKv: true } },
        ],
        failure: [],
      },
    },
    {
      name: 'reads inside the branch see its earlier writes',
      req: {
        compare: [],
        success: [
          { range: { key: b('n'), rangeEnd: prefixEnd(b('n')) } },
          { put: { key: b('n1'), value: b('a') } },
          { range: { key: b('n'), rangeEnd: prefixEnd(b('n')) } },
          { deleteRange: { key: b('k2') } },
          { range: { key: b('k'), rangeEnd: prefixEnd(b('k')), keysOnly: true } },
        ],
        failure: [],
      },
    },
    {
      name: 'a delete of nothing before any write reports the old revision',
      req: { compare: [], success: [{ deleteRange: { key: b('zz') } }, { put: { key: b('n'), value: b('v') } }, { deleteRange: { key: b('zz') } }], failure: [] },
    },
    {
      name: 'the failure branch runs when a compare fails',
      req: {
        compare: [{ key: b('k1'), target: 'mod', result: 'equal', value: 99 }],
        success: [{ put: { key: b('s'), value: b('1') } }],
        failure: [{ put: { key: b('k1'), value: b('conflict'), prevKv: true } }, { range: { key: b('k1') } }],
      },
    },
    {
      name: 'nested txns choose their branches on the state before the outer txn',
      req: {
        compare: [],
        success: [
          { put: { key: b('k2'), value: b('changed') } },
          {
            txn: {
              compare: [{ key: b('k2'), target: 'value', result: 'equal', value: b('two') }],
              success: [{ put: { key: b('inner-ok'), value: b('1') } }, { range: { key: b('k2') } }],
              failure: [{ put: { key: b('inner-failed'), value: b('1') } }],
            },
          },
          { txn: { compare: [], success: [], failure: [] } },
        ],
        failure: [],
      },
    },
    {
      name: 'a put after a delete in the same txn starts a new generation',
      req: {
        compare: [],
        success: [{ deleteRange: { key: b('k1'), prevKv: true } }, { txn: { compare: [], success: [{ put: { key: b('k1x'), value: b('z'), prevKv: true } }], failure: [] } }],
        failure: [],
      },
    },
    {
      name: 'puts with ignoreValue and ignoreLease keep the value or lease',
      req: {
        compare: [],
        success: [
          { put: { key: b('k1'), value: new Uint8Array(0), ignoreValue: true, lease: 8, prevKv: true } },
          { put: { key: b('k2'), value: b('new'), ignoreLease: true } },
          { range: { key: b('k'), rangeEnd: prefixEnd(b('k')) } },
        ],
        failure: [],
      },
    },
    {
      name: 'ranges inside a txn honour limit, keysOnly and countOnly',
      req: {
        compare: [],
        success: [
          { range: { key: ZERO, rangeEnd: ZERO, limit: 1 } },
          { range: { key: ZERO, rangeEnd: ZERO, countOnly: true } },
          { range: { key: b('p/'), rangeEnd: prefixEnd(b('p/')), keysOnly: true } },
        ],
        failure: [],
      },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      pair.ok((e) => e.txn(row.req));
      pair.same();
      pair.ok((e) => e.changes(1, 100, { prevKv: true }));
    });
  }
});

describe('txn checks before anything is applied', () => {
  const rows: { name: string; req: TxnRequest; code: string }[] = [
    {
      name: 'ignoreValue on a missing key fails with KeyNotFound',
      req: { compare: [], success: [{ put: { key: b('a'), value: b('1') } }, { put: { key: b('missing'), value: new Uint8Array(0), ignoreValue: true } }], failure: [] },
      code: 'KeyNotFound',
    },
    {
      name: 'ignoreLease on a key deleted earlier fails with KeyNotFound',
      req: { compare: [], success: [{ txn: { compare: [], success: [{ put: { key: b('gone'), value: b('1'), ignoreLease: true } }], failure: [] } }], failure: [] },
      code: 'KeyNotFound',
    },
    {
      name: 'a lease that does not exist fails with LeaseNotFound',
      req: { compare: [], success: [{ put: { key: b('a'), value: b('1') } }, { put: { key: b('b'), value: b('1'), lease: NO_LEASE } }], failure: [] },
      code: 'LeaseNotFound',
    },
    {
      name: 'a bad put in the branch not taken does not fail the txn',
      req: { compare: [], success: [{ put: { key: b('a'), value: b('1') } }], failure: [{ put: { key: b('b'), value: b('1'), lease: NO_LEASE } }] },
      code: 'none',
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      pair.ok((e) => e.deleteRange(b('gone')));
      const got = pair.both((e) => e.txn(row.req));
      expect('err' in got ? got.err.code : 'none').toBe(row.code);
      pair.same();
    });
  }
});
