import type { Compare, CompareResult, CompareTarget, RequestOp, ResponseOp, TxnRequest, TxnResult } from '../kv.js';
import { ApiError, emptyRequestOp } from './grpc-errors.js';
import { int64ToNumber } from './int64.js';
import { bytesOf, deleteResultToWire, putResultToWire, rangeEndOf, rangeResultToWire, requestLease } from './kv-codec.js';
import { finishRange, planRange, type RangeFinish } from './range-query.js';
import { status } from '@grpc/grpc-js';
import type { WireCompare, WireHeader, WireRequestOp, WireResponseOp, WireTxnRequest, WireTxnResponse } from './wire.js';

/**
 * The server's txn codec. A txn's ranges may ask for sorting and filters the store does not know, so decoding also
 * yields a plan: for each op of each branch, how to finish its result (see range-query.ts).
 */

type OpPlan = RangeFinish | TxnPlan | null;

export interface TxnPlan {
  success: OpPlan[];
  failure: OpPlan[];
}

const RESULTS: Record<string, CompareResult> = { EQUAL: 'equal', GREATER: 'greater', LESS: 'less', NOT_EQUAL: 'not_equal' };
const TARGETS: Record<string, CompareTarget> = { VERSION: 'version', CREATE: 'create', MOD: 'mod', VALUE: 'value', LEASE: 'lease' };

function compareFromWire(c: WireCompare): Compare {
  const result = RESULTS[String(c.result ?? 'EQUAL')];
  const target = TARGETS[String(c.target ?? 'VERSION')];
  if (!result || !target) {
    throw new ApiError(status.INVALID_ARGUMENT, `etcdserver: unknown compare ${result ? 'target' : 'result'}`);
  }
  // etcd reads the union member that matches the target; any other member reads as zero.
  let value: number | Uint8Array;
  switch (target) {
    case 'value':
      value = bytesOf(c.value);
      break;
    case 'version':
      value = int64ToNumber(c.version);
      break;
    case 'create':
      value = int64ToNumber(c.create_revision);
      break;
    case 'mod':
      value = int64ToNumber(c.mod_revision);
      break;
    case 'lease':
      value = int64ToNumber(c.lease);
      break;
  }
  return { key: bytesOf(c.key), rangeEnd: rangeEndOf(c.range_end), target, result, value };
}

function opFromWire(op: WireRequestOp): { op: RequestOp; plan: OpPlan } {
  switch (op.request) {
    case 'request_range': {
      const { request, finish } = planRange(op.request_range ?? {});
      return { op: { range: request }, plan: finish ?? null };
    }
    case 'request_put': {
      const p = op.request_put ?? {};
      return {
        op: {
          put: {
            key: bytesOf(p.key),
            value: bytesOf(p.value),
            lease: requestLease(p.lease),
            prevKv: p.prev_kv === true,
            ignoreValue: p.ignore_value === true,
            ignoreLease: p.ignore_lease === true,
          },
        },
        plan: null,
      };
    }
    case 'request_delete_range': {
      const d = op.request_delete_range ?? {};
      return { op: { deleteRange: { key: bytesOf(d.key), rangeEnd: rangeEndOf(d.range_end), prevKv: d.prev_kv === true } }, plan: null };
    }
    case 'request_txn': {
      const { req, plan } = txnFromWire(op.request_txn ?? {});
      return { op: { txn: req }, plan };
    }
    default:
      throw emptyRequestOp();
  }
}

export function txnFromWire(w: WireTxnRequest): { req: TxnRequest; plan: TxnPlan } {
  const success = (w.success ?? []).map(opFromWire);
  const failure = (w.failure ?? []).map(opFromWire);
  return {
    req: { compare: (w.compare ?? []).map(compareFromWire), success: success.map((s) => s.op), failure: failure.map((f) => f.op) },
    plan: { success: success.map((s) => s.plan), failure: failure.map((f) => f.plan) },
  };
}

function isTxnPlan(p: OpPlan): p is TxnPlan {
  return p !== null && 'success' in p;
}

/** etcd fills only the revision in the headers of a txn's inner range, put and delete responses. */
function responseOpToWire(r: ResponseOp, plan: OpPlan): WireResponseOp {
  if ('range' in r) {
    const res = plan && !isTxnPlan(plan) ? finishRange(r.range, plan) : r.range;
    return { response_range: rangeResultToWire(res, { revision: res.revision }) };
  }
  if ('put' in r) return { response_put: putResultToWire(r.put, { revision: r.put.revision }) };
  if ('deleteRange' in r) return { response_delete_range: deleteResultToWire(r.deleteRange, { revision: r.deleteRange.revision }) };
  // etcd leaves a nested txn's header empty (revision 0); the client rebuilds the store's value (client-codec.ts).
  return { response_txn: txnResultToWire(r.txn, isTxnPlan(plan) ? plan : { success: [], failure: [] }, {}) };
}

export function txnResultToWire(res: TxnResult, plan: TxnPlan, header: WireHeader): WireTxnResponse {
  const plans = res.succeeded ? plan.success : plan.failure;
  return {
    header,
    succeeded: res.succeeded,
    responses: res.responses.map((r, i) => responseOpToWire(r, plans[i] ?? null)),
  };
}
