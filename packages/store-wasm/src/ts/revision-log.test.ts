import { describe, expect, it } from 'vitest';
import { KeyIndex } from './key-index.js';
import { RevisionLog } from './revision-log.js';

const owner = new KeyIndex('k', 0);

function logWith(mains: number[]): RevisionLog {
  const log = new RevisionLog();
  mains.forEach((m, i) => log.append(owner, m, i > 0 && mains[i - 1] === m ? log.sub(log.order[i - 1]!) + 1 : 0));
  return log;
}

const orderedMains = (log: RevisionLog): number[] => Array.from(log.order.subarray(0, log.orderLength), (s) => log.main(s));

describe('RevisionLog', () => {
  it.each([
    { main: 0, pos: 0 },
    { main: 2, pos: 0 },
    { main: 3, pos: 1 },
    { main: 5, pos: 3 },
    { main: 6, pos: 5 },
    { main: 9, pos: 5 },
  ])('finds the first position at or after revision $main: $pos', ({ main, pos }) => {
    expect(logWith([2, 3, 3, 5, 5]).lowerBound(main)).toBe(pos);
  });

  it('removes freed slots from the order on sweep and hands them out again', () => {
    const log = logWith([2, 3, 4, 5, 6]);
    const [s2, , s4] = [log.order[0]!, log.order[1]!, log.order[2]!];
    log.free(s2);
    log.free(s4);
    expect(log.size).toBe(3);
    log.sweep(log.lowerBound(5));
    expect(orderedMains(log)).toEqual([3, 5, 6]);
    const reused = [log.append(owner, 7, 0), log.append(owner, 8, 0)].sort();
    expect(reused).toEqual([s2, s4].sort());
    expect(orderedMains(log)).toEqual([3, 5, 6, 7, 8]);
  });

  it('keeps every field of every row when it grows past its first capacity', () => {
    const log = new RevisionLog();
    for (let i = 0; i < 1000; i++) {
      const s = log.append(owner, i + 2, 0);
      log.setRevision(s, 2, i + 1, i * 3);
      log.setValue(s, i % 5, i * 10, i);
    }
    const bad = [];
    for (let pos = 0; pos < 1000; pos++) {
      const s = log.order[pos]!;
      const row = [log.main(s), log.version(s), log.lease(s), log.valueSlab(s), log.valueOffset(s), log.valueLength(s)];
      const want = [pos + 2, pos + 1, pos * 3, pos === 0 ? -1 : pos % 5, pos === 0 ? 0 : pos * 10, pos];
      if (row.join() !== want.join() || log.owner[s] !== owner) bad.push(pos);
    }
    expect(bad).toEqual([]);
    expect(log.size).toBe(1000);
  });
});
