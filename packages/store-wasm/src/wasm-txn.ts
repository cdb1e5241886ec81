import { StoreError } from './errors.js';
import type { Compare, PutResult, RangeResult, RequestOp, ResponseOp, TxnRequest, TxnResult } from './kv.js';
import { type Boundary, F_COUNT_ONLY, F_IGNORE_LEASE, F_IGNORE_VALUE, F_KEYS_ONLY, F_PREV_KV } from './wasm-codec.js';

/**
 * A txn on the wasm engine, in four steps, each a pass over the request tree driven from here while the module
 * does the key work:
 *  1. path: every compare of the chosen branches (nested txns' too) is evaluated before anything is written, as
 *     etcd's compareToPath does; path[i] is the outcome of the i-th txn reached in pre-order.
 *  2. checks: puts of the chosen branches that need an existing key (ignoreValue/ignoreLease) or a lease.
 *  3. plan: the module sizes the worst case of the writes and reserves memory for it (assembly/plan.ts), so a
 *     NoSpace happens here, with nothing applied.
 *  4. apply: the writes and reads, under one write revision; reads see the earlier writes.
 */

const NO_BYTES = new Uint8Array(0);
const TARGETS = { version: 0, create: 1, mod: 2, value: 3, lease: 4 } as const;
const RESULTS = { equal: 0, not_equal: 1, less: 2, greater: 3 } as const;

type LeaseCheck = ((id: number) => boolean) | undefined;

function branch(req: TxnRequest, ok: boolean): RequestOp[] {
  return ok ? req.success : req.failure;
}

function holds(b: Boundary, c: Compare): boolean {
  const end = c.rangeEnd ?? NO_BYTES;
  const bytes = c.value instanceof Uint8Array ? c.value : NO_BYTES;
  b.write3(c.key, end, bytes);
  const num = typeof c.value === 'number' ? c.value : NaN;
  return b.ex.compare(c.key.length, end.length, TARGETS[c.target], RESULTS[c.result], num, bytes.length) === 1;
}

function choosePath(b: Boundary, req: TxnRequest, path: boolean[]): void {
  let ok = true;
  for (const c of req.compare) {
    if (!holds(b, c)) {
      ok = false;
      break;
    }
  }
  path.push(ok);
  for (const op of branch(req, ok)) if ('txn' in op) choosePath(b, op.txn, path);
}

function check(b: Boundary, req: TxnRequest, path: boolean[], at: { i: number }, leaseExists: LeaseCheck): void {
  for (const op of branch(req, path[at.i++]!)) {
    if ('put' in op) {
      const p = op.put;
      if (p.ignoreValue || p.ignoreLease) {
        b.write1(p.key);
        if (b.ex.exists(p.key.length) === 0) throw new StoreError('KeyNotFound');
      }
      if (p.lease && leaseExists && !leaseExists(p.lease)) throw new StoreError('LeaseNotFound');
    } else if ('txn' in op) {
      check(b, op.txn, path, at, leaseExists);
    }
  }
}

function plan(b: Boundary, req: TxnRequest, path: boolean[], at: { i: number }): void {
  for (const op of branch(req, path[at.i++]!)) {
    if ('range' in op) {
      const r = op.range;
      const end = r.rangeEnd ?? NO_BYTES;
      b.write2(r.key, end);
      b.ex.planRange(r.key.length, end.length);
    } else if ('put' in op) {
      const p = op.put;
      b.write1(p.key);
      b.ex.planPut(p.key.length, p.value.length, p.ignoreValue ? F_IGNORE_VALUE : 0);
    } else if ('deleteRange' in op) {
      const d = op.deleteRange;
      const end = d.rangeEnd ?? NO_BYTES;
      b.write2(d.key, end);
      b.ex.planDelete(d.key.length, end.length, d.prevKv ? F_PREV_KV : 0);
    } else {
      plan(b, op.txn, path, at);
    }
  }
}

function apply(b: Boundary, req: TxnRequest, path: boolean[], at: { i: number }): TxnResult {
  const ok = path[at.i++]!;
  const ops = branch(req, ok);
  const responses: ResponseOp[] = new Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if ('range' in op) {
      const r = op.range;
      const end = r.rangeEnd ?? NO_BYTES;
      b.write2(r.key, end);
      const limit = r.limit && r.limit > 0 ? r.limit : 0;
      const flags = (r.keysOnly ? F_KEYS_ONLY : 0) | (r.countOnly ? F_COUNT_ONLY : 0);
      b.ex.txnRange(r.key.length, end.length, limit, flags);
      const count = b.ioA();
      const n = r.countOnly ? 0 : limit > 0 ? Math.min(count, limit) : count;
      const view = b.ex.viewRevision();
      const kvs = b.kvs(n);
      const range: RangeResult = { kvs, count, more: !r.countOnly && limit > 0 && count > limit, revision: view };
      responses[i] = { range };
    } else if ('put' in op) {
      const p = op.put;
      const flags = (p.prevKv ? F_PREV_KV : 0) | (p.ignoreValue ? F_IGNORE_VALUE : 0) | (p.ignoreLease ? F_IGNORE_LEASE : 0);
      b.write1(p.key);
      const at = b.ex.txnPutPrepare(p.key.length, p.value.length, flags);
      if (at > 0) b.place(p.value, at);
      const revision = b.ex.txnPutCommit(p.key.length, p.value.length, p.lease ?? 0, flags);
      const put: PutResult = { revision };
      if (p.prevKv && b.ioB() === 1) put.prevKv = b.ioKv();
      responses[i] = { put };
    } else if ('deleteRange' in op) {
      const d = op.deleteRange;
      const end = d.rangeEnd ?? NO_BYTES;
      b.write2(d.key, end);
      const revision = b.ex.txnDelete(d.key.length, end.length, d.prevKv ? F_PREV_KV : 0);
      const deleted = b.ioA();
      responses[i] = { deleteRange: d.prevKv ? { revision, deleted, prevKvs: b.kvs(deleted) } : { revision, deleted } };
    } else {
      responses[i] = { txn: apply(b, op.txn, path, at) };
    }
  }
  return { succeeded: ok, responses, revision: b.ex.viewRevision() };
}

export function runTxn(b: Boundary, req: TxnRequest, leaseExists: LeaseCheck): TxnResult {
  const path: boolean[] = [];
  choosePath(b, req, path);
  check(b, req, path, { i: 0 }, leaseExists);
  b.ex.planBegin();
  plan(b, req, path, { i: 0 });
  const st = b.ex.planCommit();
  if (st < 0) throw b.error(st);
  b.ex.txnBegin();
  const res = apply(b, req, path, { i: 0 });
  res.revision = b.ex.txnEnd();
  return res;
}
