import { StoreError } from '../errors.js';
import type { Compare, PutOptions, ResponseOp, TxnRequest, TxnResult } from '../kv.js';
import type { TsState } from './ts-state.js';

/**
 * A txn, in etcd's three steps:
 *  1. compareToPath: evaluate the compares of the txn and of every nested txn on the chosen path, all against the
 *     state before the txn. The outcomes form a path: [top, then each nested txn of the chosen branch, depth first].
 *  2. check: walk the chosen branches and fail (KeyNotFound, LeaseNotFound) before anything is applied.
 *  3. apply the chosen branches in order as one write: reads see the earlier writes of the same txn.
 */
export function runTxn(state: TsState, req: TxnRequest, leaseExists: (id: number) => boolean): TxnResult {
  const path: boolean[] = [];
  choosePath(state, req, path);
  checkBranch(state, req, path, 0, leaseExists);
  state.startWrite();
  const cursor = { at: 0 };
  const res = applyBranch(state, req, path, cursor);
  res.revision = state.finishWrite();
  return res;
}

/** The checks a put needs before it may apply, against the current (pre-txn) state. */
export function checkPut(state: TsState, key: Uint8Array, opts: PutOptions, leaseExists: (id: number) => boolean): void {
  if (opts.ignoreValue || opts.ignoreLease) {
    const ki = state.table.get(key);
    if (!ki || ki.latest() < 0) throw new StoreError('KeyNotFound');
  }
  if (opts.lease && !leaseExists(opts.lease)) throw new StoreError('LeaseNotFound');
}

function choosePath(state: TsState, req: TxnRequest, path: boolean[]): void {
  let ok = true;
  for (const c of req.compare) {
    if (!compareHolds(state, c)) {
      ok = false;
      break;
    }
  }
  path.push(ok);
  for (const op of ok ? req.success : req.failure) if ('txn' in op) choosePath(state, op.txn, path);
}

/** Returns the path index after this txn's entries. */
function checkBranch(state: TsState, req: TxnRequest, path: boolean[], at: number, leaseExists: (id: number) => boolean): number {
  const ok = path[at++]!;
  for (const op of ok ? req.success : req.failure) {
    if ('put' in op) checkPut(state, op.put.key, op.put, leaseExists);
    else if ('txn' in op) at = checkBranch(state, op.txn, path, at, leaseExists);
  }
  return at;
}

function applyBranch(state: TsState, req: TxnRequest, path: boolean[], cursor: { at: number }): TxnResult {
  const ok = path[cursor.at++]!;
  const ops = ok ? req.success : req.failure;
  const responses: ResponseOp[] = [];
  for (const op of ops) {
    if ('range' in op) {
      // Ranges inside a txn read the txn's own view; RangeRequest.revision is not consulted here (the reference
      // model's rule, see engine.ts).
      const r = op.range;
      const view = state.viewRev();
      responses.push({ range: state.rangeAt(r.key, r.rangeEnd, r, view, view) });
    } else if ('put' in op) {
      responses.push({ put: state.put(op.put.key, op.put.value, op.put) });
    } else if ('deleteRange' in op) {
      const d = op.deleteRange;
      responses.push({ deleteRange: state.deleteRange(d.key, d.rangeEnd, d.prevKv === true) });
    } else {
      responses.push({ txn: applyBranch(state, op.txn, path, cursor) });
    }
  }
  return { succeeded: ok, responses, revision: state.viewRev() };
}

/**
 * A compare holds when every key of its range that exists satisfies it. With no such key, a value compare fails
 * (etcd cannot tell a missing value from an empty one) and the others compare against 0.
 */
function compareHolds(state: TsState, c: Compare): boolean {
  if (c.rangeEnd === undefined || c.rangeEnd.length === 0) {
    const ki = state.table.get(c.key);
    const slot = ki ? ki.latest() : -1;
    if (slot >= 0) return compareSlot(state, c, slot);
    return c.target !== 'value' && compareNumber(c, 0);
  }
  let seen = false;
  for (const w = state.walk(c.key, c.rangeEnd); w.valid; w.next()) {
    const slot = w.value.latest();
    if (slot < 0) continue;
    seen = true;
    if (!compareSlot(state, c, slot)) return false;
  }
  if (seen) return true;
  return c.target !== 'value' && compareNumber(c, 0);
}

function compareSlot(state: TsState, c: Compare, slot: number): boolean {
  const log = state.log;
  switch (c.target) {
    case 'version':
      return compareNumber(c, log.version(slot));
    case 'create':
      return compareNumber(c, log.createRevision(slot));
    case 'mod':
      return compareNumber(c, log.main(slot));
    case 'lease':
      return compareNumber(c, log.lease(slot));
    case 'value': {
      const len = log.valueLength(slot);
      const bytes = len > 0 ? state.arena.bytes(log.valueSlab(slot)) : null;
      return outcome(c, compareStored(bytes, log.valueOffset(slot), len, c.value as Uint8Array));
    }
  }
}

function compareNumber(c: Compare, actual: number): boolean {
  return outcome(c, actual - (c.value as number));
}

function outcome(c: Compare, d: number): boolean {
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

/** Byte order of stored bytes [off, off + len) against b, without copying them out. */
function compareStored(bytes: Uint8Array | null, off: number, len: number, b: Uint8Array): number {
  const n = len < b.length ? len : b.length;
  for (let i = 0; i < n; i++) {
    const d = bytes![off + i]! - b[i]!;
    if (d !== 0) return d;
  }
  return len - b.length;
}
