import { StoreError } from '../errors.js';
import type { Compare, CompareResult, CompareTarget, RequestOp, TxnRequest } from '../kv.js';
import type { WriteRequest } from '../write-request.js';

/**
 * Binary form of a WriteRequest, the payload of one log record. Numbers are f64 (every revision and lease id is a
 * safe integer), byte strings are u32 length + bytes, little endian throughout.
 *
 *   put          1 | key | value | flags(u8: prevKv 1, ignoreValue 2, ignoreLease 4) | lease f64
 *   deleteRange  2 | key | rangeEnd | flags(prevKv 1)
 *   txn          3 | txn
 *   compact      4 | revision f64
 *   leaseGrant   5 | id f64 | ttl f64
 *   leaseRevoke  6 | id f64
 *   txn  = u32 n | compare*n | u32 n | op*n (success) | u32 n | op*n (failure)
 *   op   = 0 range key rangeEnd revision f64 limit f64 flags(keysOnly 1, countOnly 2) | 1 put (as above, no tag)
 *        | 2 deleteRange (as above, no tag) | 3 txn
 *   compare = key | rangeEnd | target u8 | result u8 | value: bytes when target is value, else f64
 */

const targets: CompareTarget[] = ['version', 'create', 'mod', 'value', 'lease'];
const results: CompareResult[] = ['equal', 'not_equal', 'less', 'greater'];
const EMPTY = new Uint8Array(0);

/** Exact encoded sizes, so a record is written into one buffer of the right length and never copied. */
const bytesSize = (b: Uint8Array | undefined): number => 4 + (b?.length ?? 0);
const PUT_FIXED = 1 + 8;

function txnEncodedSize(t: TxnRequest): number {
  let n = 12;
  for (const c of t.compare) n += bytesSize(c.key) + bytesSize(c.rangeEnd) + 2 + (c.target === 'value' ? bytesSize(c.value as Uint8Array) : 8);
  for (const op of t.success) n += opEncodedSize(op);
  for (const op of t.failure) n += opEncodedSize(op);
  return n;
}

function opEncodedSize(op: RequestOp): number {
  if ('range' in op) return 1 + bytesSize(op.range.key) + bytesSize(op.range.rangeEnd) + 17;
  if ('put' in op) return 1 + bytesSize(op.put.key) + bytesSize(op.put.value) + PUT_FIXED;
  if ('deleteRange' in op) return 1 + bytesSize(op.deleteRange.key) + bytesSize(op.deleteRange.rangeEnd) + 1;
  return 1 + txnEncodedSize(op.txn);
}

function encodedSize(req: WriteRequest): number {
  switch (req.type) {
    case 'put':
      return 1 + bytesSize(req.key) + bytesSize(req.value) + PUT_FIXED;
    case 'deleteRange':
      return 1 + bytesSize(req.key) + bytesSize(req.rangeEnd) + 1;
    case 'txn':
      return 1 + txnEncodedSize(req.req);
    case 'compact':
    case 'leaseRevoke':
      return 9;
    case 'leaseGrant':
      return 17;
  }
}

class Writer {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  bytes(b: Uint8Array | undefined): void {
    const v = b ?? EMPTY;
    this.u32(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
  done(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.slice(0, this.pos);
  }
}

class Reader {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new StoreError('Corrupt', `log record truncated at byte ${this.pos}`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const v = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  end(): void {
    if (this.pos !== this.buf.length) throw new StoreError('Corrupt', `log record has ${this.buf.length - this.pos} trailing bytes`);
  }
}

function writePut(w: Writer, p: { key: Uint8Array; value: Uint8Array; prevKv?: boolean; ignoreValue?: boolean; ignoreLease?: boolean; lease?: number }): void {
  w.bytes(p.key);
  w.bytes(p.value);
  w.u8((p.prevKv ? 1 : 0) | (p.ignoreValue ? 2 : 0) | (p.ignoreLease ? 4 : 0));
  w.f64(p.lease ?? 0);
}

function readPut(r: Reader) {
  const key = r.bytes();
  const value = r.bytes();
  const flags = r.u8();
  const lease = r.f64();
  return { key, value, prevKv: (flags & 1) !== 0, ignoreValue: (flags & 2) !== 0, ignoreLease: (flags & 4) !== 0, lease };
}

function writeTxn(w: Writer, t: TxnRequest): void {
  w.u32(t.compare.length);
  for (const c of t.compare) {
    w.bytes(c.key);
    w.bytes(c.rangeEnd);
    w.u8(targets.indexOf(c.target));
    w.u8(results.indexOf(c.result));
    if (c.target === 'value') w.bytes(c.value as Uint8Array);
    else w.f64(c.value as number);
  }
  for (const ops of [t.success, t.failure]) {
    w.u32(ops.length);
    for (const op of ops) writeOp(w, op);
  }
}

function writeOp(w: Writer, op: RequestOp): void {
  if ('range' in op) {
    const q = op.range;
    w.u8(0);
    w.bytes(q.key);
    w.bytes(q.rangeEnd);
    w.f64(q.revision ?? 0);
    w.f64(q.limit ?? 0);
    w.u8((q.keysOnly ? 1 : 0) | (q.countOnly ? 2 : 0));
  } else if ('put' in op) {
    w.u8(1);
    writePut(w, op.put);
  } else if ('deleteRange' in op) {
    w.u8(2);
    w.bytes(op.deleteRange.key);
    w.bytes(op.deleteRange.rangeEnd);
    w.u8(op.deleteRange.prevKv ? 1 : 0);
  } else {
    w.u8(3);
    writeTxn(w, op.txn);
  }
}

function readTxn(r: Reader): TxnRequest {
  const compare: Compare[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const key = r.bytes();
    const rangeEnd = r.bytes();
    const target = targets[r.u8()];
    const result = results[r.u8()];
    if (!target || !result) throw new StoreError('Corrupt', 'unknown compare target or result in log record');
    const value = target === 'value' ? r.bytes() : r.f64();
    compare.push({ key, rangeEnd, target, result, value });
  }
  const branches: RequestOp[][] = [];
  for (let b = 0; b < 2; b++) {
    const ops: RequestOp[] = [];
    for (let n = r.u32(); n > 0; n--) ops.push(readOp(r));
    branches.push(ops);
  }
  return { compare, success: branches[0]!, failure: branches[1]! };
}

function readOp(r: Reader): RequestOp {
  const tag = r.u8();
  switch (tag) {
    case 0: {
      const key = r.bytes();
      const rangeEnd = r.bytes();
      const revision = r.f64();
      const limit = r.f64();
      const flags = r.u8();
      return { range: { key, rangeEnd, revision, limit, keysOnly: (flags & 1) !== 0, countOnly: (flags & 2) !== 0 } };
    }
    case 1:
      return { put: readPut(r) };
    case 2: {
      const key = r.bytes();
      const rangeEnd = r.bytes();
      return { deleteRange: { key, rangeEnd, prevKv: (r.u8() & 1) !== 0 } };
    }
    case 3:
      return { txn: readTxn(r) };
    default:
      throw new StoreError('Corrupt', `unknown txn op tag ${tag} in log record`);
  }
}

export function encodeWriteRequest(req: WriteRequest): Uint8Array {
  const w = new Writer(encodedSize(req));
  switch (req.type) {
    case 'put':
      w.u8(1);
      writePut(w, { key: req.key, value: req.value, ...req.opts });
      break;
    case 'deleteRange':
      w.u8(2);
      w.bytes(req.key);
      w.bytes(req.rangeEnd);
      w.u8(req.opts.prevKv ? 1 : 0);
      break;
    case 'txn':
      w.u8(3);
      writeTxn(w, req.req);
      break;
    case 'compact':
      w.u8(4);
      w.f64(req.revision);
      break;
    case 'leaseGrant':
      w.u8(5);
      w.f64(req.id);
      w.f64(req.ttl);
      break;
    case 'leaseRevoke':
      w.u8(6);
      w.f64(req.id);
      break;
  }
  return w.done();
}

export function decodeWriteRequest(payload: Uint8Array): WriteRequest {
  const r = new Reader(payload);
  let req: WriteRequest;
  const tag = r.u8();
  switch (tag) {
    case 1: {
      const { key, value, ...opts } = readPut(r);
      req = { type: 'put', key, value, opts };
      break;
    }
    case 2: {
      const key = r.bytes();
      const rangeEnd = r.bytes();
      req = { type: 'deleteRange', key, rangeEnd, opts: { prevKv: (r.u8() & 1) !== 0 } };
      break;
    }
    case 3:
      req = { type: 'txn', req: readTxn(r) };
      break;
    case 4:
      req = { type: 'compact', revision: r.f64() };
      break;
    case 5:
      req = { type: 'leaseGrant', id: r.f64(), ttl: r.f64() };
      break;
    case 6:
      req = { type: 'leaseRevoke', id: r.f64() };
      break;
    default:
      throw new StoreError('Corrupt', `unknown log record type ${tag}`);
  }
  r.end();
  return req;
}
