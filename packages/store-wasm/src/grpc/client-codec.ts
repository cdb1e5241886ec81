import type {
  Compare,
  DeleteRangeResult,
  KeyValue,
  PutResult,
  RangeResult,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResult,
  WatchEvent,
} from '../kv.js';
import { exactInt64 } from './int64.js';
import type { LeaseAliases } from './lease-aliases.js';
import type {
  WireCompare,
  WireDeleteRangeResponse,
  WireEvent,
  WireHeader,
  WireKeyValue,
  WirePutResponse,
  WireRangeResponse,
  WireRequestOp,
  WireResponseOp,
  WireTxnRequest,
  WireTxnResponse,
} from './wire.js';

/**
 * The client's side of the codec: store requests to the wire, wire responses to store results. Bytes decoded by
 * gRPC are Buffers; they are handed out as plain Uint8Array views of the same memory (no copy), so results compare
 * equal to the embedded store's.
 */

const EMPTY = new Uint8Array(0);

export function plainBytes(b: Uint8Array | undefined | null): Uint8Array {
  if (!b || b.length === 0) return EMPTY;
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/**
 * A range end as it must go on the wire: an empty one is left out entirely. etcd (3.4) reads a range_end that is
 * present but empty as "every key >= key", while the store's contract (and every Go client, which sends nil) means
 * "just the key" by it.
 */
export function wireRangeEnd(end: Uint8Array | undefined): Uint8Array | undefined {
  return end && end.length > 0 ? end : undefined;
}

export function revisionOf(h: WireHeader | null | undefined): number {
  return exactInt64(h?.revision, 'header revision');
}

export function kvFromWire(w: WireKeyValue, leases: LeaseAliases): KeyValue {
  return {
    key: plainBytes(w.key),
    value: plainBytes(w.value),
    createRevision: exactInt64(w.create_revision, 'create_revision'),
    modRevision: exactInt64(w.mod_revision, 'mod_revision'),
    version: exactInt64(w.version, 'version'),
    lease: leases.toLocal(w.lease),
  };
}

export function eventFromWire(w: WireEvent, leases: LeaseAliases): WatchEvent {
  const ev: WatchEvent = { type: w.type === 'DELETE' ? 'DELETE' : 'PUT', kv: kvFromWire(w.kv ?? { key: EMPTY }, leases) };
  if (w.prev_kv) ev.prevKv = kvFromWire(w.prev_kv, leases);
  return ev;
}

export function rangeFromWire(w: WireRangeResponse, leases: LeaseAliases): RangeResult {
  return {
    kvs: (w.kvs ?? []).map((kv) => kvFromWire(kv, leases)),
    count: exactInt64(w.count, 'count'),
    more: w.more === true,
    revision: revisionOf(w.header),
  };
}

export function putFromWire(w: WirePutResponse, leases: LeaseAliases): PutResult {
  const res: PutResult = { revision: revisionOf(w.header) };
  if (w.prev_kv) res.prevKv = kvFromWire(w.prev_kv, leases);
  return res;
}

/** prevKvs is present only when asked for, as the store's contract says. */
export function deleteFromWire(w: WireDeleteRangeResponse, leases: LeaseAliases, prevKv: boolean): DeleteRangeResult {
  const res: DeleteRangeResult = { revision: revisionOf(w.header), deleted: exactInt64(w.deleted, 'deleted') };
  if (prevKv) res.prevKvs = (w.prev_kvs ?? []).map((kv) => kvFromWire(kv, leases));
  return res;
}

const COMPARE_TARGETS = { version: 'VERSION', create: 'CREATE', mod: 'MOD', value: 'VALUE', lease: 'LEASE' } as const;
const COMPARE_RESULTS = { equal: 'EQUAL', not_equal: 'NOT_EQUAL', less: 'LESS', greater: 'GREATER' } as const;

function compareToWire(c: Compare, leases: LeaseAliases): WireCompare {
  const w: WireCompare = { key: c.key, range_end: wireRangeEnd(c.rangeEnd), target: COMPARE_TARGETS[c.target], result: COMPARE_RESULTS[c.result] };
  const n = typeof c.value === 'number' ? c.value : 0;
  switch (c.target) {
    case 'value':
      w.value = c.value instanceof Uint8Array ? c.value : EMPTY;
      break;
    case 'version':
      w.version = n;
      break;
    case 'create':
      w.create_revision = n;
      break;
    case 'mod':
      w.mod_revision = n;
      break;
    case 'lease':
      w.lease = n < 0 ? leases.toWire(n) : n;
      break;
  }
  return w;
}

function opToWire(op: RequestOp, leases: LeaseAliases): WireRequestOp {
  if ('range' in op) {
    const r = op.range;
    return {
      request_range: {
        key: r.key,
        range_end: wireRangeEnd(r.rangeEnd),
        revision: r.revision ?? 0,
        limit: r.limit ?? 0,
        keys_only: r.keysOnly === true,
        count_only: r.countOnly === true,
      },
    };
  }
  if ('put' in op) {
    const p = op.put;
    return {
      request_put: {
        key: p.key,
        value: p.value,
        lease: leases.toWire(p.lease),
        prev_kv: p.prevKv === true,
        ignore_value: p.ignoreValue === true,
        ignore_lease: p.ignoreLease === true,
      },
    };
  }
  if ('deleteRange' in op) {
    const d = op.deleteRange;
    return { request_delete_range: { key: d.key, range_end: wireRangeEnd(d.rangeEnd), prev_kv: d.prevKv === true } };
  }
  return { request_txn: txnToWire(op.txn, leases) };
}

export function txnToWire(t: TxnRequest, leases: LeaseAliases): WireTxnRequest {
  return {
    compare: t.compare.map((c) => compareToWire(c, leases)),
    success: t.success.map((op) => opToWire(op, leases)),
    failure: t.failure.map((op) => opToWire(op, leases)),
  };
}

function responseOpFromWire(w: WireResponseOp, req: RequestOp | undefined, leases: LeaseAliases): ResponseOp {
  switch (w.response) {
    case 'response_range':
      return { range: rangeFromWire(w.response_range ?? {}, leases) };
    case 'response_put':
      return { put: putFromWire(w.response_put ?? {}, leases) };
    case 'response_delete_range': {
      const asked = req !== undefined && 'deleteRange' in req && req.deleteRange.prevKv === true;
      return { deleteRange: deleteFromWire(w.response_delete_range ?? {}, leases, asked) };
    }
    case 'response_txn':
      return { txn: decodeTxn(w.response_txn ?? {}, req && 'txn' in req ? req.txn : undefined, leases) };
    default:
      throw new RangeError('txn response op with nothing set');
  }
}

function decodeTxn(w: WireTxnResponse, req: TxnRequest | undefined, leases: LeaseAliases): TxnResult {
  const succeeded = w.succeeded === true;
  const ops = req ? (succeeded ? req.success : req.failure) : [];
  return {
    succeeded,
    responses: (w.responses ?? []).map((r, i) => responseOpFromWire(r, ops[i], leases)),
    revision: revisionOf(w.header),
  };
}

/** Decodes a txn response; the request tells which branch's ops the responses answer. */
export function txnFromWire(w: WireTxnResponse, req: TxnRequest | undefined, leases: LeaseAliases): TxnResult {
  const res = decodeTxn(w, req, leases);
  const begin = res.revision - (changesIn(res.responses) ? 1 : 0);
  fillNestedRevisions(res.responses, begin, false);
  return res;
}

function changesIn(responses: ResponseOp[]): boolean {
  return responses.some((r) => ('put' in r ? true : 'deleteRange' in r ? r.deleteRange.deleted > 0 : 'txn' in r ? changesIn(r.txn.responses) : false));
}

/**
 * etcd sends nested txn responses with an empty header. The store's contract gives a nested txn the revision of
 * the view after it: the outer txn's begin revision, plus one once anything in the txn (up to and including the
 * nested one) has changed. That is fully determined by the responses, so it is rebuilt here.
 */
function fillNestedRevisions(responses: ResponseOp[], begin: number, changedBefore: boolean): boolean {
  let changed = changedBefore;
  for (const r of responses) {
    if ('put' in r) changed = true;
    else if ('deleteRange' in r) changed ||= r.deleteRange.deleted > 0;
    else if ('txn' in r) {
      changed = fillNestedRevisions(r.txn.responses, begin, changed);
      r.txn.revision = changed ? begin + 1 : begin;
    }
  }
  return changed;
}
