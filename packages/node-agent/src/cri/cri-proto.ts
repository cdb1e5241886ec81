import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * Decoding options every CRI codec here relies on (see cri-types.ts): lowerCamelCase names, enums by name, int64 as
 * JS numbers, zero values for absent scalars/lists/maps and `null` for absent sub-messages.
 */
export const CRI_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

const API_PROTO = join('runtime', 'v1', 'api.proto');

/** proto/ ships beside src/ and dist/; this module runs from src/cri (tests) or a dist chunk, so search upward. */
export function criProtoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, API_PROTO))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`CRI .proto not found above ${fileURLToPath(import.meta.url)}: expected proto/${API_PROTO}`);
}

export interface CriServiceConstructors {
  RuntimeService: grpc.ServiceClientConstructor;
  ImageService: grpc.ServiceClientConstructor;
}

let cached: CriServiceConstructors | undefined;

/** Both services of runtime.v1, loaded once per process; each has `.service` (for a server) and is a client class. */
export function criServices(): CriServiceConstructors {
  if (cached) return cached;
  const definition = protoLoader.loadSync(API_PROTO, { ...CRI_LOADER_OPTIONS, includeDirs: [criProtoDir()] });
  const pkg = (grpc.loadPackageDefinition(definition).runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
  cached = {
    RuntimeService: pkg.RuntimeService as grpc.ServiceClientConstructor,
    ImageService: pkg.ImageService as grpc.ServiceClientConstructor,
  };
  return cached;
}
