import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases } from '../../test-util/engine-cases.js';
import { plainDump } from '../../test-util/engine-outcome.js';
import { b, eventText, kvText } from '../../test-util/kv-text.js';
import type { DumpHeader, DumpRecord, MvccEngine } from '../engine.js';
import { isStoreError } from '../errors.js';
import { TsEngine } from './ts-engine.js';

function writeHistory(e: MvccEngine): void {
  for (let i = 0; i < 5; i++) e.put(b(`k${i % 3}`), b(`v${i}`), { lease: i % 2 });
  e.deleteRange(b('k1'));
  e.txn({ compare: [], success: [{ put: { key: b('k1'), value: b('again') } }, { deleteRange: { key: b('k2') } }], failure: [] });
  e.compact(4);
  e.put(b('k0'), b('last'));
}

/** What a reader can observe, from the compacted revision on. */
function observe(e: MvccEngine): unknown {
  const from = e.compactRevision();
  const reads = [];
  for (let r = from; r <= e.currentRevision(); r++) reads.push(e.range(b('\0'), b('\0'), { revision: r }).kvs.map(kvText));
  return {
    current: e.currentRevision(),
    compacted: from,
    stats: { keys: e.stats().keys, revisions: e.stats().revisions },
    reads,
    changes: e.changes(from, e.currentRevision(), { prevKv: true }).map(eventText),
  };
}

describe.each(engineCases())('the $name engine (dump and load)', (c) => {
  let e: MvccEngine;
  let copy: MvccEngine;
  beforeEach((ctx) => {
    if (c.unavailable) ctx.skip(c.unavailable);
    e = c.make();
    copy = c.make();
  });
  afterEach(() => {
    e?.close();
    copy?.close();
  });

  it('loads its own dump into a fresh engine that answers every read and change the same', () => {
    writeHistory(e);
    const { header, records } = e.dump();
    copy.load(header, records);
    expect(observe(copy)).toEqual(observe(e));
    expect(plainDump(copy)).toEqual(plainDump(e));
  });

  it('keeps going after a load with the next revision', () => {
    writeHistory(e);
    const { header, records } = e.dump();
    copy.load(header, records);
    expect(copy.put(b('k9'), b('x')).revision).toBe(e.currentRevision() + 1);
    expect(kvText(copy.range(b('k0')).kvs[0]!)).toMatchObject({ value: 'last', version: 3 });
  });

  it('dumps records in (main, sub) order', () => {
    writeHistory(e);
    const order = [...e.dump().records].map((r) => [r.main, r.sub]);
    expect(order).toEqual([...order].sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!));
  });

  it('round-trips an empty store', () => {
    const { header, records } = e.dump();
    copy.load(header, records);
    expect(observe(copy)).toEqual(observe(e));
  });
});

describe('TsEngine.load', () => {
  const rec = (key: string, main: number, sub = 0, extra: Partial<DumpRecord> = {}): DumpRecord => ({
    key: b(key),
    value: b('v'),
    main,
    sub,
    createRevision: main,
    version: 1,
    lease: 0,
    tombstone: false,
    ...extra,
  });

  const EMPTY = { current: 1, keys: 0 };
  const UNCHANGED = { current: 2, keys: 1 };
  it.each<{ name: string; header: DumpHeader; records: DumpRecord[]; after: object }>([
    { name: 'records out of order', header: { currentRevision: 5, compactRevision: 0 }, records: [rec('a', 3), rec('b', 2)], after: EMPTY },
    { name: 'a repeated (main, sub)', header: { currentRevision: 5, compactRevision: 0 }, records: [rec('a', 2), rec('b', 2)], after: EMPTY },
    { name: 'a revision past the header', header: { currentRevision: 2, compactRevision: 0 }, records: [rec('a', 3)], after: EMPTY },
    { name: 'revision 0', header: { currentRevision: 2, compactRevision: 0 }, records: [rec('a', 0)], after: EMPTY },
    { name: 'an empty key', header: { currentRevision: 2, compactRevision: 0 }, records: [rec('', 2)], after: EMPTY },
    { name: 'a compact revision past the current one', header: { currentRevision: 2, compactRevision: 3 }, records: [], after: UNCHANGED },
    { name: 'a fractional revision', header: { currentRevision: 2.5, compactRevision: 0 }, records: [], after: UNCHANGED },
  ])('rejects $name as Corrupt (bad header: nothing changes; bad record: left empty)', ({ header, records, after }) => {
    const e = new TsEngine();
    e.put(b('before'), b('x'));
    let thrown: unknown;
    try {
      e.load(header, records);
    } catch (err) {
      thrown = err;
    }
    expect(isStoreError(thrown, 'Corrupt') ? thrown.code : thrown).toBe('Corrupt');
    expect({ current: e.currentRevision(), keys: e.stats().keys }).toEqual(after);
    e.close();
  });

  it('drops what the header says was compacted even if the dump still holds it', () => {
    const e = new TsEngine();
    e.load({ currentRevision: 4, compactRevision: 3 }, [rec('a', 2), rec('a', 3, 0, { version: 2, createRevision: 2 }), rec('b', 4)]);
    expect(e.stats()).toMatchObject({ keys: 2, revisions: 2 });
    expect(kvText(e.range(b('a'), undefined, { revision: 3 }).kvs[0]!)).toMatchObject({ value: 'v', version: 2, create: 2 });
    e.close();
  });
});
