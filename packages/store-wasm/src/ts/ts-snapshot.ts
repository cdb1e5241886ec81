import type { DumpHeader, DumpRecord } from '../engine.js';
import { StoreError } from '../errors.js';
import { compactKey } from './ts-compaction.js';
import type { TsState } from './ts-state.js';

/** Every stored revision in (main, sub) order, read lazily from the change log. */
export function* dumpRecords(state: TsState): Generator<DumpRecord> {
  const log = state.log;
  for (let pos = 0; pos < log.orderLength; pos++) {
    const slot = log.order[pos]!;
    const ki = log.owner[slot];
    if (!ki) continue;
    const tombstone = log.isTombstone(slot);
    const len = log.valueLength(slot);
    const off = log.valueOffset(slot);
    yield {
      key: ki.keyBytes(),
      value: len > 0 ? state.arena.bytes(log.valueSlab(slot)).slice(off, off + len) : new Uint8Array(0),
      main: log.main(slot),
      sub: log.sub(slot),
      createRevision: log.createRevision(slot),
      version: log.version(slot),
      lease: log.lease(slot),
      tombstone,
    };
  }
}

function corrupt(detail: string): StoreError {
  return new StoreError('Corrupt', `snapshot: ${detail}`);
}

function isRevision(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * Replace the state with a dump's. Records must come in strictly increasing (main, sub) order, with revisions in
 * [1, currentRevision]; anything else is Corrupt. A bad header is refused before anything changes; a bad record
 * leaves the state empty rather than half loaded.
 */
export function loadRecords(state: TsState, header: DumpHeader, records: Iterable<DumpRecord>): void {
  const { currentRevision, compactRevision } = header;
  if (!isRevision(currentRevision) || currentRevision < 1)
    throw corrupt(`current revision must be an integer >= 1, got ${String(currentRevision)}`);
  if (!isRevision(compactRevision) || compactRevision > currentRevision)
    throw corrupt(`compact revision must be an integer in [0, ${currentRevision}], got ${String(compactRevision)}`);
  state.clear();
  try {
    appendAll(state, currentRevision, records);
  } catch (err) {
    state.clear();
    throw err;
  }
  state.rev = currentRevision;
  state.compacted = compactRevision;
  state.begin = currentRevision;
  // A dump from a compacted store holds nothing compaction would drop; enforce it anyway, since the incremental
  // compaction pass (ts-compaction.ts) relies on it.
  if (compactRevision > 0) {
    const keys = [];
    for (let c = state.tree.first(); c.valid; c.next()) keys.push(c.value);
    for (const ki of keys) compactKey(state, ki, compactRevision);
    state.log.sweep(state.log.orderLength);
  }
  let live = 0;
  for (let c = state.tree.first(); c.valid; c.next()) if (c.value.latest() >= 0) live++;
  state.liveKeys = live;
}

function appendAll(state: TsState, currentRevision: number, records: Iterable<DumpRecord>): void {
  const log = state.log;
  const arena = state.arena;
  let lastMain = 0;
  let lastSub = -1;
  let n = 0;
  for (const r of records) {
    if (!isRevision(r.main) || r.main < 1 || r.main > currentRevision)
      throw corrupt(`record ${n} has revision ${String(r.main)}, outside [1, ${currentRevision}]`);
    if (!isRevision(r.sub)) throw corrupt(`record ${n} has sub revision ${String(r.sub)}`);
    if (r.main < lastMain || (r.main === lastMain && r.sub <= lastSub))
      throw corrupt(`record ${n} (${r.main}.${r.sub}) is not after ${lastMain}.${lastSub}`);
    if (!(r.key instanceof Uint8Array) || r.key.length === 0) throw corrupt(`record ${n} has no key`);
    if (!r.tombstone && !(r.value instanceof Uint8Array)) throw corrupt(`record ${n} has no value`);
    if (!r.tombstone && !(Number.isSafeInteger(r.version) && r.version >= 1))
      throw corrupt(`record ${n} is a put with version ${String(r.version)}, not >= 1`);
    lastMain = r.main;
    lastSub = r.sub;
    const ki = state.table.get(r.key) ?? state.addKey(r.key);
    const slot = log.append(ki, r.main, r.sub);
    if (!r.tombstone) {
      arena.store(r.value);
      log.setValue(slot, arena.slab, arena.offset, r.value.length);
      log.setRevision(slot, r.createRevision, r.version, r.lease);
    }
    ki.push(log, slot);
    n++;
  }
}
