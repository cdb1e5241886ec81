import { afterEach, describe, expect, it } from 'vitest';
import { ReferenceModel } from '../test-util/reference-model.js';
import type { DumpHeader, DumpRecord, MvccEngine } from './engine.js';
import { isStoreError } from './errors.js';
import { WasmEngine, createWasmEngine } from './wasm.js';
import { b } from './wasm-test-pair.js';

/** dump() and load() of the wasm engine, against the ReferenceModel and against each other. */

const ZERO = new Uint8Array([0]);
const open: MvccEngine[] = [];

function engine(): MvccEngine {
  const e = createWasmEngine();
  open.push(e);
  return e;
}

afterEach(() => {
  for (const e of open.splice(0)) e.close();
});

/** The same history on any engine: puts, a txn, deletes, leases, empty values, and a compaction. */
function history(e: MvccEngine): void {
  for (let i = 0; i < 50; i++) e.put(b(`/k/${i % 17}`), b(`v${i}`.repeat(i % 5)), { lease: i % 4 });
  e.txn({ compare: [], success: [{ put: { key: b('/t/1'), value: b('t') } }, { deleteRange: { key: b('/k/3') } }, { put: { key: b('/t/2'), value: new Uint8Array(0) } }], failure: [] });
  e.deleteRange(b('/k/1'), b('/k/2'));
  e.compact(30);
  e.put(b('/k/5'), b('after compaction'));
}

function all(e: MvccEngine): DumpRecord[] {
  return [...e.dump().records];
}

describe('dump', () => {
  it('lists every stored revision in (main, sub) order, as the model does', () => {
    const wasm = engine();
    const model = new ReferenceModel();
    history(wasm);
    history(model);
    expect(wasm.dump().header).toEqual(model.dump().header);
    expect(all(wasm)).toEqual(all(model));
  });

  it('of a fresh engine is empty at revision 1', () => {
    const d = engine().dump();
    expect(d.header).toEqual({ currentRevision: 1, compactRevision: 0 });
    expect([...d.records]).toEqual([]);
  });

  it('can be iterated twice and spans many batches', () => {
    const e = engine();
    for (let i = 0; i < 1500; i++) e.put(b(`/many/${i}`), b(`${i}`));
    const d = e.dump();
    const first = [...d.records];
    expect(first).toHaveLength(1500);
    expect([...d.records]).toEqual(first);
  });
});

describe('load', () => {
  it('restores a dump so that every read, change and later write matches the original', () => {
    const source = engine();
    history(source);
    const d = source.dump();
    const copy = engine();
    copy.load(d.header, d.records);
    expect(all(copy)).toEqual(all(source));
    expect(copy.stats()).toMatchObject({ keys: source.stats().keys, revisions: source.stats().revisions });
    for (const revision of [30, 40, 0]) expect(copy.range(ZERO, ZERO, { revision })).toEqual(source.range(ZERO, ZERO, { revision }));
    expect(copy.changes(30, 100, { prevKv: true })).toEqual(source.changes(30, 100, { prevKv: true }));
    expect(() => copy.range(b('/k/'), undefined, { revision: 29 })).toThrow(/compacted/);
    expect(copy.put(b('/k/5'), b('next'), { prevKv: true })).toEqual(source.put(b('/k/5'), b('next'), { prevKv: true }));
    copy.compact(copy.currentRevision());
    source.compact(source.currentRevision());
    expect(all(copy)).toEqual(all(source));
  });

  it("loads a model's dump and gives the model's answers", () => {
    const model = new ReferenceModel();
    history(model);
    const d = model.dump();
    const copy = engine();
    copy.load(d.header, d.records);
    expect(all(copy)).toEqual(all(model));
    expect(copy.range(ZERO, ZERO, { revision: 35 })).toEqual(model.range(ZERO, ZERO, { revision: 35 }));
  });

  it('replaces whatever the engine held before', () => {
    const e = engine();
    e.put(b('old'), b('state'));
    e.load({ currentRevision: 7, compactRevision: 0 }, [{ key: b('new'), value: b('v'), main: 7, sub: 0, createRevision: 7, version: 1, lease: 0, tombstone: false }]);
    expect(e.range(ZERO, ZERO).kvs.map((kv) => kv.key)).toEqual([b('new')]);
    expect(e.currentRevision()).toBe(7);
  });

  it('empties the engine in place: its memory is reused, not grown', () => {
    const e = new WasmEngine();
    for (let i = 0; i < 2000; i++) e.put(b(`/big/${i}`), new Uint8Array(2048).fill(i & 0xff));
    const grown = e.linearMemoryBytes();
    const inUse = e.stats().memoryBytes;
    e.load({ currentRevision: 3, compactRevision: 0 }, [{ key: b('a'), value: b('1'), main: 2, sub: 0, createRevision: 2, version: 1, lease: 0, tombstone: false }]);
    expect(e.linearMemoryBytes()).toBe(grown);
    expect(e.stats()).toMatchObject({ keys: 1, revisions: 1 });
    expect(e.stats().memoryBytes).toBeLessThan(inUse / 10);
    for (let i = 0; i < 2000; i++) e.put(b(`/big/${i}`), new Uint8Array(2048));
    expect(e.linearMemoryBytes()).toBe(grown);
    e.close();
  });

  const bad: { name: string; header: DumpHeader; records: DumpRecord[] }[] = [
    {
      name: 'records out of (main, sub) order',
      header: { currentRevision: 5, compactRevision: 0 },
      records: [
        { key: b('a'), value: b('1'), main: 3, sub: 0, createRevision: 3, version: 1, lease: 0, tombstone: false },
        { key: b('b'), value: b('1'), main: 2, sub: 0, createRevision: 2, version: 1, lease: 0, tombstone: false },
      ],
    },
    {
      name: 'a repeated (main, sub)',
      header: { currentRevision: 5, compactRevision: 0 },
      records: [
        { key: b('a'), value: b('1'), main: 3, sub: 0, createRevision: 3, version: 1, lease: 0, tombstone: false },
        { key: b('b'), value: b('1'), main: 3, sub: 0, createRevision: 3, version: 1, lease: 0, tombstone: false },
      ],
    },
    {
      name: 'a record past the current revision',
      header: { currentRevision: 5, compactRevision: 0 },
      records: [{ key: b('a'), value: b('1'), main: 6, sub: 0, createRevision: 6, version: 1, lease: 0, tombstone: false }],
    },
    { name: 'a compacted revision past the current one', header: { currentRevision: 5, compactRevision: 6 }, records: [] },
    { name: 'a current revision of 0', header: { currentRevision: 0, compactRevision: 0 }, records: [] },
  ];
  for (const row of bad) {
    it(`rejects ${row.name} with Corrupt and leaves a fresh engine`, () => {
      const e = engine();
      e.put(b('before'), b('load'));
      let code = 'none';
      try {
        e.load(row.header, row.records);
      } catch (err) {
        if (isStoreError(err)) code = err.code;
      }
      expect(code).toBe('Corrupt');
      const ok = row.name.includes('revision of 0') || row.name.includes('compacted revision past');
      // A bad header is refused before anything is replaced; a bad record after the old state was dropped.
      expect(e.currentRevision()).toBe(ok ? 2 : 1);
      expect(e.put(b('x'), b('y')).revision).toBe(ok ? 3 : 2);
    });
  }
});
