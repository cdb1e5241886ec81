/**
 * The data model of the store, shared by both engines, the durable store, and the etcd v3 API.
 *
 * Revisions follow etcd: a fresh store is at revision 1; every write that changes something takes the next main
 * revision, and the changes inside one write (a txn, a deleteRange over several keys) take sub revisions 0, 1, 2...
 * A write that changes nothing (deleteRange of absent keys, a txn of reads only) does not advance the revision.
 *
 * Key ranges follow etcd's conventions (see key-range.ts):
 *   rangeEnd empty          -> the single key `key`
 *   rangeEnd = [0x00]       -> every key >= key
 *   otherwise               -> keys in [key, rangeEnd)
 */

export interface KeyValue {
  key: Uint8Array;
  /** Empty when the range asked for keysOnly. */
  value: Uint8Array;
  /** Main revision of the put that created this generation of the key. */
  createRevision: number;
  /** Main revision of the last change. */
  modRevision: number;
  /** Number of puts since the key was (re)created; 1 after the first put. */
  version: number;
  /** Lease id the key is attached to, 0 for none. */
  lease: number;
}

export interface RangeOptions {
  /** Read as of this main revision; 0 or absent reads the current revision. */
  revision?: number;
  /** At most this many kvs; 0 or absent means no limit. `count` still counts every key in the range. */
  limit?: number;
  keysOnly?: boolean;
  countOnly?: boolean;
}

export interface RangeResult {
  /** Ordered by key, ascending. Empty when countOnly. */
  kvs: KeyValue[];
  /** Number of keys in the range at the read revision, regardless of limit. */
  count: number;
  /** True when limit cut the result short. */
  more: boolean;
  /** The store's current revision when the read was served (etcd's header revision), not the read revision. */
  revision: number;
}

export interface PutOptions {
  /** Attach the key to this lease; 0 or absent detaches it. */
  lease?: number;
  prevKv?: boolean;
  /** Keep the current value, change only the lease (error if the key does not exist). */
  ignoreValue?: boolean;
  /** Keep the current lease (error if the key does not exist). */
  ignoreLease?: boolean;
}

export interface PutResult {
  revision: number;
  prevKv?: KeyValue;
}

export interface DeleteRangeOptions {
  prevKv?: boolean;
}

export interface DeleteRangeResult {
  revision: number;
  deleted: number;
  /** Present (possibly empty) only when prevKv was asked for. */
  prevKvs?: KeyValue[];
}

export type CompareTarget = 'version' | 'create' | 'mod' | 'value' | 'lease';
export type CompareResult = 'equal' | 'not_equal' | 'less' | 'greater';

/**
 * One guard of a txn. Over a range, every key in it must satisfy the guard. A key that does not exist compares as
 * version/create/mod/lease 0; a value compare on a missing key is always false (etcd cannot tell a missing value
 * from an empty one).
 */
export interface Compare {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  target: CompareTarget;
  result: CompareResult;
  /** A number for version/create/mod/lease, bytes for value. */
  value: number | Uint8Array;
}

export interface RangeRequest extends RangeOptions {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
}
export interface PutRequest extends PutOptions {
  key: Uint8Array;
  value: Uint8Array;
}
export interface DeleteRangeRequest extends DeleteRangeOptions {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
}
export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export type RequestOp =
  | { range: RangeRequest }
  | { put: PutRequest }
  | { deleteRange: DeleteRangeRequest }
  | { txn: TxnRequest };

export type ResponseOp =
  | { range: RangeResult }
  | { put: PutResult }
  | { deleteRange: DeleteRangeResult }
  | { txn: TxnResult };

/**
 * A txn is applied atomically: its compares are read at the current revision, then the chosen branch runs. Every
 * write in it shares one main revision. Reads inside the branch see the branch's earlier writes.
 */
export interface TxnResult {
  succeeded: boolean;
  responses: ResponseOp[];
  /** The revision after the txn (unchanged if it wrote nothing). */
  revision: number;
}

export type EventType = 'PUT' | 'DELETE';

/**
 * A change, as a watcher sees it. For a DELETE, `kv` holds only the key and modRevision (the delete's revision),
 * every other field zero, as etcd sends tombstones. `prevKv` is the key's value just before the change, when asked
 * for and when the key existed.
 */
export interface WatchEvent {
  type: EventType;
  kv: KeyValue;
  prevKv?: KeyValue;
}

export interface LeaseGrantResult {
  id: number;
  ttl: number;
}

export interface LeaseTimeToLiveResult {
  id: number;
  /** Seconds left, -1 if the lease does not exist (expired or revoked). */
  ttl: number;
  grantedTtl: number;
  keys: Uint8Array[];
}
