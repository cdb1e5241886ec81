import { credentials, makeGenericClientConstructor, type Client, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { etcdServices } from '../src/grpc/etcd-protos.js';

/**
 * Plain gRPC access to an etcd endpoint, below EtcdClient: wire-level requests and responses as the proto loader
 * decodes them, and a client that sends arbitrary bytes, for tests of what the server does with bad input.
 */

export interface RawCallResult<T> {
  res?: T;
  error?: { code: number; details: string };
}

export interface RawEtcd {
  unary<T = Record<string, unknown>>(service: 'KV' | 'Lease' | 'Maintenance' | 'Cluster', method: string, req: object): Promise<RawCallResult<T>>;
  watch(): ClientDuplexStream<object, Record<string, unknown>>;
  close(): void;
}

export function rawEtcd(address: string): RawEtcd {
  const s = etcdServices();
  const creds = credentials.createInsecure();
  const clients: Record<string, Client> = {
    KV: new s.KV(address, creds),
    Lease: new s.Lease(address, creds),
    Maintenance: new s.Maintenance(address, creds),
    Cluster: new s.Cluster(address, creds),
    Watch: new s.Watch(address, creds),
  };
  return {
    unary: (service, method, req) =>
      new Promise((resolve) => {
        const client = clients[service] as unknown as Record<string, (r: object, o: object, cb: (e: ServiceError | null, r?: unknown) => void) => void>;
        client[method]!.call(clients[service], req, { deadline: Date.now() + 10_000 }, (err, res) =>
          resolve(err ? { error: { code: err.code, details: err.details } } : { res: res as never }),
        );
      }),
    watch: () => (clients.Watch as unknown as { Watch(): ClientDuplexStream<object, Record<string, unknown>> }).Watch(),
    close: () => Object.values(clients).forEach((c) => c.close()),
  };
}

/** A client whose messages are raw bytes, for any method path (e.g. "/etcdserverpb.KV/Put"). */
export function rawBytesClient(address: string): {
  unary(path: string, bytes: Buffer): Promise<{ code: number; details: string } | null>;
  stream(path: string): ClientDuplexStream<Buffer, Buffer>;
  close(): void;
} {
  const identity = (b: Buffer): Buffer => b;
  const Ctor = makeGenericClientConstructor({}, 'Raw');
  const client = new Ctor(address, credentials.createInsecure());
  return {
    unary: (path, bytes) =>
      new Promise((resolve) => {
        client.makeUnaryRequest(path, identity, identity, bytes, { deadline: Date.now() + 10_000 }, (err) =>
          resolve(err ? { code: err.code, details: err.details } : null),
        );
      }),
    stream: (path) => client.makeBidiStreamRequest(path, identity, identity, { deadline: Date.now() + 30_000 }),
    close: () => client.close(),
  };
}
