import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * The etcd v3 API as loaded from our own .proto files (packages/store-wasm/proto).
 *
 * Decoding options, which every codec in this folder relies on:
 *  - keepCase: field names exactly as in the .proto (snake_case, and etcd's `ID`, `TTL`, ...).
 *  - longs: String: int64/uint64 arrive as decimal strings, so lease ids and cluster ids above 2^53 survive exactly;
 *    int64.ts converts them. Encoding accepts numbers or decimal strings.
 *  - enums: String: 'PUT', 'DESCEND'; an enum number the .proto does not know stays a number.
 *  - defaults: true: absent scalars read as their zero value (proto3), except oneof members, which stay absent.
 *  - oneofs: true: a oneof's name holds the name of the member that is set.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

const RPC_PROTO = join('etcdserverpb', 'rpc.proto');

/**
 * The proto/ folder ships beside src/ and dist/ in the package; this file runs from src/grpc/ (tests, tsx) or from a
 * bundled chunk in dist/, so look upward instead of assuming a depth.
 */
export function protoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, RPC_PROTO))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`etcd .proto files not found above ${fileURLToPath(import.meta.url)}: expected proto/${RPC_PROTO}`);
}

export interface EtcdServices {
  KV: grpc.ServiceClientConstructor;
  Watch: grpc.ServiceClientConstructor;
  Lease: grpc.ServiceClientConstructor;
  Cluster: grpc.ServiceClientConstructor;
  Maintenance: grpc.ServiceClientConstructor;
}

let cached: EtcdServices | undefined;

/** The five etcd services, loaded once per process. Each has `.service` (for a server) and is a client class. */
export function etcdServices(): EtcdServices {
  if (cached) return cached;
  const root = protoDir();
  const definition = protoLoader.loadSync(RPC_PROTO, { ...LOADER_OPTIONS, includeDirs: [root] });
  const pkg = grpc.loadPackageDefinition(definition).etcdserverpb as grpc.GrpcObject;
  const service = (name: keyof EtcdServices): grpc.ServiceClientConstructor => {
    const ctor = pkg[name];
    if (typeof ctor !== 'function') throw new Error(`service etcdserverpb.${name} missing from ${RPC_PROTO}`);
    return ctor as grpc.ServiceClientConstructor;
  };
  cached = {
    KV: service('KV'),
    Watch: service('Watch'),
    Lease: service('Lease'),
    Cluster: service('Cluster'),
    Maintenance: service('Maintenance'),
  };
  return cached;
}
