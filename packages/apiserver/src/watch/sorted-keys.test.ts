import { describe, expect, it } from 'vitest';
import { SortedKeys } from './sorted-keys.js';

type Op = ['add' | 'delete', string];

describe('sorted keys', () => {
  const cases: { name: string; start: string[]; ops: Op[]; want: string[] }[] = [
    { name: 'sorts what it starts with', start: ['c', 'a', 'b'], ops: [], want: ['a', 'b', 'c'] },
    { name: 'merges added keys in order', start: ['a', 'e'], ops: [['add', 'c'], ['add', 'b'], ['add', 'f']], want: ['a', 'b', 'c', 'e', 'f'] },
    { name: 'drops deleted keys', start: ['a', 'b', 'c'], ops: [['delete', 'b']], want: ['a', 'c'] },
    { name: 'keeps a key deleted and added back once', start: ['a', 'c', 'e'], ops: [['delete', 'c'], ['add', 'c']], want: ['a', 'c', 'e'] },
    { name: 'forgets a key added and deleted before a read', start: ['a'], ops: [['add', 'b'], ['delete', 'b']], want: ['a'] },
    { name: 'handles every kind of change at once', start: ['a', 'c', 'e'], ops: [['add', 'd'], ['delete', 'c'], ['add', 'c'], ['add', 'b']], want: ['a', 'b', 'c', 'd', 'e'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const keys = new SortedKeys();
      keys.reset(c.start);
      for (const [op, k] of c.ops) keys[op](k);
      expect(keys.all()).toEqual(c.want);
    });
  }

  it('finds where a prefix starts, across changes', () => {
    const keys = new SortedKeys();
    keys.reset(['/r/pods/a/x', '/r/pods/c/y']);
    keys.add('/r/pods/b/z');
    expect(keys.lowerBound('/r/pods/b/')).toBe(1);
    expect(keys.lowerBound('/r/pods/b0')).toBe(2);
    expect(keys.lowerBound('/r/pods/d/')).toBe(3);
  });

  it('returns the same array while nothing changes', () => {
    const keys = new SortedKeys();
    keys.reset(['b', 'a']);
    expect(keys.all()).toBe(keys.all());
  });
});
