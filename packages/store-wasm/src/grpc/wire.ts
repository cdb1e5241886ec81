/**
 * The etcd v3 messages as plain objects, in the shape etcd-protos.ts decodes them (snake_case names, int64 as
 * decimal strings, enums as names) and accepts them for encoding (int64 as a number or a decimal string).
 * Only the fields Skiff reads or writes are listed; proto3 zero values may be left out when encoding.
 */

/** int64/uint64 on the wire: decoded as a decimal string; a safe integer or a decimal string when encoding. */
export type Int64 = string | number;
/** An enum the .proto does not know decodes as its number. */
export type WireEnum<T extends string> = T | number;

/** A uint64 as two 32-bit halves, the form protobufjs converts fastest; only ever encoded, never decoded. */
export interface LongBits {
  low: number;
  high: number;
  unsigned: boolean;
}

export interface WireHeader {
  cluster_id?: Int64 | LongBits;
  member_id?: Int64 | LongBits;
  revision?: Int64;
  raft_term?: Int64;
}

export interface WireKeyValue {
  key: Uint8Array;
  create_revision?: Int64;
  mod_revision?: Int64;
  version?: Int64;
  value?: Uint8Array;
  lease?: Int64;
}

export interface WireEvent {
  type?: WireEnum<'PUT' | 'DELETE'>;
  kv?: WireKeyValue | null;
  prev_kv?: WireKeyValue | null;
}

export type WireSortOrder = WireEnum<'NONE' | 'ASCEND' | 'DESCEND'>;
export type WireSortTarget = WireEnum<'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE'>;

export interface WireRangeRequest {
  key?: Uint8Array;
  range_end?: Uint8Array;
  limit?: Int64;
  revision?: Int64;
  sort_order?: WireSortOrder;
  sort_target?: WireSortTarget;
  serializable?: boolean;
  keys_only?: boolean;
  count_only?: boolean;
  min_mod_revision?: Int64;
  max_mod_revision?: Int64;
  min_create_revision?: Int64;
  max_create_revision?: Int64;
}

export interface WireRangeResponse {
  header?: WireHeader | null;
  kvs?: WireKeyValue[];
  more?: boolean;
  count?: Int64;
}

export interface WirePutRequest {
  key?: Uint8Array;
  value?: Uint8Array;
  lease?: Int64;
  prev_kv?: boolean;
  ignore_value?: boolean;
  ignore_lease?: boolean;
}

export interface WirePutResponse {
  header?: WireHeader | null;
  prev_kv?: WireKeyValue | null;
}

export interface WireDeleteRangeRequest {
  key?: Uint8Array;
  range_end?: Uint8Array;
  prev_kv?: boolean;
}

export interface WireDeleteRangeResponse {
  header?: WireHeader | null;
  deleted?: Int64;
  prev_kvs?: WireKeyValue[];
}

export interface WireRequestOp {
  request?: 'request_range' | 'request_put' | 'request_delete_range' | 'request_txn';
  request_range?: WireRangeRequest | null;
  request_put?: WirePutRequest | null;
  request_delete_range?: WireDeleteRangeRequest | null;
  request_txn?: WireTxnRequest | null;
}

export interface WireResponseOp {
  response?: 'response_range' | 'response_put' | 'response_delete_range' | 'response_txn';
  response_range?: WireRangeResponse | null;
  response_put?: WirePutResponse | null;
  response_delete_range?: WireDeleteRangeResponse | null;
  response_txn?: WireTxnResponse | null;
}

export type WireCompareResult = WireEnum<'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL'>;
export type WireCompareTarget = WireEnum<'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE'>;

export interface WireCompare {
  result?: WireCompareResult;
  target?: WireCompareTarget;
  key?: Uint8Array;
  target_union?: 'version' | 'create_revision' | 'mod_revision' | 'value' | 'lease';
  version?: Int64;
  create_revision?: Int64;
  mod_revision?: Int64;
  value?: Uint8Array;
  lease?: Int64;
  range_end?: Uint8Array;
}

export interface WireTxnRequest {
  compare?: WireCompare[];
  success?: WireRequestOp[];
  failure?: WireRequestOp[];
}

export interface WireTxnResponse {
  header?: WireHeader | null;
  succeeded?: boolean;
  responses?: WireResponseOp[];
}

export interface WireCompactionRequest {
  revision?: Int64;
  physical?: boolean;
}

export interface WireCompactionResponse {
  header?: WireHeader | null;
}

export type WireFilterType = WireEnum<'NOPUT' | 'NODELETE'>;

export interface WireWatchCreateRequest {
  key?: Uint8Array;
  range_end?: Uint8Array;
  start_revision?: Int64;
  progress_notify?: boolean;
  filters?: WireFilterType[];
  prev_kv?: boolean;
  watch_id?: Int64;
  fragment?: boolean;
}

export interface WireWatchRequest {
  request_union?: 'create_request' | 'cancel_request' | 'progress_request';
  create_request?: WireWatchCreateRequest | null;
  cancel_request?: { watch_id?: Int64 } | null;
  progress_request?: object | null;
}

export interface WireWatchResponse {
  header?: WireHeader | null;
  watch_id?: Int64;
  created?: boolean;
  canceled?: boolean;
  compact_revision?: Int64;
  cancel_reason?: string;
  fragment?: boolean;
  events?: WireEvent[];
}

export interface WireLeaseGrantRequest {
  TTL?: Int64;
  ID?: Int64;
}

export interface WireLeaseGrantResponse {
  header?: WireHeader | null;
  ID?: Int64;
  TTL?: Int64;
  error?: string;
}

export interface WireLeaseIdRequest {
  ID?: Int64;
}

export interface WireLeaseKeepAliveResponse {
  header?: WireHeader | null;
  ID?: Int64;
  TTL?: Int64;
}

export interface WireLeaseTimeToLiveRequest {
  ID?: Int64;
  keys?: boolean;
}

export interface WireLeaseTimeToLiveResponse {
  header?: WireHeader | null;
  ID?: Int64;
  TTL?: Int64;
  grantedTTL?: Int64;
  keys?: Uint8Array[];
}

export interface WireLeaseLeasesResponse {
  header?: WireHeader | null;
  leases?: { ID?: Int64 }[];
}

export interface WireMember {
  ID?: Int64;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}

export interface WireMemberListResponse {
  header?: WireHeader | null;
  members?: WireMember[];
}

export interface WireStatusResponse {
  header?: WireHeader | null;
  version?: string;
  dbSize?: Int64;
  leader?: Int64;
  raftIndex?: Int64;
  raftTerm?: Int64;
  raftAppliedIndex?: Int64;
  errors?: string[];
  dbSizeInUse?: Int64;
  isLearner?: boolean;
}

export interface WireAlarmRequest {
  action?: WireEnum<'GET' | 'ACTIVATE' | 'DEACTIVATE'>;
  memberID?: Int64;
  alarm?: WireEnum<'NONE' | 'NOSPACE' | 'CORRUPT'>;
}

export interface WireAlarmResponse {
  header?: WireHeader | null;
  alarms?: { memberID?: Int64; alarm?: WireEnum<'NONE' | 'NOSPACE' | 'CORRUPT'> }[];
}
