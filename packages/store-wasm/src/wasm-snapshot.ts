import type { DumpHeader, DumpRecord } from './engine.js';
import { StoreError } from './errors.js';
import type { Boundary } from './wasm-codec.js';

/** dump() and load() of the wasm engine: logical records in (main, sub) order, read and written in batches. */

const BATCH = 512;

/** Every stored revision, read from the module's revision log BATCH records at a time. */
export function* dumpRecords(b: Boundary): Generator<DumpRecord> {
  let start = 0;
  while (true) {
    const n = b.ex.dumpRead(start, BATCH);
    if (n < 0) throw b.error(n);
    if (n === 0) return;
    const batch = b.dumpRecords(n);
    start += n;
    yield* batch;
  }
}

function isRevision(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

export function checkHeader(h: DumpHeader): void {
  if (!isRevision(h.currentRevision) || h.currentRevision < 1 || !isRevision(h.compactRevision) || h.compactRevision > h.currentRevision) {
    throw new StoreError('Corrupt', `bad dump header: current ${h.currentRevision}, compacted ${h.compactRevision}`);
  }
}

/** Appends the records to a fresh module instance, then sets its revisions. Throws on the first bad record. */
export function loadRecords(b: Boundary, header: DumpHeader, records: Iterable<DumpRecord>): void {
  for (const d of records) {
    if (!isRevision(d.main) || d.main > header.currentRevision || !isRevision(d.sub) || d.sub > 0xffffffff) {
      throw new StoreError('Corrupt', `dump record at revision ${d.main}.${d.sub} outside the dump's revisions (current ${header.currentRevision})`);
    }
    const value = d.tombstone ? new Uint8Array(0) : d.value;
    b.write2(d.key, value);
    const st = b.ex.loadRecord(d.key.length, value.length, d.main, d.sub, d.createRevision, d.version, d.lease, d.tombstone ? 1 : 0);
    if (st < 0) throw b.error(st);
  }
  b.ex.loadFinish(header.currentRevision, header.compactRevision);
}
