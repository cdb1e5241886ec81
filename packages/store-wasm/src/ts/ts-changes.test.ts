import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases } from '../../test-util/engine-cases.js';
import { b, eventText } from '../../test-util/kv-text.js';
import type { ChangesOptions, MvccEngine } from '../engine.js';

/**
 * History used below:
 *   rev 2: txn put x=1, put y=1      (subs 0, 1)
 *   rev 3: put x=2
 *   rev 4: delete x
 *   rev 5: put x=3, put z=1 (txn)
 *   rev 6: put y=2
 */
function writeHistory(e: MvccEngine): void {
  e.txn({ compare: [], success: [{ put: { key: b('x'), value: b('1') } }, { put: { key: b('y'), value: b('1') } }], failure: [] });
  e.put(b('x'), b('2'));
  e.deleteRange(b('x'));
  e.txn({ compare: [], success: [{ put: { key: b('x'), value: b('3') } }, { put: { key: b('z'), value: b('1') } }], failure: [] });
  e.put(b('y'), b('2'));
}

describe.each(engineCases())('the $name engine (changes)', (c) => {
  let e: MvccEngine;
  beforeEach((ctx) => {
    if (c.unavailable) ctx.skip(c.unavailable);
    e = c.make();
    writeHistory(e);
  });
  afterEach(() => e?.close());

  it.each<{ name: string; from: number; to: number; opts: ChangesOptions; events: string[] }>([
    {
      name: 'every change in (main, sub) order',
      from: 1,
      to: 6,
      opts: {},
      events: ['PUT x=1 @2', 'PUT y=1 @2', 'PUT x=2 @3', 'DELETE x @4', 'PUT x=3 @5', 'PUT z=1 @5', 'PUT y=2 @6'],
    },
    {
      name: 'prevKv for updates and deletes, none for creations',
      from: 2,
      to: 6,
      opts: { prevKv: true },
      events: ['PUT x=1 @2', 'PUT y=1 @2', 'PUT x=2 @3 (prev x=1 @2)', 'DELETE x @4 (prev x=2 @3)', 'PUT x=3 @5', 'PUT z=1 @5', 'PUT y=2 @6 (prev y=1 @2)'],
    },
    { name: 'a window inside the history', from: 3, to: 4, opts: {}, events: ['PUT x=2 @3', 'DELETE x @4'] },
    { name: 'nothing when from is past to', from: 5, to: 4, opts: {}, events: [] },
    { name: 'nothing past the current revision', from: 7, to: 99, opts: {}, events: [] },
    { name: 'one key', from: 1, to: 6, opts: { key: b('y') }, events: ['PUT y=1 @2', 'PUT y=2 @6'] },
    { name: 'a key range', from: 1, to: 6, opts: { key: b('y'), rangeEnd: b('\0') }, events: ['PUT y=1 @2', 'PUT z=1 @5', 'PUT y=2 @6'] },
    { name: 'limit 1 completes the first revision', from: 2, to: 6, opts: { limit: 1 }, events: ['PUT x=1 @2', 'PUT y=1 @2'] },
    { name: 'limit 2 ends on a revision boundary', from: 2, to: 6, opts: { limit: 2 }, events: ['PUT x=1 @2', 'PUT y=1 @2'] },
    { name: 'limit 3 completes the third change', from: 2, to: 6, opts: { limit: 3 }, events: ['PUT x=1 @2', 'PUT y=1 @2', 'PUT x=2 @3'] },
    { name: 'limit 5 does not split revision 5', from: 2, to: 6, opts: { limit: 5 }, events: ['PUT x=1 @2', 'PUT y=1 @2', 'PUT x=2 @3', 'DELETE x @4', 'PUT x=3 @5', 'PUT z=1 @5'] },
  ])('returns $name', ({ from, to, opts, events }) => {
    expect(e.changes(from, to, opts).map(eventText)).toEqual(events);
  });

  it('sends deletes as etcd does: key and revision, every other field zero', () => {
    const [del] = e.changes(4, 4);
    expect(del).toEqual({ type: 'DELETE', kv: { key: b('x'), value: new Uint8Array(0), createRevision: 0, modRevision: 4, version: 0, lease: 0 } });
  });

  it('leaves out prevKv for the oldest revision compaction kept', () => {
    e.compact(3);
    // x=2 @3 is x's oldest revision now: what preceded it is compacted away.
    expect(e.changes(3, 4, { prevKv: true }).map(eventText)).toEqual(['PUT x=2 @3', 'DELETE x @4 (prev x=2 @3)']);
  });

  it('keeps every change after the compacted revision, and drops a delete at exactly it (as etcd does)', () => {
    const before = e.changes(4, 6, { prevKv: true }).map(eventText);
    e.compact(4);
    expect(e.changes(4, 6, { prevKv: true }).map(eventText)).toEqual(before.filter((ev) => !ev.startsWith('DELETE x @4')));
  });
});
