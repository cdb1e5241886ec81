// Validation and defaults shared by both engines, so a bad argument fails the same way whichever runs.
import type { BackendConfig, LbCoreOptions, Protocol, ServiceConfig, ServiceSettings } from './core.js';
import { LbError } from './errors.js';
import { EXCLUDE_CAPACITY, MAX_FLOWS_LIMIT, PROTO_TCP, PROTO_UDP, schedulerCodes } from './status.js';

export const DEFAULT_MAGLEV_TABLE_SIZE = 65537;
export const MAX_MAGLEV_TABLE_SIZE = 1_048_573;
export const DEFAULT_UDP_FLOW_TIMEOUT_MS = 300_000;
export const MAX_WEIGHT = 65535;

/** A service's settings as the engines store them. */
export interface ResolvedSettings {
  sched: number;
  tableSize: number;
  flowTimeoutMs: number;
  affinityTimeoutMs: number;
}

export interface ResolvedLimits {
  maxServices: number;
  maxBackends: number;
  maxFlows: number;
}

export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

function nonNegative(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new LbError('InvalidArgument', `${name} must be a finite number >= 0, got ${String(v)}`);
  }
  return v;
}

function intInRange(name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new LbError('InvalidArgument', `${name} must be an integer from ${lo} to ${hi}, got ${String(v)}`);
  }
  return v;
}

export function protocolCode(p: Protocol): number {
  if (p === 'tcp') return PROTO_TCP;
  if (p === 'udp') return PROTO_UDP;
  throw new LbError('InvalidArgument', `protocol must be "tcp" or "udp", got ${String(p)}`);
}

export function resolveSettings(s: ServiceSettings, protocol: number): ResolvedSettings {
  if (s === null || typeof s !== 'object') throw new LbError('InvalidArgument', 'service settings must be an object');
  const sched = (schedulerCodes as Record<string, number>)[s.scheduler as string];
  if (sched === undefined || !Object.hasOwn(schedulerCodes, s.scheduler)) {
    throw new LbError('InvalidArgument', `scheduler must be one of ${Object.keys(schedulerCodes).join(', ')}, got ${String(s.scheduler)}`);
  }
  const tableSize = s.maglevTableSize ?? DEFAULT_MAGLEV_TABLE_SIZE;
  if (!isPrime(tableSize) || tableSize < 3 || tableSize > MAX_MAGLEV_TABLE_SIZE) {
    throw new LbError('InvalidArgument', `maglevTableSize must be a prime from 3 to ${MAX_MAGLEV_TABLE_SIZE}, got ${String(tableSize)}`);
  }
  const defaultFlow = protocol === PROTO_UDP ? DEFAULT_UDP_FLOW_TIMEOUT_MS : 0;
  return {
    sched,
    tableSize,
    flowTimeoutMs: nonNegative('flowTimeoutMs', s.flowTimeoutMs, defaultFlow),
    affinityTimeoutMs: nonNegative('affinityTimeoutMs', s.affinityTimeoutMs, 0),
  };
}

export function resolveService(c: ServiceConfig): ResolvedSettings & { proto: number } {
  if (c === null || typeof c !== 'object') throw new LbError('InvalidArgument', 'service config must be an object');
  const proto = protocolCode(c.protocol);
  return { ...resolveSettings(c, proto), proto };
}

export function checkWeight(w: unknown): number {
  return intInRange('weight', w, 0, MAX_WEIGHT);
}

export function resolveBackend(c: BackendConfig): { id1: number; id2: number; weight: number } {
  if (c === null || typeof c !== 'object') throw new LbError('InvalidArgument', 'backend config must be an object');
  return {
    id1: intInRange('id1', c.id1, 0, 0xffffffff),
    id2: intInRange('id2', c.id2, 0, 0xffffffff),
    weight: checkWeight(c.weight ?? 1),
  };
}

export function resolveLimits(o: LbCoreOptions): ResolvedLimits {
  return {
    maxServices: intInRange('maxServices', o.maxServices ?? 65536, 1, 1 << 24),
    maxBackends: intInRange('maxBackends', o.maxBackends ?? 1 << 20, 1, 1 << 24),
    maxFlows: intInRange('maxFlows', o.maxFlows ?? 1 << 20, 1, MAX_FLOWS_LIMIT),
  };
}

export function checkExclude(ex: ArrayLike<number> | undefined): number {
  const n = ex?.length ?? 0;
  if (n > EXCLUDE_CAPACITY) throw new LbError('InvalidArgument', `at most ${EXCLUDE_CAPACITY} backends can be excluded, got ${n}`);
  for (let i = 0; i < n; i++) {
    if ((ex![i] | 0) !== ex![i]) throw new LbError('InvalidArgument', `excluded backend ${String(ex![i])} is not a slot`);
  }
  return n;
}

export function checkCount(name: string, count: number, ...buffers: { length: number; stride: number }[]): void {
  if (!Number.isInteger(count) || count < 0) throw new LbError('InvalidArgument', `${name} count must be an integer >= 0`);
  for (const b of buffers) {
    if (b.length < count * b.stride) throw new LbError('InvalidArgument', `${name} buffer too short for ${count} flows`);
  }
}

export function checkNow(nowMs: number): void {
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new LbError('InvalidArgument', `nowMs must be a finite number`);
}

export function checkBudget(budget: number): void {
  if (!Number.isInteger(budget) || budget < 0) throw new LbError('InvalidArgument', 'sweep budget must be an integer >= 0');
}

/** Ids are non-negative int32 values; anything else names no service or backend. */
export function checkId(kind: 'service' | 'backend', id: number): number {
  if (typeof id !== 'number' || (id | 0) !== id || id < 0) {
    throw new LbError(kind === 'service' ? 'UnknownService' : 'UnknownBackend', `${kind} ${String(id)}`);
  }
  return id;
}
