import type {
  ChangesOptions,
  DumpHeader,
  DumpRecord,
  EngineOptions,
  EngineStats,
  MvccEngine,
} from '../src/engine.js';
import { StoreError } from '../src/errors.js';
import { compareBytes, inRange } from '../src/key-range.js';
import type {
  Compare,
  DeleteRangeOptions,
  DeleteRangeResult,
  KeyValue,
  PutOptions,
  PutResult,
  RangeOptions,
  RangeResult,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResult,
  WatchEvent,
} from '../src/kv.js';

/**
 * The oracle for property tests: etcd's MVCC semantics written as plainly as possible, with no regard for speed.
 * Every key keeps a list of its revisions; a read scans them. If an engine and this model disagree, read this file
 * first: it is meant to be obviously right.
 */

interface Rev {
  main: number;
  sub: number;
  value: Uint8Array;
  createRevision: number;
  version: number;
  lease: number;
  tombstone: boolean;
}

/** latin1 string of a key: a Map key that sorts like the bytes. */
function keyId(k: Uint8Array): string {
  let s = '';
  for (let i = 0; i < k.length; i++) s += String.fromCharCode(k[i]!);
  return s;
}

function idBytes(id: string): Uint8Array {
  const b = new Uint8Array(id.length);
  for (let i = 0; i < id.length; i++) b[i] = id.charCodeAt(i);
  return b;
}

/** Write state of one txn: begin revision and how many changes it has made. */
interface WriteTxn {
  begin: number;
  subs: number;
}

export class ReferenceModel implements MvccEngine {
  readonly kind = 'ts' as const;
  private readonly history = new Map<string, Rev[]>();
  private rev = 1;
  private compacted = 0;
  private readonly leaseExists: (id: number) => boolean;

  constructor(opts: EngineOptions = {}) {
    this.leaseExists = opts.leaseExists ?? (() => true);
  }

  currentRevision(): number {
    return this.rev;
  }

  compactRevision(): number {
    return this.compacted;
  }

  // ---- reads ----

  /** The key's state as of `at`, or undefined if absent then. */
  private stateAt(id: string, at: number): Rev | undefined {
    const revs = this.history.get(id);
    if (!revs) return undefined;
    let found: Rev | undefined;
    for (const r of revs) if (r.main <= at) found = r;
    return found && !found.tombstone ? found : undefined;
  }

  private toKv(id: string, r: Rev, keysOnly = false): KeyValue {
    return {
      key: idBytes(id),
      value: keysOnly ? new Uint8Array(0) : r.value.slice(),
      createRevision: r.createRevision,
      modRevision: r.main,
      version: r.version,
      lease: r.lease,
    };
  }

  private sortedIds(): string[] {
    return [...this.history.keys()].sort((a, b) => compareBytes(idBytes(a), idBytes(b)));
  }

  private checkReadRevision(at: number): number {
    if (at > this.rev) throw new StoreError('FutureRev', undefined, { currentRevision: this.rev });
    const r = at <= 0 ? this.rev : at;
    if (r < this.compacted) throw new StoreError('Compacted', undefined, { compactRevision: this.compacted });
    return r;
  }

  private rangeAt(key: Uint8Array, rangeEnd: Uint8Array | undefined, opts: RangeOptions, at: number, headerRev: number): RangeResult {
    const kvs: KeyValue[] = [];
    let count = 0;
    for (const id of this.sortedIds()) {
      if (!inRange(idBytes(id), key, rangeEnd)) continue;
      const r = this.stateAt(id, at);
      if (!r) continue;
      count++;
      if (opts.countOnly) continue;
      if (opts.limit && kvs.length >= opts.limit) continue;
      kvs.push(this.toKv(id, r, opts.keysOnly));
    }
    return { kvs, count, more: !opts.countOnly && !!opts.limit && count > opts.limit, revision: headerRev };
  }

  range(key: Uint8Array, rangeEnd?: Uint8Array, opts: RangeOptions = {}): RangeResult {
    const at = this.checkReadRevision(opts.revision ?? 0);
    return this.rangeAt(key, rangeEnd, opts, at, this.rev);
  }

  // ---- writes ----

  private viewRev(w: WriteTxn): number {
    return w.subs > 0 ? w.begin + 1 : w.begin;
  }

  private append(id: string, r: Rev): void {
    let revs = this.history.get(id);
    if (!revs) this.history.set(id, (revs = []));
    revs.push(r);
  }

  private doPut(w: WriteTxn, key: Uint8Array, value: Uint8Array, opts: PutOptions): PutResult {
    const id = keyId(key);
    const prev = this.stateAt(id, this.viewRev(w));
    const main = w.begin + 1;
    this.append(id, {
      main,
      sub: w.subs++,
      value: opts.ignoreValue ? prev!.value : value.slice(),
      createRevision: prev ? prev.createRevision : main,
      version: prev ? prev.version + 1 : 1,
      lease: opts.ignoreLease ? prev!.lease : opts.lease ?? 0,
      tombstone: false,
    });
    const res: PutResult = { revision: main };
    if (opts.prevKv && prev) res.prevKv = this.toKv(id, prev);
    return res;
  }

  private doDelete(w: WriteTxn, key: Uint8Array, rangeEnd: Uint8Array | undefined, opts: DeleteRangeOptions): DeleteRangeResult {
    const view = this.viewRev(w);
    const prevKvs: KeyValue[] = [];
    let deleted = 0;
    for (const id of this.sortedIds()) {
      if (!inRange(idBytes(id), key, rangeEnd)) continue;
      const prev = this.stateAt(id, view);
      if (!prev) continue;
      deleted++;
      if (opts.prevKv) prevKvs.push(this.toKv(id, prev));
      this.append(id, {
        main: w.begin + 1,
        sub: w.subs++,
        value: new Uint8Array(0),
        createRevision: 0,
        version: 0,
        lease: 0,
        tombstone: true,
      });
    }
    const res: DeleteRangeResult = { revision: w.subs > 0 ? w.begin + 1 : w.begin, deleted };
    if (opts.prevKv) res.prevKvs = prevKvs;
    return res;
  }

  private finish(w: WriteTxn): number {
    if (w.subs > 0) this.rev = w.begin + 1;
    return this.rev;
  }

  put(key: Uint8Array, value: Uint8Array, opts: PutOptions = {}): PutResult {
    this.checkPut({ key, ...opts });
    const w = { begin: this.rev, subs: 0 };
    const res = this.doPut(w, key, value, opts);
    this.finish(w);
    return res;
  }

  deleteRange(key: Uint8Array, rangeEnd?: Uint8Array, opts: DeleteRangeOptions = {}): DeleteRangeResult {
    const w = { begin: this.rev, subs: 0 };
    const res = this.doDelete(w, key, rangeEnd, opts);
    this.finish(w);
    return res;
  }

  // ---- txn ----

  private compareOne(c: Compare): boolean {
    const ids = this.sortedIds().filter((id) => inRange(idBytes(id), c.key, c.rangeEnd));
    const live = ids.map((id) => this.stateAt(id, this.rev)).filter((r): r is Rev => r !== undefined);
    if (live.length === 0) {
      if (c.target === 'value') return false;
      return this.compareField(c, undefined);
    }
    return live.every((r) => this.compareField(c, r));
  }

  private compareField(c: Compare, r: Rev | undefined): boolean {
    let d: number;
    if (c.target === 'value') {
      d = compareBytes(r ? r.value : new Uint8Array(0), c.value as Uint8Array);
    } else {
      const actual =
        c.target === 'version' ? r?.version ?? 0
        : c.target === 'create' ? r?.createRevision ?? 0
        : c.target === 'mod' ? r?.main ?? 0
        : r?.lease ?? 0;
      d = actual - (c.value as number);
    }
    switch (c.result) {
      case 'equal':
        return d === 0;
      case 'not_equal':
        return d !== 0;
      case 'less':
        return d < 0;
      case 'greater':
        return d > 0;
    }
  }

  /** Evaluate every compare of the txn tree up front, against the state before the txn (etcd's compareToPath). */
  private pathOf(req: TxnRequest): boolean[] {
    const ok = req.compare.every((c) => this.compareOne(c));
    const path = [ok];
    for (const op of ok ? req.success : req.failure) if ('txn' in op) path.push(...this.pathOf(op.txn));
    return path;
  }

  private checkPut(p: PutOptions & { key: Uint8Array }): void {
    if ((p.ignoreValue || p.ignoreLease) && !this.stateAt(keyId(p.key), this.rev)) throw new StoreError('KeyNotFound');
    if (p.lease && !this.leaseExists(p.lease)) throw new StoreError('LeaseNotFound');
  }

  private checkBranch(req: TxnRequest, path: boolean[], at: { i: number }): void {
    const ok = path[at.i++]!;
    for (const op of ok ? req.success : req.failure) {
      if ('put' in op) this.checkPut(op.put);
      else if ('txn' in op) this.checkBranch(op.txn, path, at);
    }
  }

  private applyBranch(w: WriteTxn, req: TxnRequest, path: boolean[], at: { i: number }): TxnResult {
    const ok = path[at.i++]!;
    const responses: ResponseOp[] = [];
    for (const op of (ok ? req.success : req.failure) as RequestOp[]) {
      if ('range' in op) {
        const { key, rangeEnd, ...o } = op.range;
        const view = this.viewRev(w);
        responses.push({ range: this.rangeAt(key, rangeEnd, o, view, view) });
      } else if ('put' in op) {
        const { key, value, ...o } = op.put;
        responses.push({ put: this.doPut(w, key, value, o) });
      } else if ('deleteRange' in op) {
        const { key, rangeEnd, ...o } = op.deleteRange;
        responses.push({ deleteRange: this.doDelete(w, key, rangeEnd, o) });
      } else {
        responses.push({ txn: this.applyBranch(w, op.txn, path, at) });
      }
    }
    return { succeeded: ok, responses, revision: this.viewRev(w) };
  }

  txn(req: TxnRequest): TxnResult {
    const path = this.pathOf(req);
    this.checkBranch(req, path, { i: 0 });
    const w = { begin: this.rev, subs: 0 };
    const res = this.applyBranch(w, req, path, { i: 0 });
    res.revision = this.finish(w);
    return res;
  }

  // ---- compaction and history ----

  compact(revision: number): void {
    if (revision <= this.compacted) throw new StoreError('Compacted', undefined, { compactRevision: this.compacted });
    if (revision > this.rev) throw new StoreError('FutureRev', undefined, { currentRevision: this.rev });
    for (const [id, revs] of this.history) {
      let keep = -1;
      for (let i = 0; i < revs.length; i++) if (revs[i]!.main <= revision) keep = i;
      if (keep < 0) continue;
      const kept = revs.slice(revs[keep]!.tombstone ? keep + 1 : keep);
      if (kept.length === 0) this.history.delete(id);
      else this.history.set(id, kept);
    }
    this.compacted = revision;
  }

  changes(fromRev: number, toRev: number, opts: ChangesOptions = {}): WatchEvent[] {
    if (fromRev < this.compacted) throw new StoreError('Compacted', undefined, { compactRevision: this.compacted });
    const all: { id: string; i: number; r: Rev }[] = [];
    for (const [id, revs] of this.history) {
      if (opts.key && !inRange(idBytes(id), opts.key, opts.rangeEnd)) continue;
      revs.forEach((r, i) => {
        if (r.main >= fromRev && r.main <= toRev) all.push({ id, i, r });
      });
    }
    all.sort((a, b) => a.r.main - b.r.main || a.r.sub - b.r.sub);
    const out: WatchEvent[] = [];
    for (const { id, i, r } of all) {
      if (opts.limit && out.length >= opts.limit && out[out.length - 1]!.kv.modRevision !== r.main) break;
      const ev: WatchEvent = r.tombstone
        ? {
            type: 'DELETE',
            kv: { key: idBytes(id), value: new Uint8Array(0), createRevision: 0, modRevision: r.main, version: 0, lease: 0 },
          }
        : { type: 'PUT', kv: this.toKv(id, r) };
      if (opts.prevKv && i > 0) {
        const p = this.history.get(id)![i - 1]!;
        if (!p.tombstone) ev.prevKv = this.toKv(id, p);
      }
      out.push(ev);
    }
    return out;
  }

  stats(): EngineStats {
    let keys = 0;
    let revisions = 0;
    for (const [id, revs] of this.history) {
      revisions += revs.length;
      if (this.stateAt(id, this.rev)) keys++;
    }
    return { keys, revisions, memoryBytes: 0 };
  }

  dump(): { header: DumpHeader; records: Iterable<DumpRecord> } {
    const all: DumpRecord[] = [];
    for (const [id, revs] of this.history)
      for (const r of revs)
        all.push({ key: idBytes(id), value: r.value, main: r.main, sub: r.sub, createRevision: r.createRevision, version: r.version, lease: r.lease, tombstone: r.tombstone });
    all.sort((a, b) => a.main - b.main || a.sub - b.sub);
    return { header: { currentRevision: this.rev, compactRevision: this.compacted }, records: all };
  }

  load(header: DumpHeader, records: Iterable<DumpRecord>): void {
    this.history.clear();
    for (const d of records)
      this.append(keyId(d.key), { main: d.main, sub: d.sub, value: d.value.slice(), createRevision: d.createRevision, version: d.version, lease: d.lease, tombstone: d.tombstone });
    this.rev = header.currentRevision;
    this.compacted = header.compactRevision;
  }

  close(): void {
    this.history.clear();
  }
}

