import type {
  DeleteRangeOptions,
  DeleteRangeResult,
  LeaseGrantResult,
  PutOptions,
  PutResult,
  TxnRequest,
  TxnResult,
} from './kv.js';

/**
 * A write as the store logs and applies it. Everything needed to apply it deterministically is in the request
 * (a lease grant carries its chosen id), so replaying the log after a crash rebuilds exactly the same state.
 */
export type WriteRequest =
  | { type: 'put'; key: Uint8Array; value: Uint8Array; opts: PutOptions }
  | { type: 'deleteRange'; key: Uint8Array; rangeEnd?: Uint8Array; opts: DeleteRangeOptions }
  | { type: 'txn'; req: TxnRequest }
  | { type: 'compact'; revision: number }
  | { type: 'leaseGrant'; id: number; ttl: number }
  | { type: 'leaseRevoke'; id: number };

export interface WriteResults {
  put: PutResult;
  deleteRange: DeleteRangeResult;
  txn: TxnResult;
  compact: { revision: number };
  leaseGrant: LeaseGrantResult;
  leaseRevoke: { revision: number };
}

export type WriteResultOf<R extends WriteRequest> = WriteResults[R['type']];
