import { inRange } from '../src/key-range.js';
import type { RequestOp, TxnRequest } from '../src/kv.js';

/**
 * etcd rejects a txn that writes one key twice (DuplicateKey, checkIntervals in etcd's v3rpc/key.go), and engines
 * may assume they never see one. This turns any generated txn into one etcd accepts by dropping the puts it would
 * object to, following etcd's rule exactly:
 *  - success and failure are checked separately;
 *  - within a branch, deletes of the branch itself are collected first; then each nested txn's puts (its success
 *    and failure alike) must not repeat a put seen so far nor fall in a delete seen so far, except that a key put
 *    by both the success and the failure of the same nested txn is fine (only one runs); the nested txn's deletes
 *    then join the branch's;
 *  - last, the branch's own puts must not repeat any put below them nor fall in any delete.
 * (So "put k in one nested txn, delete k in a later one" passes, as it does in etcd.)
 */
export function withoutDuplicateKeys(req: TxnRequest): TxnRequest {
  return { compare: req.compare, success: repairBranch(req.success).ops, failure: repairBranch(req.failure).ops };
}

interface Interval {
  key: Uint8Array;
  rangeEnd: Uint8Array | undefined;
}

interface Branch {
  ops: RequestOp[];
  puts: Map<string, Uint8Array>;
  dels: Interval[];
}

const idOf = (k: Uint8Array): string => Buffer.from(k).toString('latin1');

function inAny(dels: Interval[], key: Uint8Array): boolean {
  return dels.some((d) => inRange(key, d.key, d.rangeEnd));
}

/** ops without any put (at any depth) of the key. */
function dropPutsOf(ops: RequestOp[], id: string): RequestOp[] {
  const out: RequestOp[] = [];
  for (const op of ops) {
    if ('put' in op && idOf(op.put.key) === id) continue;
    if ('txn' in op) {
      const t = op.txn;
      out.push({ txn: { compare: t.compare, success: dropPutsOf(t.success, id), failure: dropPutsOf(t.failure, id) } });
    } else out.push(op);
  }
  return out;
}

function repairBranch(reqs: RequestOp[]): Branch {
  const dels: Interval[] = [];
  for (const op of reqs) if ('deleteRange' in op) dels.push({ key: op.deleteRange.key, rangeEnd: op.deleteRange.rangeEnd });
  const puts = new Map<string, Uint8Array>();
  const ops = [...reqs];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (!('txn' in op)) continue;
    const then = repairBranch(op.txn.success);
    const other = repairBranch(op.txn.failure);
    for (const [id, key] of [...then.puts]) {
      if (puts.has(id) || inAny(dels, key)) {
        then.ops = dropPutsOf(then.ops, id);
        then.puts.delete(id);
      }
    }
    for (const [id, key] of [...other.puts]) {
      if ((puts.has(id) && !then.puts.has(id)) || inAny(dels, key)) {
        other.ops = dropPutsOf(other.ops, id);
        other.puts.delete(id);
      }
    }
    for (const [id, key] of then.puts) puts.set(id, key);
    for (const [id, key] of other.puts) puts.set(id, key);
    dels.push(...then.dels, ...other.dels);
    ops[i] = { txn: { compare: op.txn.compare, success: then.ops, failure: other.ops } };
  }
  const kept: RequestOp[] = [];
  for (const op of ops) {
    if ('put' in op) {
      const id = idOf(op.put.key);
      if (puts.has(id) || inAny(dels, op.put.key)) continue;
      puts.set(id, op.put.key);
    }
    kept.push(op);
  }
  return { ops: kept, puts, dels };
}
