// Builders shared by the core's tests and benchmarks: both engines, services with given weights, and
// deterministic pseudo-random hashes and flows.
import type { EngineKind, FlowKey, LbCore, Protocol, SchedulerName, ServiceSettings } from '../src/core.js';
import { createLbCore } from '../src/engine-factory.js';
import { backendIdentity, mix32 } from '../src/hash.js';

export const engines: EngineKind[] = ['wasm', 'ts'];

export interface BuiltService {
  svc: number;
  backends: number[];
}

/** A service with one backend per weight, identities from 10.0.<i/256>.<i%256>:8080 unless given. */
export function serviceWith(
  core: LbCore,
  scheduler: SchedulerName,
  weights: number[],
  opts: Partial<ServiceSettings> & { protocol?: Protocol; ids?: { id1: number; id2: number }[] } = {},
): BuiltService {
  const svc = core.addService({ scheduler, protocol: opts.protocol ?? 'tcp', ...opts });
  const backends = weights.map((weight, i) => {
    const id = opts.ids?.[i] ?? backendIdentity(`10.0.${i >> 8}.${i & 255}`, 8080);
    return core.addBackend(svc, { ...id, weight });
  });
  return { svc, backends };
}

export function coreFor(engine: EngineKind, maxFlows?: number): LbCore {
  return createLbCore({ engine, maxFlows });
}

/** n uniform 32-bit hashes from a seed (xorshift + murmur finalizer). */
export function hashes(n: number, seed = 1): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = mix32(x);
  }
  return out;
}

/** Flow i of a family: distinct keys, client = i / clientsShare (so clients can own several flows). */
export function flow(i: number, clientsShare = 1, seed = 7): FlowKey {
  const client = mix32(Math.floor(i / clientsShare) ^ Math.imul(seed, 0x9e3779b1));
  return {
    keyLo: mix32(i * 2 + 1 + seed),
    keyHi: mix32(i * 2 + 2 + seed * 31),
    srcHash: mix32(i ^ 0x5bd1e995),
    dstHash: 0x12345678,
    client,
  };
}

/** How many table entries each backend holds. */
export function slotCounts(table: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const b of table) m.set(b, (m.get(b) ?? 0) + 1);
  return m;
}
