import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { positiveOrZero } from './int64.js';
import { bytesOf, deleteResultToWire, putResultToWire, rangeEndOf, rangeResultToWire, requestLease } from './kv-codec.js';
import { finishRange, planRange } from './range-query.js';
import { headerOf } from './response-header.js';
import { unary, type ServiceContext } from './service-context.js';
import { txnFromWire, txnResultToWire } from './txn-codec.js';
import type {
  WireCompactionRequest,
  WireCompactionResponse,
  WireDeleteRangeRequest,
  WireDeleteRangeResponse,
  WirePutRequest,
  WirePutResponse,
  WireRangeRequest,
  WireRangeResponse,
  WireTxnRequest,
  WireTxnResponse,
} from './wire.js';

/** etcdserverpb.KV over a Store. Response headers carry the store's revision after the request. */
export function kvService(ctx: ServiceContext): UntypedServiceImplementation {
  const { store } = ctx;
  return {
    Range: unary<WireRangeRequest, WireRangeResponse>(ctx, 'Range', async (req) => {
      const { request, finish } = planRange(req);
      const read = await store.range(request.key, request.rangeEnd, request);
      const res = finish ? finishRange(read, finish) : read;
      return rangeResultToWire(res, headerOf(ctx.identity, res.revision));
    }),

    Put: unary<WirePutRequest, WirePutResponse>(ctx, 'Put', async (req) => {
      const res = await store.put(bytesOf(req.key), bytesOf(req.value), {
        lease: requestLease(req.lease),
        prevKv: req.prev_kv === true,
        ignoreValue: req.ignore_value === true,
        ignoreLease: req.ignore_lease === true,
      });
      return putResultToWire(res, headerOf(ctx.identity, res.revision));
    }),

    DeleteRange: unary<WireDeleteRangeRequest, WireDeleteRangeResponse>(ctx, 'DeleteRange', async (req) => {
      const res = await store.deleteRange(bytesOf(req.key), rangeEndOf(req.range_end), { prevKv: req.prev_kv === true });
      return deleteResultToWire(res, headerOf(ctx.identity, res.revision));
    }),

    Txn: unary<WireTxnRequest, WireTxnResponse>(ctx, 'Txn', async (wire) => {
      const { req, plan } = txnFromWire(wire);
      const res = await store.txn(req);
      return txnResultToWire(res, plan, headerOf(ctx.identity, res.revision));
    }),

    // Compaction here is applied before the answer, so `physical` is always honoured.
    Compact: unary<WireCompactionRequest, WireCompactionResponse>(ctx, 'Compact', async (req) => {
      const res = await store.compact(positiveOrZero(req.revision));
      return { header: headerOf(ctx.identity, res.revision) };
    }),
  };
}
