import { compareBytes } from '../key-range.js';
import type { KeyValue, RangeRequest, RangeResult } from '../kv.js';
import { invalidSortOption } from './grpc-errors.js';
import { int64ToNumber, positiveOrZero } from './int64.js';
import { bytesOf, rangeEndOf } from './kv-codec.js';
import type { WireRangeRequest, WireSortOrder, WireSortTarget } from './wire.js';

type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

/**
 * What etcd's API layer does to a range after the store has read it: revision filters, sorting, then the limit.
 * The store knows none of this, so a range that needs it is read without a limit and finished here.
 */
export interface RangeFinish {
  /** NONE: filters only; the store's key order stands. */
  order: SortOrder;
  target: SortTarget;
  minMod: number;
  maxMod: number;
  minCreate: number;
  maxCreate: number;
  /** The limit the client asked for; 0: none. */
  limit: number;
  /** The client asked for keys only (the read kept values, because sorting by value needs them). */
  keysOnly: boolean;
}

export interface RangePlan {
  request: RangeRequest;
  /** Absent: the store's result is the answer as it is. */
  finish?: RangeFinish;
}

const ORDERS: readonly string[] = ['NONE', 'ASCEND', 'DESCEND'];
const TARGETS: readonly string[] = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'];

function sortOrderOf(v: WireSortOrder | undefined): SortOrder {
  if (v === undefined) return 'NONE';
  if (typeof v === 'string' && ORDERS.includes(v)) return v as SortOrder;
  throw invalidSortOption();
}

function sortTargetOf(v: WireSortTarget | undefined): SortTarget {
  if (v === undefined) return 'KEY';
  if (typeof v === 'string' && TARGETS.includes(v)) return v as SortTarget;
  throw invalidSortOption();
}

/**
 * Turns a wire RangeRequest into a store read plus, when needed, the finishing steps, exactly as etcd 3.4 decides:
 *  - a sort order or a revision filter: read every key, filter, sort, then cut to the limit;
 *  - a sort target other than KEY with order NONE: sort ascending, but (etcd decides what to read from the order
 *    as sent) only over the first limit + 1 keys in key order. So {target: VERSION, limit: 3} sorts k0..k3 by
 *    version and returns three of them, not the three lowest versions of the whole range.
 * A revision <= 0 reads the current revision and a limit <= 0 is no limit, as in etcd.
 */
export function planRange(w: WireRangeRequest): RangePlan {
  const sentOrder = sortOrderOf(w.sort_order);
  const target = sortTargetOf(w.sort_target);
  const order = target !== 'KEY' && sentOrder === 'NONE' ? 'ASCEND' : sentOrder;
  const limit = positiveOrZero(w.limit);
  const request: RangeRequest = {
    key: bytesOf(w.key),
    rangeEnd: rangeEndOf(w.range_end),
    revision: positiveOrZero(w.revision),
    limit,
    keysOnly: w.keys_only === true,
    countOnly: w.count_only === true,
  };
  const minMod = int64ToNumber(w.min_mod_revision);
  const maxMod = int64ToNumber(w.max_mod_revision);
  const minCreate = int64ToNumber(w.min_create_revision);
  const maxCreate = int64ToNumber(w.max_create_revision);
  const filtered = minMod !== 0 || maxMod !== 0 || minCreate !== 0 || maxCreate !== 0;
  if (order === 'NONE' && !filtered) return { request };
  request.limit = sentOrder !== 'NONE' || filtered || limit === 0 ? 0 : limit + 1;
  // Sorting by value needs the values even when the client wants keys only; they are dropped after sorting.
  if (target === 'VALUE') request.keysOnly = false;
  return {
    request,
    finish: { order, target, minMod, maxMod, minCreate, maxCreate, limit, keysOnly: w.keys_only === true },
  };
}

function comparatorFor(target: SortTarget): (a: KeyValue, b: KeyValue) => number {
  switch (target) {
    case 'KEY':
      return (a, b) => compareBytes(a.key, b.key);
    case 'VERSION':
      return (a, b) => a.version - b.version;
    case 'CREATE':
      return (a, b) => a.createRevision - b.createRevision;
    case 'MOD':
      return (a, b) => a.modRevision - b.modRevision;
    case 'VALUE':
      return (a, b) => compareBytes(a.value, b.value);
  }
}

/**
 * Applies the finishing steps. `count` stays the store's count of every key in the range: etcd counts before it
 * filters. Ties keep ascending key order in both directions, which is what etcd's sort gives for the small results
 * (up to 12 keys) where its order is deterministic.
 */
export function finishRange(result: RangeResult, f: RangeFinish): RangeResult {
  let kvs = result.kvs;
  if (f.maxMod !== 0) kvs = kvs.filter((kv) => kv.modRevision <= f.maxMod);
  if (f.minMod !== 0) kvs = kvs.filter((kv) => kv.modRevision >= f.minMod);
  if (f.maxCreate !== 0) kvs = kvs.filter((kv) => kv.createRevision <= f.maxCreate);
  if (f.minCreate !== 0) kvs = kvs.filter((kv) => kv.createRevision >= f.minCreate);
  if (f.order !== 'NONE') {
    const cmp = comparatorFor(f.target);
    kvs = kvs === result.kvs ? [...kvs] : kvs;
    kvs.sort(f.order === 'ASCEND' ? cmp : (a, b) => cmp(b, a));
  }
  let more = false;
  if (f.limit > 0 && kvs.length > f.limit) {
    kvs = kvs.slice(0, f.limit);
    more = true;
  }
  if (f.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: EMPTY }));
  return { kvs, count: result.count, more, revision: result.revision };
}

const EMPTY = new Uint8Array(0);
