import type { DeleteRangeResult, KeyValue, PutOptions, PutResult, RangeOptions, RangeResult } from '../kv.js';
import { BPlusTree, Cursor } from './btree.js';
import { KeyIndex } from './key-index.js';
import { keyString } from './key-string.js';
import { KeyTable } from './key-table.js';
import { EMPTY_BYTES, OutBuffer } from './out-buffer.js';
import { RevisionLog } from './revision-log.js';
import { ValueArena } from './value-arena.js';

/**
 * The TS twin's state and the steps every operation is made of: find a key, read a key at a revision, walk a
 * range, and append a put or a tombstone inside the write in progress.
 *
 *   table (key bytes -> KeyIndex)        point lookups: put, get, single-key delete and compare
 *   tree  (latin1 key -> KeyIndex)       ordered walks: ranges, range deletes and compares
 *   KeyIndex.head -> prev chain in log   each key's generations, newest first
 *   log   (a row per revision, order)    revision data and the (main, sub) change log
 *   arena (slabs)                        value bytes
 *
 * A write (a put, a deleteRange, a whole txn) runs between startWrite() and finishWrite(): its changes take main
 * revision begin + 1 and sub revisions 0, 1, 2..., and the store's revision moves only if it changed something.
 */
export class TsState {
  readonly tree = new BPlusTree<KeyIndex>();
  readonly table = new KeyTable<KeyIndex>();
  readonly log = new RevisionLog();
  readonly arena = new ValueArena();
  readonly out = new OutBuffer();
  rev = 1;
  compacted = 0;
  /** Keys whose newest revision is not a tombstone. */
  liveKeys = 0;
  /** Bytes of all indexed keys. */
  keyBytes = 0;
  /** Compaction passes so far: a KeyIndex's mark equals it once the current pass has listed the key. */
  compactionPasses = 0;
  /** Revision when the write in progress started, and how many changes it has made. */
  begin = 1;
  subs = 0;
  private readonly cursor = new Cursor<KeyIndex>();

  startWrite(): void {
    this.begin = this.rev;
    this.subs = 0;
  }

  /** The revision reads inside the write in progress see: begin, or begin + 1 once it changed something. */
  viewRev(): number {
    return this.subs > 0 ? this.begin + 1 : this.begin;
  }

  finishWrite(): number {
    if (this.subs > 0) this.rev = this.begin + 1;
    return this.rev;
  }

  /** A result's copy of the key and of slot's revision. */
  toKv(ki: KeyIndex, slot: number, keysOnly = false): KeyValue {
    const log = this.log;
    const out = this.out;
    const len = log.valueLength(slot);
    let value: Uint8Array = EMPTY_BYTES;
    if (!keysOnly && len > 0) {
      const off = log.valueOffset(slot);
      value = out.copy(this.arena.bytes(log.valueSlab(slot)), off, off + len);
    }
    return {
      key: out.latin1(ki.id),
      value,
      createRevision: log.createRevision(slot),
      modRevision: log.main(slot),
      version: log.version(slot),
      lease: log.lease(slot),
    };
  }

  /**
   * The shared cursor, walking the keys of [key, rangeEnd) under etcd's conventions for a non-empty rangeEnd
   * ("\0": every key >= key). Not reentrant: one walk at a time.
   */
  walk(key: Uint8Array, rangeEnd: Uint8Array): Cursor<KeyIndex> {
    const open = rangeEnd.length === 1 && rangeEnd[0] === 0;
    return this.tree.seek(keyString(key), open ? null : keyString(rangeEnd), this.cursor);
  }

  /** Range over the state at main revision `at`; the result reports headerRev as its revision. */
  rangeAt(key: Uint8Array, rangeEnd: Uint8Array | undefined, opts: RangeOptions, at: number, headerRev: number): RangeResult {
    const kvs: KeyValue[] = [];
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : 0;
    const countOnly = opts.countOnly === true;
    const keysOnly = opts.keysOnly === true;
    let count = 0;
    if (rangeEnd === undefined || rangeEnd.length === 0) {
      const ki = this.table.get(key);
      const slot = ki ? ki.visibleAt(this.log, at) : -1;
      if (slot >= 0) {
        count = 1;
        if (!countOnly) kvs.push(this.toKv(ki!, slot, keysOnly));
      }
    } else {
      const log = this.log;
      for (const c = this.walk(key, rangeEnd); c.valid; c.next()) {
        const ki = c.value;
        const slot = ki.visibleAt(log, at);
        if (slot < 0) continue;
        count++;
        if (countOnly || (limit > 0 && kvs.length >= limit)) continue;
        kvs.push(this.toKv(ki, slot, keysOnly));
      }
    }
    return { kvs, count, more: !countOnly && limit > 0 && count > limit, revision: headerRev };
  }

  /**
   * Put inside the write in progress. The caller has checked ignoreValue/ignoreLease (the key exists) and the
   * lease; the previous state is the key's newest revision, which is what the write in progress sees.
   */
  put(key: Uint8Array, value: Uint8Array, opts: PutOptions): PutResult {
    let ki = this.table.get(key);
    const prev = ki ? ki.latest() : -1;
    if (!ki) ki = this.addKey(key);
    const main = this.begin + 1;
    const log = this.log;
    const arena = this.arena;
    // ignoreValue: the new revision gets its own copy of the previous value, so compaction can free either alone.
    let src = value;
    let start = 0;
    let end = value.length;
    if (opts.ignoreValue && prev >= 0) {
      start = log.valueOffset(prev);
      end = start + log.valueLength(prev);
      src = end > start ? arena.bytes(log.valueSlab(prev)) : EMPTY_BYTES;
    }
    arena.store(src, start, end);
    const slot = log.append(ki, main, this.subs++);
    log.setValue(slot, arena.slab, arena.offset, end - start);
    const lease = opts.ignoreLease && prev >= 0 ? log.lease(prev) : (opts.lease ?? 0);
    if (prev >= 0) log.setRevision(slot, log.createRevision(prev), log.version(prev) + 1, lease);
    else {
      log.setRevision(slot, main, 1, lease);
      this.liveKeys++;
    }
    ki.push(log, slot);
    if (opts.prevKv && prev >= 0) return { revision: main, prevKv: this.toKv(ki, prev) };
    return { revision: main };
  }

  /** DeleteRange inside the write in progress: a tombstone for every key in the range that exists. */
  deleteRange(key: Uint8Array, rangeEnd: Uint8Array | undefined, prevKv: boolean): DeleteRangeResult {
    const prevKvs: KeyValue[] | undefined = prevKv ? [] : undefined;
    let deleted = 0;
    if (rangeEnd === undefined || rangeEnd.length === 0) {
      const ki = this.table.get(key);
      const prev = ki ? ki.latest() : -1;
      if (prev >= 0) {
        this.tombstone(ki!, prev, prevKvs);
        deleted = 1;
      }
    } else {
      // Appending tombstones changes only the keys' histories, never the tree, so the walk stays valid.
      for (const c = this.walk(key, rangeEnd); c.valid; c.next()) {
        const ki = c.value;
        const prev = ki.latest();
        if (prev < 0) continue;
        this.tombstone(ki, prev, prevKvs);
        deleted++;
      }
    }
    const res: DeleteRangeResult = { revision: this.viewRev(), deleted };
    if (prevKvs) res.prevKvs = prevKvs;
    return res;
  }

  /**
   * A new index entry for these key bytes (in the table and the tree). The caller has just missed them in
   * table.get(), whose hash it reuses.
   */
  addKey(key: Uint8Array): KeyIndex {
    const ki = new KeyIndex(keyString(key), this.table.lastHash);
    this.table.add(ki);
    this.tree.set(ki.id, ki);
    this.keyBytes += key.length;
    return ki;
  }

  /** Remove a key with no revisions left from the table and the tree. */
  dropKey(ki: KeyIndex): void {
    this.table.remove(ki);
    this.tree.delete(ki.id);
    this.keyBytes -= ki.id.length;
  }

  clear(): void {
    this.tree.clear();
    this.table.clear();
    this.log.clear();
    this.arena.clear();
    this.rev = 1;
    this.compacted = 0;
    this.liveKeys = 0;
    this.keyBytes = 0;
    this.begin = 1;
    this.subs = 0;
  }

  private tombstone(ki: KeyIndex, prev: number, prevKvs: KeyValue[] | undefined): void {
    if (prevKvs) prevKvs.push(this.toKv(ki, prev));
    const log = this.log;
    // append() leaves the row a tombstone: version 0, no value, no lease.
    const slot = log.append(ki, this.begin + 1, this.subs++);
    ki.push(log, slot);
    this.liveKeys--;
  }
}
