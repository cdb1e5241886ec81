import type { Int64 } from './wire.js';

/**
 * int64 values between the wire (decimal strings, see etcd-protos.ts) and the store (JavaScript numbers).
 *
 * Revisions, counts, versions and TTLs are far below 2^53 in practice; a value beyond that can only come from a
 * confused or hostile client, and is read approximately (keeping its sign and order), which gives the answer etcd
 * gives for such a value: a revision of 2^62 is still a future revision, a limit of 2^62 is still no real limit.
 * Lease ids are different: etcd picks them across the whole int64 range, so they are never approximated (see
 * leaseIdFromWire here, and lease-aliases.ts in the client).
 */

/** A wire int64 as a number; values beyond 2^53 lose their low bits, never their sign or order. */
export function int64ToNumber(v: Int64 | undefined | null): number {
  if (v === undefined || v === null || v === '') return 0;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

/** A wire int64 that must be exact (a revision in a response); throws when it is not a safe integer. */
export function exactInt64(v: Int64 | undefined | null, what: string): number {
  const n = int64ToNumber(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} ${String(v)} is beyond 2^53 and cannot be represented exactly`);
  return n;
}

/** Non-negative form for fields where etcd treats every value <= 0 as "unset" (limit, read revision, filters). */
export function positiveOrZero(v: Int64 | undefined | null): number {
  const n = int64ToNumber(v);
  return n > 0 ? n : 0;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A lease id from the wire, or undefined when it is not representable as a safe integer: the store only ever holds
 * ids below 2^53, so such an id names no lease here. Negative ids (an int64 above 2^63 - 1 sent as uint64 by a
 * client) are equally foreign.
 */
export function leaseIdFromWire(v: Int64 | undefined | null): number | undefined {
  if (v === undefined || v === null || v === '' || v === 0 || v === '0') return 0;
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  let big: bigint;
  try {
    big = BigInt(v);
  } catch {
    return undefined;
  }
  if (big < 0n || big > MAX_SAFE) return undefined;
  return Number(big);
}
