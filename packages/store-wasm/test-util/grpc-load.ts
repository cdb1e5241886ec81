import { credentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { etcdServices } from '../src/grpc/etcd-protos.js';

/**
 * A closed-loop gRPC load generator for etcd's KV API: one Node client, a fixed number of requests in flight,
 * bounded by a request count and a time limit. Works against any etcd v3 endpoint, so skiff-store and a real
 * etcd are measured by the same client.
 */

export interface LoadResult {
  name: string;
  ops: number;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface LoadOptions {
  inFlight: number;
  /** Stop after this many requests... */
  maxOps: number;
  /** ...or after this long, whichever comes first. */
  maxMs: number;
}

type Unary = (req: object, opts: object, cb: (err: ServiceError | null, res?: unknown) => void) => void;

export class KvLoadClient {
  private readonly kv: Client;

  constructor(endpoint: string) {
    this.kv = new (etcdServices().KV)(endpoint, credentials.createInsecure(), {
      'grpc.max_receive_message_length': -1,
    });
  }

  private call(method: string, req: object): Promise<unknown> {
    const fn = (this.kv as unknown as Record<string, Unary>)[method]!;
    return new Promise((resolve, reject) => fn.call(this.kv, req, {}, (err, res) => (err ? reject(err) : resolve(res))));
  }

  put(key: Buffer, value: Buffer): Promise<unknown> {
    return this.call('Put', { key, value });
  }

  get(key: Buffer): Promise<unknown> {
    return this.call('Range', { key });
  }

  /** Writes keys in txns of `batch` puts (etcd allows 128 ops per txn). */
  async preload(keys: Buffer[], value: Buffer, batch = 100, inFlight = 8): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        const slice = keys.slice(next, next + batch);
        next += batch;
        await this.call('Txn', { success: slice.map((key) => ({ request_put: { key, value } })) });
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  }

  /** Runs `op` closed-loop with `inFlight` outstanding requests until maxOps or maxMs. */
  async run(name: string, op: (i: number) => Promise<unknown>, opts: LoadOptions): Promise<LoadResult> {
    const latencies = new Float64Array(opts.maxOps);
    let issued = 0;
    let done = 0;
    let errors = 0;
    const start = performance.now();
    const deadline = start + opts.maxMs;
    const worker = async (): Promise<void> => {
      while (issued < opts.maxOps && performance.now() < deadline) {
        const i = issued++;
        const t0 = performance.now();
        try {
          await op(i);
        } catch {
          errors++;
        }
        latencies[done++] = performance.now() - t0;
      }
    };
    await Promise.all(Array.from({ length: opts.inFlight }, worker));
    const seconds = (performance.now() - start) / 1000;
    const sorted = latencies.subarray(0, done).sort();
    const pct = (p: number): number => (done === 0 ? 0 : sorted[Math.min(done - 1, Math.floor(done * p))]!);
    return { name, ops: done, seconds, opsPerSecond: done / seconds, p50Ms: pct(0.5), p99Ms: pct(0.99), errors };
  }

  close(): void {
    this.kv.close();
  }
}

/** `/registry/pods/ns-007/pod-0012345`: Kubernetes-shaped keys of ~36 bytes. */
export function registryKeys(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => Buffer.from(`/registry/pods/ns-${String(i % 100).padStart(3, '0')}/pod-${String(i).padStart(7, '0')}`));
}
