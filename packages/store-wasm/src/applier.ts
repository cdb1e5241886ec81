import type { MvccEngine } from './engine.js';
import { StoreError } from './errors.js';
import type { Lessor } from './lessor.js';
import type { RequestOp, ResponseOp, TxnRequest, TxnResult } from './kv.js';
import type { WriteRequest, WriteResults } from './write-request.js';

/**
 * Applies one logged write to the engine and the lessor. Deterministic: the same requests in the same order give
 * the same state, which is what makes log replay after a crash correct. Expected failures throw StoreError and
 * change nothing.
 */
export class Applier {
  constructor(
    private readonly engine: MvccEngine,
    private readonly lessor: Lessor,
  ) {}

  apply(req: WriteRequest): WriteResults[WriteRequest['type']] {
    switch (req.type) {
      case 'put': {
        // etcd checks a standalone put's lease before its ignore flags (inside a txn the key comes first).
        if (req.opts.lease && !this.lessor.has(req.opts.lease)) throw new StoreError('LeaseNotFound', `lease ${req.opts.lease.toString(16)}`);
        const res = this.engine.put(req.key, req.value, req.opts);
        if (req.opts.lease) this.lessor.attach(req.opts.lease, req.key);
        return res;
      }
      case 'deleteRange':
        return this.engine.deleteRange(req.key, req.rangeEnd, req.opts);
      case 'txn': {
        const res = this.engine.txn(req.req);
        this.attachTxnLeases(req.req, res);
        return res;
      }
      case 'compact':
        this.engine.compact(req.revision);
        return { revision: this.engine.currentRevision() };
      case 'leaseGrant':
        return this.lessor.grant(req.id, req.ttl);
      case 'leaseRevoke':
        return { revision: this.revoke(req.id) };
    }
  }

  /** Deletes every key still attached to the lease in one revision, then forgets the lease. */
  private revoke(id: number): number {
    const attached = this.lessor.revoke(id);
    const ops: RequestOp[] = [];
    for (const key of attached) {
      const kv = this.engine.range(key).kvs[0];
      if (kv && kv.lease === id) ops.push({ deleteRange: { key } });
    }
    if (ops.length === 0) return this.engine.currentRevision();
    return this.engine.txn({ compare: [], success: ops, failure: [] }).revision;
  }

  /** Attaches the keys that the executed branches put with a lease. */
  private attachTxnLeases(req: TxnRequest, res: TxnResult): void {
    const ops = res.succeeded ? req.success : req.failure;
    ops.forEach((op, i) => {
      const r: ResponseOp | undefined = res.responses[i];
      if ('put' in op && op.put.lease) this.lessor.attach(op.put.lease, op.put.key);
      else if ('txn' in op && r && 'txn' in r) this.attachTxnLeases(op.txn, r.txn);
    });
  }

  /** After loading a snapshot: re-attach every key to its lease from the kvs' own lease fields. */
  reattachAll(): void {
    const all = this.engine.range(new Uint8Array([0]), new Uint8Array([0]), { keysOnly: true });
    for (const kv of all.kvs) if (kv.lease && this.lessor.has(kv.lease)) this.lessor.attach(kv.lease, kv.key);
  }
}
