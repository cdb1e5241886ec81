import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prefixEnd } from './key-range.js';
import { EnginePair, b } from './wasm-test-pair.js';

/** compact() through the wasm engine, compared with the ReferenceModel. */

const ZERO = new Uint8Array([0]);

let pair: EnginePair;

/**
 * History (revision: change):
 *  2 put a   3 put b   4 put a   5 del a   6 put c   7 txn{put a, put b, del c}   8 del b   9 put d   10 put a
 */
beforeEach(() => {
  pair = new EnginePair();
  pair.ok((e) => e.put(b('a'), b('a1')));
  pair.ok((e) => e.put(b('b'), b('b1')));
  pair.ok((e) => e.put(b('a'), b('a2')));
  pair.ok((e) => e.deleteRange(b('a')));
  pair.ok((e) => e.put(b('c'), b('c1')));
  pair.ok((e) =>
    e.txn({ compare: [], success: [{ put: { key: b('a'), value: b('a3') } }, { put: { key: b('b'), value: b('b2') } }, { deleteRange: { key: b('c') } }], failure: [] }),
  );
  pair.ok((e) => e.deleteRange(b('b')));
  pair.ok((e) => e.put(b('d'), b('d1')));
  pair.ok((e) => e.put(b('a'), b('a4')));
});

afterEach(() => pair.close());

function readsAt(revs: number[]): void {
  for (const revision of revs) {
    pair.both((e) => e.range(ZERO, ZERO, { revision }), `range at ${revision}`);
    pair.both((e) => e.range(b('a'), undefined, { revision }), `get a at ${revision}`);
  }
}

describe('compact', () => {
  const rows: { name: string; to: number }[] = [
    { name: 'compacting to revision 2 keeps every read from 2 on', to: 2 },
    { name: 'compacting onto a delete drops the tombstone and what it deleted', to: 5 },
    { name: 'compacting onto a txn keeps its last sub per key', to: 7 },
    { name: 'compacting onto a delete of a key never written again frees the key', to: 8 },
    { name: 'compacting to the current revision keeps one revision per live key', to: 10 },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const before = (revision: number) => pair.wasm.range(ZERO, ZERO, { revision });
      const kept = [row.to, 9, 10].filter((r) => r >= row.to).map((r) => [r, before(r)] as const);
      pair.ok((e) => e.compact(row.to));
      pair.same(`after compact(${row.to})`);
      for (const [r, res] of kept) expect(pair.wasm.range(ZERO, ZERO, { revision: r }), `reads at ${r} unchanged`).toEqual(res);
      readsAt([row.to - 1, row.to, 10]);
      pair.both((e) => e.changes(row.to, 10, { prevKv: true }), 'changes from the compacted revision');
      pair.both((e) => e.changes(row.to - 1, 10), 'changes from below it');
    });
  }

  const errors: { name: string; first?: number; to: (current: number, compacted: number) => number; code: string }[] = [
    { name: 'compacting to the compacted revision again is Compacted', first: 6, to: (_c, k) => k, code: 'Compacted' },
    { name: 'compacting below the compacted revision is Compacted', first: 6, to: (_c, k) => k - 1, code: 'Compacted' },
    { name: 'compacting past the current revision is FutureRev', to: (c) => c + 1, code: 'FutureRev' },
    { name: 'compacting to 0 on a never compacted history is Compacted', to: () => 0, code: 'Compacted' },
  ];
  for (const row of errors) {
    it(row.name, () => {
      if (row.first !== undefined) pair.ok((e) => e.compact(row.first!));
      pair.fails((e) => e.compact(row.to(e.currentRevision(), e.compactRevision())), row.code);
      pair.same();
    });
  }

  it('successive compactions each drop what the last one kept', () => {
    for (const to of [3, 4, 6, 7, 9, 10]) {
      pair.ok((e) => e.compact(to));
      pair.same(`after compact(${to})`);
    }
    expect(pair.wasm.stats()).toMatchObject({ keys: 2, revisions: 2 });
  });

  it('writes after a compaction build on what it kept', () => {
    pair.ok((e) => e.compact(10));
    pair.ok((e) => e.put(b('a'), b('a5'), { prevKv: true }));
    pair.ok((e) => e.deleteRange(ZERO, ZERO, { prevKv: true }));
    pair.ok((e) => e.put(b('b'), b('b3')));
    pair.ok((e) => e.compact(12));
    pair.same();
    pair.ok((e) => e.changes(12, 20, { prevKv: true }));
  });

  it('compaction of thousands of keys removes exactly the dead ones', () => {
    for (let i = 0; i < 3000; i++) pair.ok((e) => e.put(b(`/many/${i}`), b(`${i}`)));
    pair.ok((e) => e.deleteRange(b('/many/1'), prefixEnd(b('/many/1'))));
    for (let i = 0; i < 3000; i += 7) pair.ok((e) => e.put(b(`/many/${i}`), b(`again ${i}`)));
    pair.ok((e) => e.compact(e.currentRevision() - 5));
    pair.same('after compaction');
    pair.ok((e) => e.range(b('/many/'), prefixEnd(b('/many/')), { limit: 50 }));
    pair.ok((e) => e.changes(e.compactRevision(), e.currentRevision(), { prevKv: true }));
  });

  // Compaction visits only the keys written since the last one and finds each dropped log entry by (main, sub):
  // writes with hundreds of subs under one main, and survivors of old compactions written again, cover that.
  it('periodic compactions drop old survivors and entries of wide writes under one revision', () => {
    const key = (i: number) => b(`/wide/${String(i).padStart(4, '0')}`);
    for (let i = 0; i < 600; i++) pair.ok((e) => e.put(key(i), b(`v${i}`)));
    pair.ok((e) => e.compact(e.currentRevision()));
    pair.ok((e) => e.txn({ compare: [], success: Array.from({ length: 100 }, (_, i) => ({ put: { key: key(i * 3), value: b(`t${i}`) } })), failure: [] }));
    pair.ok((e) => e.deleteRange(key(100), key(400)));
    pair.ok((e) => e.compact(e.currentRevision() - 1));
    pair.same('after compacting onto the txn');
    for (let i = 0; i < 600; i += 5) pair.ok((e) => e.put(key(i), b(`again ${i}`)));
    pair.ok((e) => e.compact(e.currentRevision()));
    pair.same('after compacting onto the delete and the rewrites');
    // 300 keys outside the deleted range, 60 rewritten inside it, and a and d from the shared history.
    expect(pair.wasm.stats()).toMatchObject({ keys: 362, revisions: 362 });
    pair.ok((e) => e.changes(e.compactRevision(), e.currentRevision(), { prevKv: true }));
  });
});
