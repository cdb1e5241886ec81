import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RangeOptions } from './kv.js';
import { prefixEnd } from './key-range.js';
import { EnginePair, b } from './wasm-test-pair.js';

/** Reads through the wasm engine, each compared with the ReferenceModel on the same history. */

const ZERO = new Uint8Array([0]);
const FF = new Uint8Array([0xff]);

/** Keys chosen for the edges of byte order: prefixes of each other, 0x00 and 0xff bytes, an 8-byte boundary. */
const KEYS = [
  b('a'),
  b('ab'),
  b('abc'),
  b('abcdefgh'),
  b('abcdefghi'),
  new Uint8Array([0x61, 0x00]),
  new Uint8Array([0x61, 0xff]),
  b('b'),
  FF,
  new Uint8Array([0xff, 0xff, 0x00]),
  b('/registry/pods/default/web-1'),
  b('/registry/pods/default/web-2'),
  b('/registry/pods/kube-system/dns'),
  b('/registry/podsx'),
  b('/registry/services/default/web'),
];

let pair: EnginePair;

beforeEach(() => {
  pair = new EnginePair();
  // Revision 2..16: one put per key; then updates and a delete to give the keys history.
  KEYS.forEach((k, i) => pair.ok((e) => e.put(k, b(`v${i}`), { lease: i % 3 })));
  pair.ok((e) => e.put(b('ab'), b('ab-2')));
  pair.ok((e) => e.deleteRange(b('abc')));
  pair.ok((e) => e.put(b('/registry/pods/default/web-1'), b('web-1 v2')));
});

afterEach(() => pair.close());

describe('range over key ranges', () => {
  const rows: { name: string; key: Uint8Array; end?: Uint8Array }[] = [
    { name: 'an empty rangeEnd reads one key', key: b('ab') },
    { name: 'an absent key reads nothing', key: b('zzz') },
    { name: 'a deleted key reads nothing', key: b('abc') },
    { name: 'a key with a 0x00 byte is its own key', key: new Uint8Array([0x61, 0x00]) },
    { name: 'rangeEnd "\\0" reads every key from key on', key: b('b'), end: ZERO },
    { name: 'key "\\0" with rangeEnd "\\0" reads every key', key: ZERO, end: ZERO },
    { name: 'the end of a range is exclusive', key: b('a'), end: b('abcdefgh') },
    { name: 'a prefix range reads the keys under the prefix only', key: b('/registry/pods/'), end: prefixEnd(b('/registry/pods/')) },
    { name: 'a range whose end sorts before its key is empty', key: b('b'), end: b('a') },
    { name: 'a range whose end equals its key is empty', key: b('ab'), end: b('ab') },
    { name: 'a range reaches keys of 0xff bytes', key: FF, end: new Uint8Array([0xff, 0xff, 0x01]) },
    { name: 'prefixEnd of 0xff is every key', key: FF, end: prefixEnd(FF) },
    { name: 'a range starting between keys starts at the next key', key: b('abcd'), end: b('b') },
  ];
  const options: { name: string; opts?: RangeOptions }[] = [
    { name: 'defaults' },
    { name: 'limit 2', opts: { limit: 2 } },
    { name: 'limit 1', opts: { limit: 1 } },
    { name: 'keysOnly', opts: { keysOnly: true } },
    { name: 'countOnly', opts: { countOnly: true } },
    { name: 'countOnly with a limit', opts: { countOnly: true, limit: 1 } },
  ];
  for (const row of rows) {
    for (const o of options) {
      it(`${row.name} (${o.name})`, () => {
        pair.ok((e) => e.range(row.key, row.end, o.opts));
      });
    }
  }

  it('limit cuts the kvs short but count still counts every key and more says so', () => {
    const r = pair.ok((e) => e.range(ZERO, ZERO, { limit: 3 }));
    expect(r.kvs).toHaveLength(3);
    expect(r.count).toBe(KEYS.length - 1);
    expect(r.more).toBe(true);
  });

  it('results own their bytes: changing them does not change the store', () => {
    const first = pair.wasm.range(ZERO, ZERO);
    for (const kv of first.kvs) {
      kv.key.fill(0x7a);
      kv.value.fill(0x7a);
    }
    pair.ok((e) => e.range(ZERO, ZERO));
  });
});

describe('range at a revision', () => {
  const rows: { name: string; revision: (current: number) => number; compactTo?: number }[] = [
    { name: 'revision 0 reads the current revision', revision: () => 0 },
    { name: 'a negative revision reads the current revision', revision: () => -3 },
    { name: 'the current revision reads the current state', revision: (c) => c },
    { name: 'an old revision reads the state then', revision: () => 4 },
    { name: 'revision 1 reads the empty store', revision: () => 1 },
    { name: 'a revision past the current one is FutureRev', revision: (c) => c + 1 },
    { name: 'the compacted revision is still readable', revision: () => 10, compactTo: 10 },
    { name: 'a revision below the compacted one is Compacted', revision: () => 9, compactTo: 10 },
    { name: 'a revision far below the compacted one is Compacted', revision: () => 2, compactTo: 10 },
  ];
  for (const row of rows) {
    it(row.name, () => {
      if (row.compactTo !== undefined) pair.ok((e) => e.compact(row.compactTo!));
      const at = row.revision(pair.model.currentRevision());
      pair.both((e) => e.range(ZERO, ZERO, { revision: at }), 'every key');
      pair.both((e) => e.range(b('ab'), undefined, { revision: at }), 'one key');
      pair.both((e) => e.range(b('/registry/pods/'), prefixEnd(b('/registry/pods/')), { revision: at, limit: 1 }), 'a prefix');
    });
  }

  it('a read reports the store revision in its header, not the revision read', () => {
    const r = pair.ok((e) => e.range(b('a'), undefined, { revision: 2 }));
    expect(r.revision).toBe(pair.model.currentRevision());
  });
});
