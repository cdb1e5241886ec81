import type { DeleteRangeResult, KeyValue, PutResult, RangeResult, WatchEvent } from '../kv.js';
import { leaseIdFromWire } from './int64.js';
import type { WireDeleteRangeResponse, WireEvent, WireHeader, WireKeyValue, WirePutResponse, WireRangeResponse } from './wire.js';

/**
 * The server's side of the KeyValue codec: wire bytes in, store results out. Outgoing int64 fields are written as
 * numbers (every store value is a safe integer). The client's side is client-codec.ts.
 */

const EMPTY = new Uint8Array(0);

/** A bytes field; absent reads as empty, as proto3 does. */
export function bytesOf(b: Uint8Array | undefined | null): Uint8Array {
  return b ?? EMPTY;
}

/** A range_end field: empty means "just the key", which the store spells as absent. */
export function rangeEndOf(b: Uint8Array | undefined | null): Uint8Array | undefined {
  return b && b.length > 0 ? b : undefined;
}

/**
 * Lease id a request names, as the store knows it. An id the store cannot hold (2^53 and above, or negative) maps
 * to FOREIGN_LEASE, which names no lease, so the store answers "requested lease not found" exactly where etcd would.
 */
export const FOREIGN_LEASE = Number.MAX_SAFE_INTEGER;

export function requestLease(v: Parameters<typeof leaseIdFromWire>[0]): number {
  return leaseIdFromWire(v) ?? FOREIGN_LEASE;
}

export function kvToWire(kv: KeyValue): WireKeyValue {
  return {
    key: kv.key,
    create_revision: kv.createRevision,
    mod_revision: kv.modRevision,
    version: kv.version,
    value: kv.value,
    lease: kv.lease,
  };
}

export function eventToWire(ev: WatchEvent): WireEvent {
  return {
    type: ev.type,
    kv: kvToWire(ev.kv),
    prev_kv: ev.prevKv ? kvToWire(ev.prevKv) : null,
  };
}

export function rangeResultToWire(r: RangeResult, header: WireHeader): WireRangeResponse {
  return { header, kvs: r.kvs.map(kvToWire), more: r.more, count: r.count };
}

export function putResultToWire(r: PutResult, header: WireHeader): WirePutResponse {
  return { header, prev_kv: r.prevKv ? kvToWire(r.prevKv) : null };
}

export function deleteResultToWire(r: DeleteRangeResult, header: WireHeader): WireDeleteRangeResponse {
  return { header, deleted: r.deleted, prev_kvs: r.prevKvs ? r.prevKvs.map(kvToWire) : [] };
}
