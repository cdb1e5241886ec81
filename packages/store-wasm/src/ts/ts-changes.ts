import type { ChangesOptions } from '../engine.js';
import type { WatchEvent } from '../kv.js';
import { keyString } from './key-string.js';
import { EMPTY_BYTES } from './out-buffer.js';
import type { TsState } from './ts-state.js';

/**
 * The changes with main revision in [fromRev, toRev], from the change log, in (main, sub) order. The caller has
 * checked fromRev against the compacted revision.
 *
 * prevKv is the revision stored just before the change in the key's history, when that is a live value: a
 * creation follows a tombstone (or nothing) and has none, and neither has the oldest revision compaction kept,
 * since what preceded it is gone (etcd answers that case with Compacted, and leaves prevKv out).
 */
export function collectChanges(state: TsState, fromRev: number, toRev: number, opts: ChangesOptions): WatchEvent[] {
  const log = state.log;
  const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : 0;
  const wantPrev = opts.prevKv === true;
  // Key filter as latin1 strings: [lo, hi) with hi '' meaning no upper bound; a single key when exact.
  const filter = opts.key !== undefined;
  let lo = '';
  let hi = '';
  let exact = false;
  if (opts.key !== undefined) {
    lo = keyString(opts.key);
    const end = opts.rangeEnd;
    if (end === undefined || end.length === 0) exact = true;
    else if (!(end.length === 1 && end[0] === 0)) hi = keyString(end);
  }
  const out: WatchEvent[] = [];
  let lastMain = -1;
  for (let pos = log.lowerBound(fromRev); pos < log.orderLength; pos++) {
    const slot = log.order[pos]!;
    const main = log.main(slot);
    if (main > toRev) break;
    const ki = log.owner[slot]!;
    if (filter) {
      const id = ki.id;
      if (exact ? id !== lo : id < lo || (hi !== '' && id >= hi)) continue;
    }
    if (limit > 0 && out.length >= limit && main !== lastMain) break;
    lastMain = main;
    let ev: WatchEvent;
    if (log.isTombstone(slot)) {
      ev = {
        type: 'DELETE',
        kv: { key: state.out.latin1(ki.id), value: EMPTY_BYTES, createRevision: 0, modRevision: main, version: 0, lease: 0 },
      };
    } else ev = { type: 'PUT', kv: state.toKv(ki, slot) };
    if (wantPrev) {
      const prev = ki.previous(log, slot);
      if (prev >= 0 && !log.isTombstone(prev)) ev.prevKv = state.toKv(ki, prev);
    }
    out.push(ev);
  }
  return out;
}
