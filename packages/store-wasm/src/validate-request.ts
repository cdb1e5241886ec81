import { StoreError } from './errors.js';
import { compareBytes, inRange } from './key-range.js';
import type { Compare, PutRequest, RequestOp, TxnRequest } from './kv.js';
import type { WriteRequest } from './write-request.js';

/** etcd's defaults: --max-request-bytes 1.5 MiB, --max-txn-ops 128. */
export const DEFAULT_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
export const DEFAULT_MAX_TXN_OPS = 128;

export interface RequestLimits {
  maxRequestBytes: number;
  maxTxnOps: number;
}

/**
 * Checks a request before it is logged or applied, as etcd's API layer does, so an engine only ever sees valid
 * requests and nothing invalid reaches the log. Throws StoreError.
 */
export function validateWrite(req: WriteRequest, limits: RequestLimits): void {
  const size = requestSize(req);
  if (size > limits.maxRequestBytes) {
    throw new StoreError('RequestTooLarge', `${size} bytes > limit ${limits.maxRequestBytes}`);
  }
  switch (req.type) {
    case 'put':
      checkPut({ key: req.key, value: req.value, ...req.opts });
      break;
    case 'deleteRange':
      checkKey(req.key);
      break;
    case 'txn':
      checkTxn(req.req, limits.maxTxnOps);
      break;
    case 'compact':
      if (!Number.isSafeInteger(req.revision) || req.revision < 0) throw new StoreError('InvalidArgument', `bad revision ${req.revision}`);
      break;
    case 'leaseGrant':
    case 'leaseRevoke':
      if (!Number.isSafeInteger(req.id)) throw new StoreError('InvalidArgument', `bad lease id ${req.id}`);
      break;
  }
}

export function checkKey(key: Uint8Array): void {
  if (key.length === 0) throw new StoreError('EmptyKey');
}

function checkPut(p: PutRequest): void {
  checkKey(p.key);
  if (p.ignoreValue && p.value.length !== 0) throw new StoreError('ValueProvided');
  if (p.ignoreLease && p.lease) throw new StoreError('LeaseProvided');
  if (p.lease !== undefined && !Number.isSafeInteger(p.lease)) throw new StoreError('InvalidArgument', `bad lease id ${p.lease}`);
}

function checkCompare(c: Compare): void {
  checkKey(c.key);
  const isValue = c.target === 'value';
  if (isValue !== c.value instanceof Uint8Array) {
    throw new StoreError('InvalidArgument', `compare on ${c.target} needs a ${isValue ? 'byte' : 'number'} value`);
  }
}

interface Writes {
  puts: Uint8Array[];
  dels: { key: Uint8Array; rangeEnd?: Uint8Array }[];
}

function checkTxn(t: TxnRequest, maxOps: number): void {
  if (t.compare.length > maxOps || t.success.length > maxOps || t.failure.length > maxOps) {
    throw new StoreError('TooManyOps', `limit is ${maxOps} per list`);
  }
  t.compare.forEach(checkCompare);
  checkBranch(t.success, maxOps);
  checkBranch(t.failure, maxOps);
}

/**
 * A branch may not put one key twice, nor put a key it also deletes (etcd: "duplicate key given in txn request"),
 * counting the writes of nested txns' branches.
 */
function checkBranch(ops: RequestOp[], maxOps: number): Writes {
  const w: Writes = { puts: [], dels: [] };
  for (const op of ops) {
    if ('range' in op) checkKey(op.range.key);
    else if ('put' in op) {
      checkPut(op.put);
      w.puts.push(op.put.key);
    } else if ('deleteRange' in op) {
      checkKey(op.deleteRange.key);
      w.dels.push(op.deleteRange);
    } else {
      checkTxn(op.txn, maxOps);
      for (const branch of [op.txn.success, op.txn.failure]) {
        const inner = checkBranch(branch, maxOps);
        w.puts.push(...inner.puts);
        w.dels.push(...inner.dels);
      }
    }
  }
  const sorted = [...w.puts].sort(compareBytes);
  for (let i = 1; i < sorted.length; i++) if (compareBytes(sorted[i - 1]!, sorted[i]!) === 0) throw new StoreError('DuplicateKey');
  for (const k of w.puts) {
    for (const d of w.dels) if (inRange(k, d.key, d.rangeEnd)) throw new StoreError('DuplicateKey');
  }
  return w;
}

/** Roughly the encoded size of a request: what etcd's --max-request-bytes bounds. */
export function requestSize(req: WriteRequest): number {
  switch (req.type) {
    case 'put':
      return req.key.length + req.value.length + 16;
    case 'deleteRange':
      return req.key.length + (req.rangeEnd?.length ?? 0) + 8;
    case 'txn':
      return txnSize(req.req);
    default:
      return 16;
  }
}

function txnSize(t: TxnRequest): number {
  let n = 8;
  for (const c of t.compare) n += c.key.length + (c.rangeEnd?.length ?? 0) + (c.value instanceof Uint8Array ? c.value.length : 8) + 8;
  for (const op of [...t.success, ...t.failure]) {
    if ('range' in op) n += op.range.key.length + (op.range.rangeEnd?.length ?? 0) + 16;
    else if ('put' in op) n += op.put.key.length + op.put.value.length + 16;
    else if ('deleteRange' in op) n += op.deleteRange.key.length + (op.deleteRange.rangeEnd?.length ?? 0) + 8;
    else n += txnSize(op.txn);
  }
  return n;
}
