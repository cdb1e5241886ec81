import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPlusTree } from './btree.js';

function keysOf(tree: BPlusTree<number>): string[] {
  const out: string[] = [];
  for (let c = tree.first(); c.valid; c.next()) out.push(c.key);
  return out;
}

function treeWith(keys: string[], maxSize: number): BPlusTree<number> {
  const tree = new BPlusTree<number>(maxSize);
  keys.forEach((k, i) => tree.set(k, i));
  return tree;
}

/** "k000", "k001", ...: n keys whose string order is their numeric order. */
const seq = (n: number): string[] => Array.from({ length: n }, (_, i) => `k${String(i).padStart(3, '0')}`);

describe('BPlusTree', () => {
  it.each([
    { maxSize: 4, n: 4, height: 1 },
    { maxSize: 4, n: 5, height: 2 },
    { maxSize: 4, n: 10, height: 2 },
    { maxSize: 4, n: 11, height: 3 },
    { maxSize: 64, n: 64, height: 1 },
    { maxSize: 64, n: 65, height: 2 },
  ])('holds $n ascending keys at node size $maxSize in $height level(s)', ({ maxSize, n, height }) => {
    const tree = treeWith(seq(n), maxSize);
    tree.verify();
    expect(tree.height()).toBe(height);
    expect(tree.size).toBe(n);
    expect(keysOf(tree)).toEqual(seq(n));
  });

  it('splits a full leaf in the middle when one more key arrives', () => {
    const tree = treeWith(['a', 'b', 'c', 'd'], 4);
    tree.set('e', 4);
    tree.verify();
    expect(tree.height()).toBe(2);
    expect(keysOf(tree)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('collapses back to one leaf when deletes empty a sibling (merge at the boundary)', () => {
    const tree = treeWith(['a', 'b', 'c', 'd', 'e'], 4);
    expect(tree.height()).toBe(2);
    tree.delete('e');
    tree.verify();
    tree.delete('d');
    tree.verify();
    expect(tree.height()).toBe(1);
    expect(keysOf(tree)).toEqual(['a', 'b', 'c']);
  });

  it('borrows from a sibling that can spare an entry instead of merging', () => {
    const tree = treeWith(['a', 'b', 'c', 'd', 'e', 'f'], 4); // leaves [a b] [c d e f]
    tree.delete('a');
    tree.verify();
    expect(tree.height()).toBe(2);
    expect(keysOf(tree)).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('replaces the value of a key that is already there without growing', () => {
    const tree = treeWith(['a', 'b'], 4);
    expect(tree.set('a', 99)).toBe(false);
    expect(tree.get('a')).toBe(99);
    expect(tree.size).toBe(2);
  });

  it.each([
    { key: 'k000', found: 0 },
    { key: 'k123', found: 123 },
    { key: 'k299', found: 299 },
    { key: 'k300', found: undefined },
    { key: 'a', found: undefined },
    { key: '', found: undefined },
  ])('get($key) finds $found among 300 keys', ({ key, found }) => {
    expect(treeWith(seq(300), 4).get(key)).toBe(found);
  });

  it.each([
    { seek: '', first: 'k000' },
    { seek: 'k000', first: 'k000' },
    { seek: 'k0005', first: 'k001' },
    { seek: 'k150', first: 'k150' },
    { seek: 'k299', first: 'k299' },
    { seek: 'k2990', first: null },
    { seek: 'z', first: null },
  ])('seek($seek) lands on $first', ({ seek, first }) => {
    const c = treeWith(seq(300), 5).seek(seek);
    expect(c.valid ? c.key : null).toBe(first);
  });

  it.each([
    { start: 'k037', end: 'k063', from: 37, to: 63 },
    { start: 'k037', end: 'k0625', from: 37, to: 63 },
    { start: 'k000', end: 'k004', from: 0, to: 4 },
    { start: 'k096', end: 'k100', from: 96, to: 100 },
    { start: 'k050', end: null, from: 50, to: 100 },
    { start: '', end: 'k000', from: 0, to: 0 },
    { start: 'k063', end: 'k037', from: 0, to: 0 },
    { start: 'k050', end: 'k050', from: 0, to: 0 },
  ])('walks [$start, $end) in order across leaf boundaries', ({ start, end, from, to }) => {
    for (const maxSize of [4, 5, 64]) {
      const tree = treeWith(seq(100), maxSize);
      const seen: string[] = [];
      for (let c = tree.seek(start, end); c.valid; c.next()) seen.push(c.key);
      expect(seen, `node size ${maxSize}`).toEqual(seq(100).slice(from, to));
    }
  });

  it('walks a range bounded at every possible leaf position', () => {
    const keys = seq(40);
    const tree = treeWith(keys, 4);
    for (let i = 0; i <= 40; i++)
      for (let j = i; j <= 40; j++) {
        const seen: string[] = [];
        for (let c = tree.seek(keys[i] ?? 'z', keys[j] ?? null); c.valid; c.next()) seen.push(c.key);
        expect(seen.length, `[${i}, ${j})`).toBe(j - i);
      }
  });

  it('orders keys by their latin1 bytes, 0x00 and 0x80..0xff included', () => {
    const keys = ['\u00ff', '\u0080', 'a', '\u0000', 'a\u0000', '\u009f', 'ab'];
    expect(keysOf(treeWith(keys, 4))).toEqual(['\u0000', 'a', 'a\u0000', 'ab', '\u0080', '\u009f', '\u00ff']);
  });

  it('reports a missing key on delete without changing anything', () => {
    const tree = treeWith(seq(20), 4);
    expect(tree.delete('nope')).toBe(false);
    expect(tree.size).toBe(20);
    tree.verify();
  });

  it('rejects node sizes below 4', () => {
    expect(() => new BPlusTree(3)).toThrow(RangeError);
  });

  it.each([4, 5, 8, 64])('matches a sorted set under random inserts and deletes at node size %i', (maxSize) => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\u0080', '\u00ff'), maxLength: 4 })), {
          maxLength: 300,
        }),
        (steps) => {
          const tree = new BPlusTree<number>(maxSize);
          const model = new Set<string>();
          steps.forEach(([insert, key], i) => {
            if (insert) {
              expect(tree.set(key, i)).toBe(!model.has(key));
              model.add(key);
            } else {
              expect(tree.delete(key)).toBe(model.delete(key));
            }
          });
          tree.verify();
          expect(keysOf(tree)).toEqual([...model].sort());
        },
      ),
      { numRuns: 100 },
    );
  });

  it('empties completely and stays usable', () => {
    const keys = seq(200);
    const tree = treeWith(keys, 4);
    for (const k of keys.filter((_, i) => i % 2 === 0)) tree.delete(k);
    tree.verify();
    for (const k of keys) tree.delete(k);
    tree.verify();
    expect(tree.size).toBe(0);
    expect(tree.first().valid).toBe(false);
    tree.set('x', 1);
    expect(keysOf(tree)).toEqual(['x']);
  });
});
