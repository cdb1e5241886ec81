import { StoreError } from '../errors.js';
import type { Int64 } from './wire.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Lease ids between a real etcd and the store's number-typed API, exactly.
 *
 * etcd picks lease ids anywhere in int64 (e.g. 7587869485478929412), beyond what a JavaScript number holds exactly.
 * Ids up to 2^53 - 1 pass through as themselves. A larger id (only ever made by some other etcd client: this
 * client picks its own ids below 2^48 when it grants) gets a local alias: a negative number, stable for the life of
 * this client, that maps back to the exact id whenever it goes to the wire.
 *
 *   wire "7587869485478929412" -> local -1 -> wire "7587869485478929412"
 *   wire "42"                  -> local 42 -> wire 42
 */
export class LeaseAliases {
  private readonly aliasOf = new Map<string, number>();
  private readonly idOf = new Map<number, string>();
  private next = -1;

  toLocal(v: Int64 | undefined | null): number {
    if (v === undefined || v === null || v === 0 || v === '0' || v === '') return 0;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
    const big = BigInt(v);
    if (big > 0n && big <= MAX_SAFE) return Number(big);
    const exact = big.toString();
    let alias = this.aliasOf.get(exact);
    if (alias === undefined) {
      alias = this.next--;
      this.aliasOf.set(exact, alias);
      this.idOf.set(alias, exact);
    }
    return alias;
  }

  /** The wire form of a local id. An unknown negative id names no lease this client has seen. */
  toWire(id: number | undefined): Int64 {
    if (id === undefined || id === 0) return 0;
    if (id > 0) {
      if (!Number.isSafeInteger(id)) throw new StoreError('InvalidArgument', `lease id ${id} is not a safe integer`);
      return id;
    }
    const exact = this.idOf.get(id);
    if (exact === undefined) throw new StoreError('LeaseNotFound', `lease alias ${id} was never seen by this client`);
    return exact;
  }
}
