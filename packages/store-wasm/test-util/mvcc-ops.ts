import fc from 'fast-check';
import { prefixEnd } from '../src/key-range.js';
import type { Compare, CompareResult, CompareTarget, RequestOp, TxnRequest } from '../src/kv.js';
import { withoutDuplicateKeys } from './txn-intervals.js';

/**
 * Random operations for the property tests, as plain data. Revisions are chosen relative to the store's state when
 * the operation runs (RevisionChoice), so sequences keep hitting the interesting boundaries (the compacted
 * revision, the current one, one past it) however they evolve and shrink.
 *
 * Keys come from a tiny alphabet so operations collide; it includes 0x00 (a key "\0" and the "\0" range end),
 * 0x80 and 0xff (latin1 ordering above 0x7f, prefix ends that overflow).
 */

export type RevisionChoice =
  | { from: 'current'; delta: number }
  | { from: 'compacted'; delta: number }
  | { from: 'absolute'; delta: number };

/** How a range names its end: none (single key), empty bytes (single key too), "\0" (open), the prefix end, a key. */
export type EndChoice = { kind: 'single' } | { kind: 'empty' } | { kind: 'open' } | { kind: 'prefix' } | { kind: 'key'; key: Uint8Array };

export type Op =
  | { op: 'put'; key: Uint8Array; value: Uint8Array; lease: number; prevKv: boolean; ignoreValue: boolean; ignoreLease: boolean }
  | { op: 'deleteRange'; key: Uint8Array; end: EndChoice; prevKv: boolean }
  | {
      op: 'range';
      key: Uint8Array;
      end: EndChoice;
      revision: RevisionChoice | null;
      limit: number;
      keysOnly: boolean;
      countOnly: boolean;
    }
  | { op: 'txn'; txn: TxnRequest }
  | { op: 'compact'; revision: RevisionChoice }
  | {
      op: 'changes';
      from: RevisionChoice;
      to: RevisionChoice;
      filter: { key: Uint8Array; end: EndChoice } | null;
      prevKv: boolean;
      limit: number;
    }
  | { op: 'dumpLoad' };

/** The lease the generators use that does not exist: leaseExists(id) is id !== MISSING_LEASE. */
export const MISSING_LEASE = 7;
export const leaseExists = (id: number): boolean => id !== MISSING_LEASE;

const ALPHABET = [0x00, 0x61, 0x62, 0x80, 0xff];

export const keyArb: fc.Arbitrary<Uint8Array> = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 2 })
  .map((bytes) => Uint8Array.from(bytes));

/** true with the given probability (percent); shrinks to false. */
function sometimes(percent: number): fc.Arbitrary<boolean> {
  return fc.integer({ min: 0, max: 99 }).map((n) => n >= 100 - percent);
}

const valueArb: fc.Arbitrary<Uint8Array> = fc
  .array(fc.constantFrom(0x00, 0x31, 0x32), { maxLength: 3 })
  .map((bytes) => Uint8Array.from(bytes));

const endArb: fc.Arbitrary<EndChoice> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'single' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'open' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'prefix' as const }) },
  { weight: 3, arbitrary: keyArb.map((key) => ({ kind: 'key' as const, key })) },
);

const revisionArb: fc.Arbitrary<RevisionChoice> = fc.oneof(
  fc.record({ from: fc.constant('current' as const), delta: fc.integer({ min: -10, max: 1 }) }),
  fc.record({ from: fc.constant('compacted' as const), delta: fc.integer({ min: -1, max: 2 }) }),
  fc.record({ from: fc.constant('absolute' as const), delta: fc.integer({ min: 0, max: 12 }) }),
);

/** A put as etcd's validation admits it: no value with ignoreValue, no lease with ignoreLease. */
const putArb = fc
  .record({
    key: keyArb,
    value: valueArb,
    lease: fc.constantFrom(0, 0, 0, 1, 2, MISSING_LEASE),
    prevKv: fc.boolean(),
    ignoreValue: sometimes(10),
    ignoreLease: sometimes(10),
  })
  .map((p) => ({
    ...p,
    value: p.ignoreValue ? new Uint8Array(0) : p.value,
    lease: p.ignoreLease ? 0 : p.lease,
  }));

export function rangeEndOf(key: Uint8Array, end: EndChoice): Uint8Array | undefined {
  switch (end.kind) {
    case 'single':
      return undefined;
    case 'empty':
      return new Uint8Array(0);
    case 'open':
      return Uint8Array.of(0);
    case 'prefix':
      return prefixEnd(key);
    case 'key':
      return end.key;
  }
}

export function resolveRevision(choice: RevisionChoice, current: number, compacted: number): number {
  switch (choice.from) {
    case 'current':
      return Math.max(0, current + choice.delta);
    case 'compacted':
      return Math.max(0, compacted + choice.delta);
    case 'absolute':
      return choice.delta;
  }
}

const compareArb: fc.Arbitrary<Compare> = fc
  .record({
    key: keyArb,
    end: endArb,
    target: fc.constantFrom<CompareTarget>('version', 'create', 'mod', 'value', 'lease'),
    result: fc.constantFrom<CompareResult>('equal', 'not_equal', 'less', 'greater'),
    number: fc.integer({ min: 0, max: 12 }),
    bytes: valueArb,
  })
  .map((c) => {
    const rangeEnd = rangeEndOf(c.key, c.end);
    const cmp: Compare = { key: c.key, target: c.target, result: c.result, value: c.target === 'value' ? c.bytes : c.number };
    if (rangeEnd !== undefined) cmp.rangeEnd = rangeEnd;
    return cmp;
  });

/** Ops inside a txn: ranges carry no revision there (see the property test's header). */
const { txn: txnArb } = fc.letrec<{ txn: TxnRequest; op: RequestOp }>((tie) => ({
  txn: fc.record({
    compare: fc.array(compareArb, { maxLength: 3 }),
    success: fc.array(tie('op'), { maxLength: 4 }),
    failure: fc.array(tie('op'), { maxLength: 3 }),
  }),
  op: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    putArb.map((p): RequestOp => ({ put: { key: p.key, value: p.value, lease: p.lease, prevKv: p.prevKv, ignoreValue: p.ignoreValue, ignoreLease: p.ignoreLease } })),
    fc
      .record({ key: keyArb, end: endArb, prevKv: fc.boolean() })
      .map((d): RequestOp => ({ deleteRange: withEnd({ key: d.key, prevKv: d.prevKv }, rangeEndOf(d.key, d.end)) })),
    fc
      .record({ key: keyArb, end: endArb, limit: fc.nat(3), keysOnly: fc.boolean(), countOnly: fc.boolean() })
      .map((r): RequestOp => ({ range: withEnd({ key: r.key, limit: r.limit, keysOnly: r.keysOnly, countOnly: r.countOnly }, rangeEndOf(r.key, r.end)) })),
    tie('txn').map((t): RequestOp => ({ txn: t as TxnRequest })),
  ),
}));

function withEnd<T extends object>(req: T, rangeEnd: Uint8Array | undefined): T & { rangeEnd?: Uint8Array } {
  return rangeEnd === undefined ? req : { ...req, rangeEnd };
}

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 14, arbitrary: putArb.map((p): Op => ({ op: 'put', ...p })) },
  { weight: 3, arbitrary: fc.record({ key: keyArb, end: endArb, prevKv: fc.boolean() }).map((d): Op => ({ op: 'deleteRange', ...d })) },
  {
    weight: 5,
    arbitrary: fc
      .record({
        key: keyArb,
        end: endArb,
        revision: fc.option(revisionArb, { nil: null }),
        limit: fc.nat(4),
        keysOnly: fc.boolean(),
        countOnly: sometimes(20),
      })
      .map((r): Op => ({ op: 'range', ...r })),
  },
  { weight: 4, arbitrary: txnArb.map((t): Op => ({ op: 'txn', txn: withoutDuplicateKeys(t) })) },
  { weight: 2, arbitrary: revisionArb.map((revision): Op => ({ op: 'compact', revision })) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        from: revisionArb,
        to: fc.oneof({ weight: 2, arbitrary: fc.constant<RevisionChoice>({ from: 'current', delta: 0 }) }, { weight: 1, arbitrary: revisionArb }),
        filter: fc.option(fc.record({ key: keyArb, end: endArb }), { nil: null }),
        prevKv: fc.boolean(),
        limit: fc.nat(5),
      })
      .map((c): Op => ({ op: 'changes', ...c })),
  },
  { weight: 1, arbitrary: fc.constant<Op>({ op: 'dumpLoad' }) },
);
