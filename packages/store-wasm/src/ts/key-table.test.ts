import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../key-range.js';
import { hashBytes, KeyTable } from './key-table.js';
import { keyString } from './key-string.js';

class Entry {
  readonly id: string;
  readonly hash: number;
  constructor(readonly key: Uint8Array) {
    this.id = keyString(key);
    this.hash = hashBytes(key);
  }
}

describe('hashBytes', () => {
  it.each([
    ['', 'a'],
    ['a', 'b'],
    ['ab', 'ba'],
    ['/registry/pods/default/a', '/registry/pods/default/b'],
    ['abcd', 'abcd\u0000'],
  ])('tells %j from %j', (a, b) => {
    expect(hashBytes(utf8(a))).not.toBe(hashBytes(utf8(b)));
  });

  it('depends only on the bytes, not on the array around them', () => {
    const whole = utf8('xx/registry/pods/ns/name');
    expect(hashBytes(whole.subarray(2))).toBe(hashBytes(utf8('/registry/pods/ns/name')));
  });
});

describe('KeyTable', () => {
  it('finds every added key by equal bytes in a different array', () => {
    const table = new KeyTable<Entry>();
    const names = Array.from({ length: 1000 }, (_, i) => `/registry/pods/ns-${i % 7}/pod-${i}`);
    const entries = names.map((n) => new Entry(utf8(n)));
    for (const e of entries) table.add(e);
    expect(table.size).toBe(1000);
    expect(names.filter((n, i) => table.get(utf8(n)) !== entries[i])).toEqual([]);
    expect(table.get(utf8('/registry/pods/ns-0/pod-1000'))).toBeUndefined();
  });

  it('keeps every other key reachable after removals in the middle of probe runs', () => {
    // A 16-slot table (8 entries) forces long shared probe runs.
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 3 }), { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 60 }), (names, picks) => {
        const table = new KeyTable<Entry>();
        const live = new Map(names.map((n) => [n, new Entry(utf8(n))]));
        for (const e of live.values()) table.add(e);
        for (const p of picks) {
          if (live.size === 0) break;
          const name = [...live.keys()][p % live.size]!;
          expect(table.remove(live.get(name)!)).toBe(true);
          live.delete(name);
          for (const [n, e] of live) expect(table.get(utf8(n))).toBe(e);
          expect(table.get(utf8(name))).toBeUndefined();
        }
        expect(table.size).toBe(live.size);
      }),
      { numRuns: 100 },
    );
  });

  it('reports removing an entry that is not there', () => {
    const table = new KeyTable<Entry>();
    table.add(new Entry(utf8('a')));
    expect(table.remove(new Entry(utf8('a')))).toBe(false);
    expect(table.size).toBe(1);
  });
});
