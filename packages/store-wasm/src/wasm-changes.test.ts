import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangesOptions } from './engine.js';
import { prefixEnd } from './key-range.js';
import { EnginePair, b } from './wasm-test-pair.js';

/** changes() through the wasm engine, compared with the ReferenceModel. */

const ZERO = new Uint8Array([0]);

let pair: EnginePair;

beforeEach(() => {
  pair = new EnginePair();
  pair.ok((e) => e.put(b('/p/a'), b('a1'))); // 2
  pair.ok((e) => e.put(b('/p/b'), b('b1'))); // 3
  pair.ok((e) =>
    e.txn({
      compare: [],
      success: [{ put: { key: b('/p/a'), value: b('a2') } }, { put: { key: b('/q/x'), value: b('x1') } }, { put: { key: b('/p/c'), value: b('c1') } }],
      failure: [],
    }),
  ); // 4.0 4.1 4.2
  pair.ok((e) => e.deleteRange(b('/p/'), prefixEnd(b('/p/')))); // 5.0 5.1 5.2
  pair.ok((e) => e.put(b('/p/a'), new Uint8Array(0))); // 6
  pair.ok((e) => e.put(b('/q/x'), b('x2'), { lease: 5 })); // 7
});

afterEach(() => pair.close());

describe('changes', () => {
  const rows: { name: string; from: number; to: number; opts?: ChangesOptions }[] = [
    { name: 'every change comes in (main, sub) order', from: 1, to: 7 },
    { name: 'prevKv carries the value before each change', from: 1, to: 7, opts: { prevKv: true } },
    { name: 'a window of revisions is inclusive at both ends', from: 4, to: 5, opts: { prevKv: true } },
    { name: 'a window past the current revision stops at it', from: 6, to: 100 },
    { name: 'a window with from > to is empty', from: 6, to: 5 },
    { name: 'a key filter keeps one key', from: 1, to: 7, opts: { key: b('/p/a'), prevKv: true } },
    { name: 'a prefix filter keeps the keys under it', from: 1, to: 7, opts: { key: b('/p/'), rangeEnd: prefixEnd(b('/p/')) } },
    { name: 'an open-ended filter keeps keys from the key on', from: 1, to: 7, opts: { key: b('/q/'), rangeEnd: ZERO } },
    { name: 'limit 1 still completes the first revision reached', from: 4, to: 7, opts: { limit: 1 } },
    { name: 'limit 2 stops after the revision it is in', from: 3, to: 7, opts: { limit: 2 } },
    { name: 'limit 4 lands inside a revision and completes it', from: 3, to: 7, opts: { limit: 4 } },
    { name: 'limit counts only events that pass the filter', from: 1, to: 7, opts: { limit: 2, key: b('/p/'), rangeEnd: prefixEnd(b('/p/')) } },
    { name: 'limit 0 means no limit', from: 1, to: 7, opts: { limit: 0 } },
  ];
  for (const row of rows) {
    it(row.name, () => {
      pair.ok((e) => e.changes(row.from, row.to, row.opts));
    });
  }

  it('a delete event carries only the key and the delete revision', () => {
    const events = pair.ok((e) => e.changes(5, 5));
    expect(events.map((ev) => ev.type)).toEqual(['DELETE', 'DELETE', 'DELETE']);
    expect(events[0]!.kv).toEqual({ key: b('/p/a'), value: new Uint8Array(0), createRevision: 0, modRevision: 5, version: 0, lease: 0 });
  });

  it('a caller can page through with limit, continuing after the last revision seen', () => {
    const all = pair.ok((e) => e.changes(1, 7, { prevKv: true }));
    const paged = [];
    for (let from = 1; from <= 7; ) {
      const page = pair.ok((e) => e.changes(from, 7, { prevKv: true, limit: 2 }));
      if (page.length === 0) break;
      paged.push(...page);
      from = page[page.length - 1]!.kv.modRevision + 1;
    }
    expect(paged).toEqual(all);
  });

  it('after compaction, changes from the compacted revision lack the dropped prevKvs', () => {
    pair.ok((e) => e.compact(5));
    pair.ok((e) => e.changes(5, 7, { prevKv: true }));
    pair.fails((e) => e.changes(4, 7), 'Compacted');
  });
});
