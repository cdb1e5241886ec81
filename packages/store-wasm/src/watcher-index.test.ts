import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inRange, prefixEnd, utf8 } from './key-range.js';
import { WatcherIndex, type IndexedRange } from './watcher-index.js';

/** Short keys over a few bytes (0x00 and 0xff included), so that ranges, prefixes and edges meet often. */
const keyArb = fc.uint8Array({ minLength: 0, maxLength: 4 }).map((a) => a.map((b) => [0x00, 0x2f, 0x61, 0x62, 0xff][b % 5]!));

const rangeArb: fc.Arbitrary<IndexedRange> = fc.oneof(
  keyArb.map((key) => ({ key })),
  keyArb.filter((k) => k.length > 0).map((key) => ({ key, rangeEnd: prefixEnd(key) })),
  fc.tuple(keyArb, keyArb).map(([key, rangeEnd]) => ({ key, rangeEnd })),
  keyArb.map((key) => ({ key, rangeEnd: new Uint8Array([0]) })),
);

function holding(index: WatcherIndex<number>, key: Uint8Array): number[] {
  const out: number[] = [];
  index.forEachHolding(key, (w) => out.push(w));
  return out.sort((a, b) => a - b);
}

describe('WatcherIndex', () => {
  it('finds exactly the watchers whose range holds a key, as inRange decides, through adds and removes', () => {
    fc.assert(
      fc.property(fc.array(rangeArb, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(keyArb, { minLength: 1, maxLength: 10 }), (ranges, drops, keys) => {
        const index = new WatcherIndex<number>();
        ranges.forEach((r, w) => index.add(w, r));
        const live = new Set(ranges.map((_, w) => w));
        for (const d of drops) {
          const w = d % ranges.length;
          if (live.delete(w)) index.remove(w, ranges[w]!);
        }
        for (const key of keys) {
          const want = [...live].filter((w) => inRange(key, ranges[w]!.key, ranges[w]!.rangeEnd)).sort((a, b) => a - b);
          expect(holding(index, key)).toEqual(want);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("indexes an API server's prefix watches: a key finds its resource's watcher, and a longer prefix's too", () => {
    const index = new WatcherIndex<string>();
    for (const r of ['pods', 'nodes', 'podtemplates']) {
      const key = utf8(`/registry/${r}/`);
      index.add(r, { key, rangeEnd: prefixEnd(key) });
    }
    const ns = utf8('/registry/pods/default/');
    index.add('pods in default', { key: ns, rangeEnd: prefixEnd(ns) });
    index.add('one pod', { key: utf8('/registry/pods/default/web') });
    const seen = (k: string) => {
      const out: string[] = [];
      index.forEachHolding(utf8(k), (w) => out.push(w));
      return out.sort();
    };
    expect(seen('/registry/pods/default/web')).toEqual(['one pod', 'pods', 'pods in default']);
    expect(seen('/registry/pods/other/web')).toEqual(['pods']);
    expect(seen('/registry/podtemplates/default/t')).toEqual(['podtemplates']);
    expect(seen('/registry/pods')).toEqual([]);
    index.remove('pods', { key: utf8('/registry/pods/'), rangeEnd: prefixEnd(utf8('/registry/pods/')) });
    expect(seen('/registry/pods/default/web')).toEqual(['one pod', 'pods in default']);
  });

  it('keeps no trie nodes for prefixes nobody watches any more', () => {
    const index = new WatcherIndex<number>();
    const keys = ['/registry/pods/', '/registry/pods/default/', '/registry/nodes/'].map(utf8);
    keys.forEach((key, w) => index.add(w, { key, rangeEnd: prefixEnd(key) }));
    index.remove(1, { key: keys[1]!, rangeEnd: prefixEnd(keys[1]!) });
    // The shared path to '/registry/pods/' stays; the branch under it is gone.
    const pods = [...keys[0]!].reduce((n: any, b) => n.next.get(b), (index as any).prefixes);
    expect(pods.next).toBeUndefined();
    index.remove(0, { key: keys[0]!, rangeEnd: prefixEnd(keys[0]!) });
    index.remove(2, { key: keys[2]!, rangeEnd: prefixEnd(keys[2]!) });
    expect((index as any).prefixes).toEqual({});
    expect(holding(index, utf8('/registry/pods/default/a'))).toEqual([]);
  });
});
