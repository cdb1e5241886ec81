import { StoreError } from './errors.js';
import { inRange } from './key-range.js';
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
  puts: Set<string>;
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

const keyId = (k: Uint8Array): string => Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1');
const deleted = (dels: Writes['dels'], k: Uint8Array): boolean => dels.some((d) => inRange(k, d.key, d.rangeEnd));

/**
 * etcd's duplicate-key rule ("duplicate key given in txn request"), per branch: the branch's own deletes are
 * collected first; each nested txn's puts (success and failure alike) may not repeat a put seen so far nor fall in a
 * delete seen so far, except that a key put by both branches of the same nested txn is fine (only one runs); the
 * nested deletes then join the branch's; last, the branch's own puts may not repeat any put nor fall in any delete.
 */
function checkBranch(ops: RequestOp[], maxOps: number): Writes {
  const w: Writes = { puts: new Set(), dels: [] };
  for (const op of ops) {
    if ('range' in op) checkKey(op.range.key);
    else if ('deleteRange' in op) {
      checkKey(op.deleteRange.key);
      w.dels.push(op.deleteRange);
    }
  }
  for (const op of ops) {
    if (!('txn' in op)) continue;
    checkTxn(op.txn, maxOps);
    const then = checkBranch(op.txn.success, maxOps);
    const other = checkBranch(op.txn.failure, maxOps);
    for (const id of then.puts) {
      if (w.puts.has(id) || deleted(w.dels, Buffer.from(id, 'latin1'))) throw new StoreError('DuplicateKey');
    }
    for (const id of other.puts) {
      if ((w.puts.has(id) && !then.puts.has(id)) || deleted(w.dels, Buffer.from(id, 'latin1'))) throw new StoreError('DuplicateKey');
    }
    for (const id of [...then.puts, ...other.puts]) w.puts.add(id);
    w.dels.push(...then.dels, ...other.dels);
  }
  for (const op of ops) {
    if (!('put' in op)) continue;
    checkPut(op.put);
    const id = keyId(op.put.key);
    if (w.puts.has(id) || deleted(w.dels, op.put.key)) throw new StoreError('DuplicateKey');
    w.puts.add(id);
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
