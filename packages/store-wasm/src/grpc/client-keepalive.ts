import type { ClientDuplexStream } from '@grpc/grpc-js';
import { StoreError } from '../errors.js';
import { EtcdRpcError, fromGrpcError } from './grpc-errors.js';
import { int64ToNumber } from './int64.js';
import type { Int64, WireLeaseIdRequest, WireLeaseKeepAliveResponse } from './wire.js';

/** Streams one renewal may be sent on before it fails. */
const MAX_ATTEMPTS = 2;

interface Pending {
  wireId: Int64;
  /** Streams this renewal has been sent on. */
  attempts: number;
  resolve(ttl: number): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export interface KeepAliveMuxOptions {
  open(): ClientDuplexStream<WireLeaseIdRequest, WireLeaseKeepAliveResponse>;
  endpoint: string;
  timeoutMs: number;
}

/**
 * One-shot lease renewals over one LeaseKeepAlive stream, opened on first use and reopened after it breaks. etcd
 * answers renewals of one lease in order, so answers are matched to requests first-in first-out per lease id.
 * A stream that breaks under a renewal gets it sent again on the next stream (renewing twice is harmless).
 */
export class KeepAliveMux {
  private stream: ClientDuplexStream<WireLeaseIdRequest, WireLeaseKeepAliveResponse> | undefined;
  private readonly pending = new Map<string, Pending[]>();
  private closed = false;

  constructor(private readonly opts: KeepAliveMuxOptions) {}

  /** Renews the lease; resolves with its TTL in seconds. A lease that does not exist rejects with LeaseNotFound. */
  keepAlive(wireId: Int64): Promise<number> {
    if (this.closed) return Promise.reject(new StoreError('Closed'));
    const key = String(wireId);
    return new Promise((resolve, reject) => {
      const p: Pending = {
        wireId,
        attempts: 1,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(key, p);
          reject(new EtcdRpcError('DeadlineExceeded', 4, `lease keep-alive got no answer in ${this.opts.timeoutMs} ms`, this.opts.endpoint));
        }, this.opts.timeoutMs),
      };
      const queue = this.pending.get(key) ?? [];
      queue.push(p);
      this.pending.set(key, queue);
      this.ensureStream().write({ ID: wireId });
    });
  }

  private ensureStream(): ClientDuplexStream<WireLeaseIdRequest, WireLeaseKeepAliveResponse> {
    if (this.stream) return this.stream;
    const stream = this.opts.open();
    this.stream = stream;
    stream.on('data', (res: WireLeaseKeepAliveResponse) => {
      const key = String(res.ID ?? '0');
      const p = this.pending.get(key)?.[0];
      if (!p) return;
      this.remove(key, p);
      const ttl = int64ToNumber(res.TTL);
      if (ttl <= 0) p.reject(new StoreError('LeaseNotFound'));
      else p.resolve(ttl);
    });
    const broken = (err?: Error): void => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      const reason = err ? fromGrpcError(err, this.opts.endpoint) : new EtcdRpcError('Unavailable', 14, 'lease keep-alive stream ended', this.opts.endpoint);
      // A renewal is idempotent: one that got no answer is sent once more on a new stream before it fails.
      const again: Pending[] = [];
      for (const [key, queue] of [...this.pending]) {
        for (const p of [...queue]) {
          if (p.attempts < MAX_ATTEMPTS && !this.closed) again.push(p);
          else {
            this.remove(key, p);
            p.reject(reason);
          }
        }
      }
      if (again.length === 0) return;
      const next = this.ensureStream();
      for (const p of again) {
        p.attempts++;
        next.write({ ID: p.wireId });
      }
    };
    stream.on('error', broken);
    stream.on('end', () => broken());
    return stream;
  }

  private remove(key: string, p: Pending): void {
    clearTimeout(p.timer);
    const queue = this.pending.get(key);
    if (!queue) return;
    const i = queue.indexOf(p);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) this.pending.delete(key);
  }

  private failAll(err: Error): void {
    for (const [key, queue] of [...this.pending]) {
      for (const p of [...queue]) {
        this.remove(key, p);
        p.reject(err);
      }
    }
  }

  close(): void {
    this.closed = true;
    this.failAll(new StoreError('Closed'));
    const s = this.stream;
    this.stream = undefined;
    if (s) {
      s.end();
      s.cancel();
    }
  }
}
