import { describe, expect, it } from 'vitest';
import { KeyIndex } from './key-index.js';
import { RevisionLog } from './revision-log.js';

/** A key's history written as in etcd's comments: "1.0 2.0 3.0t" (main.sub, t for a tombstone). */
function history(spec: string): { ki: KeyIndex; log: RevisionLog } {
  const log = new RevisionLog();
  const ki = new KeyIndex('foo', 0);
  let created = 0;
  let version = 0;
  for (const token of spec.split(' ').filter(Boolean)) {
    const tomb = token.endsWith('t');
    const [main, sub] = token.replace('t', '').split('.').map(Number) as [number, number];
    const slot = log.append(ki, main, sub);
    if (tomb) {
      created = 0;
      version = 0;
    } else {
      if (created === 0) created = main;
      log.setRevision(slot, created, ++version, 0);
    }
    ki.push(log, slot);
  }
  return { ki, log };
}

/** The key's slots, oldest first. */
function slotsOf(ki: KeyIndex, log: RevisionLog): number[] {
  const out: number[] = [];
  for (let s = ki.head; s >= 0; s = log.prev(s)) out.unshift(s);
  return out;
}

/** The etcd key_index.go example: put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0). */
const ETCD_EXAMPLE = '1.0 2.0 3.0t 4.0 5.0t';

describe('KeyIndex', () => {
  it('cuts its revisions into generations after each tombstone, leaving an empty open one', () => {
    const { ki, log } = history(ETCD_EXAMPLE);
    expect(ki.generations(log)).toEqual([['1.0', '2.0', '3.0(t)'], ['4.0', '5.0(t)'], []]);
  });

  it.each([
    { at: 0, main: null },
    { at: 1, main: 1 },
    { at: 2, main: 2 },
    { at: 3, main: null },
    { at: 4, main: 4 },
    { at: 5, main: null },
    { at: 9, main: null },
  ])('reads the etcd example at revision $at as $main', ({ at, main }) => {
    const { ki, log } = history(ETCD_EXAMPLE);
    const slot = ki.visibleAt(log, at);
    expect(slot < 0 ? null : log.main(slot)).toBe(main);
  });

  it.each([
    { at: 2, version: 2, created: 1 },
    { at: 4, version: 1, created: 4 },
  ])('gives the version and created revision of the generation seen at $at', ({ at, version, created }) => {
    const { ki, log } = history(ETCD_EXAMPLE);
    const slot = ki.visibleAt(log, at);
    expect({ version: log.version(slot), created: log.createRevision(slot) }).toEqual({ version, created });
  });

  // etcd's own compaction table for the example (key_index.go): every revision <= at goes except the newest at or
  // below it, and that one too when it is a tombstone.
  it.each([
    { at: 1, left: [['1.0', '2.0', '3.0(t)'], ['4.0', '5.0(t)'], []], dropped: [] },
    { at: 2, left: [['2.0', '3.0(t)'], ['4.0', '5.0(t)'], []], dropped: ['1.0'] },
    { at: 3, left: [['4.0', '5.0(t)'], []], dropped: ['3.0', '2.0', '1.0'] },
    { at: 4, left: [['4.0', '5.0(t)'], []], dropped: ['3.0', '2.0', '1.0'] },
    { at: 5, left: [[]], dropped: ['5.0', '4.0', '3.0', '2.0', '1.0'] },
    { at: 6, left: [[]], dropped: ['5.0', '4.0', '3.0', '2.0', '1.0'] },
  ])('compact($at) leaves $left and hands back $dropped', ({ at, left, dropped }) => {
    const { ki, log } = history(ETCD_EXAMPLE);
    const cut: string[] = [];
    for (let s = ki.compact(log, at); s >= 0; s = log.prev(s)) cut.push(`${log.main(s)}.${log.sub(s)}`);
    expect(ki.generations(log)).toEqual(left);
    expect(cut).toEqual(dropped);
    expect(ki.head < 0).toBe(left.flat().length === 0);
  });

  it('keeps reads at and after the compacted revision unchanged', () => {
    for (let at = 1; at <= 6; at++) {
      const before = history(ETCD_EXAMPLE);
      const after = history(ETCD_EXAMPLE);
      after.ki.compact(after.log, at);
      for (let r = at; r <= 7; r++) {
        const a = before.ki.visibleAt(before.log, r);
        const b = after.ki.visibleAt(after.log, r);
        expect(b < 0 ? null : after.log.main(b), `compact(${at}) then read at ${r}`).toBe(a < 0 ? null : before.log.main(a));
      }
    }
  });

  it('reports the latest state, absent after a tombstone', () => {
    const live = history('1.0 2.0');
    expect(live.log.main(live.ki.latest())).toBe(2);
    const dead = history('1.0 2.0t');
    expect(dead.ki.latest()).toBe(-1);
    const empty = history('');
    expect(empty.ki.latest()).toBe(-1);
    expect(empty.ki.visibleAt(empty.log, 10)).toBe(-1);
  });

  it.each([
    { spec: '1.0 2.0 2.1 4.0', of: 3, prev: '2.1' },
    { spec: '1.0 2.0 2.1 4.0', of: 2, prev: '2.0' },
    { spec: '1.0 2.0 2.1 4.0', of: 0, prev: null },
    { spec: '3.0t 5.0', of: 1, prev: '3.0' },
  ])('finds the revision before position $of of $spec: $prev', ({ spec, of, prev }) => {
    const { ki, log } = history(spec);
    const p = ki.previous(log, slotsOf(ki, log)[of]!);
    expect(p < 0 ? null : `${log.main(p)}.${log.sub(p)}`).toBe(prev);
  });

  it('finds the right revision at old revisions in a long history', () => {
    const spec = Array.from({ length: 500 }, (_, i) => `${(i + 1) * 2}.0`).join(' ');
    const { ki, log } = history(spec);
    expect(log.main(ki.visibleAt(log, 501))).toBe(500);
    expect(log.main(ki.visibleAt(log, 502))).toBe(502);
    expect(ki.visibleAt(log, 1)).toBe(-1);
    expect(log.version(ki.visibleAt(log, 1000))).toBe(500);
  });
});
