import type { KeyValue, WatchEvent } from '../kv.js';

/**
 * Encoded protobuf sizes of the messages a watch sends, computed without encoding them, so watch responses split
 * into fragments exactly where etcd splits them (etcd compares the encoded size with --max-request-bytes).
 * proto3: a field at its zero value takes no bytes; every field here has a number below 16 (a one-byte tag).
 */

/** Bytes of a varint. Negative int64 values take 10 bytes, as protobuf encodes them. */
export function varintSize(n: number | bigint): number {
  let v = typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
  if (v < 0n) return 10;
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

const intField = (n: number | bigint): number => (n === 0 || n === 0n ? 0 : 1 + varintSize(n));
const bytesField = (len: number): number => (len === 0 ? 0 : 1 + varintSize(len) + len);
/** A message-typed field: present (even when empty) whenever it is set. */
const messageField = (len: number): number => 1 + varintSize(len) + len;

export function keyValueSize(kv: KeyValue): number {
  return (
    bytesField(kv.key.length) +
    intField(kv.createRevision) +
    intField(kv.modRevision) +
    intField(kv.version) +
    bytesField(kv.value.length) +
    intField(kv.lease)
  );
}

export function eventSize(ev: WatchEvent): number {
  return (ev.type === 'DELETE' ? 2 : 0) + messageField(keyValueSize(ev.kv)) + (ev.prevKv ? messageField(keyValueSize(ev.prevKv)) : 0);
}

/** Size of one event as an element of WatchResponse.events (field 11). */
export function eventElementSize(ev: WatchEvent): number {
  return messageField(eventSize(ev));
}

export interface HeaderIds {
  clusterId: bigint;
  memberId: bigint;
  raftTerm: number;
}

/** Size of a WatchResponse without its events. */
export function watchResponseBaseSize(ids: HeaderIds, revision: number, watchId: number, fragment: boolean): number {
  const header = intField(ids.clusterId) + intField(ids.memberId) + intField(revision) + intField(ids.raftTerm);
  return messageField(header) + intField(watchId) + (fragment ? 2 : 0);
}

/**
 * Splits a watch response's events as etcd's sendFragments does: a response under the limit, or with one event,
 * goes whole; otherwise each fragment takes events while it stays under the limit (at least one event), and every
 * fragment but the last is flagged. Returns the events of each response to send.
 */
export function fragmentEvents<T>(events: T[], sizes: number[], baseWhole: number, baseFragment: number, maxBytes: number): T[][] {
  const whole = sizes.reduce((a, b) => a + b, baseWhole);
  if (whole < maxBytes || events.length < 2) return [events];
  const parts: T[][] = [];
  let i = 0;
  while (i < events.length) {
    const part: T[] = [events[i]!];
    let size = baseFragment + sizes[i]!;
    i++;
    while (i < events.length && size + sizes[i]! < maxBytes) {
      size += sizes[i]!;
      part.push(events[i]!);
      i++;
    }
    parts.push(part);
  }
  return parts;
}
