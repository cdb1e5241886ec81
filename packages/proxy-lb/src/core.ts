// The contract both engines implement (ts/ts-core.ts and wasm.ts). Everything above the engines (the proxy,
// the benchmarks, the property tests) sees only this.

export type EngineKind = 'wasm' | 'ts';
export type SchedulerName = 'rr' | 'wrr' | 'lc' | 'wlc' | 'sh' | 'dh' | 'mh';
export type Protocol = 'tcp' | 'udp';

export const schedulerNames: readonly SchedulerName[] = ['rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'mh'];

/** How a virtual service picks backends and how long its connection-table entries live. */
export interface ServiceSettings {
  scheduler: SchedulerName;
  /** mh only: the Maglev table size, a prime from 3 to 1,048,573. Default 65537. */
  maglevTableSize?: number;
  /**
   * Idle time after which a tracked flow is forgotten, in ms. 0 means never: the flow lives until release().
   * Default: 0 for TCP (the proxy releases on close), 300,000 for UDP (IPVS's UDP timeout).
   */
  flowTimeoutMs?: number;
  /** ClientIP session affinity: a client keeps its backend while it opens a new flow within this many ms. 0 = off. */
  affinityTimeoutMs?: number;
}

export interface ServiceConfig extends ServiceSettings {
  /** Fixed for the service's life: TCP flows count as active connections, UDP flows as inactive ones. */
  protocol: Protocol;
}

export interface BackendConfig {
  /** Two independent 32-bit hashes of the backend's identity (backendIdentity() in hash.ts). */
  id1: number;
  id2: number;
  /** 0 to 65535; 0 quiesces the backend (no new flows), as in IPVS. Default 1. */
  weight?: number;
}

/**
 * One flow as the core sees it, all unsigned 32-bit integers. Reuse one object per caller: the engines read
 * it and keep nothing.
 */
export interface FlowKey {
  /** 64-bit hash of protocol and 5-tuple: the connection-table key. */
  keyLo: number;
  keyHi: number;
  /** What sh and mh hash: the client address, with its port when the service hashes ports. */
  srcHash: number;
  /** What dh hashes: the destination address. */
  dstHash: number;
  /** The client address alone: the session-affinity key. */
  client: number;
}

export interface BackendCounts {
  /** TCP flows tracked to this backend. */
  active: number;
  /** UDP flows tracked to this backend. */
  inactive: number;
  /** Session-affinity entries naming this backend. */
  persistent: number;
}

export interface LbCoreOptions {
  engine?: EngineKind;
  /** Most virtual services at once. Default 65,536. */
  maxServices?: number;
  /** Most backends across all services. Default 1,048,576. */
  maxBackends?: number;
  /** Most connection-table entries (flows plus affinity entries), at most 2^24. Default 1,048,576. */
  maxFlows?: number;
}

/**
 * The load-balancing core. Ids are small integers ("slots") reused after removal; a removed backend's slot can
 * come back as another backend, and entries naming the old one are never confused with it.
 * Results of pick/lookup: a backend slot (>= 0), NO_BACKEND or TABLE_FULL (status.ts).
 * Unknown ids and invalid arguments throw LbError.
 */
export interface LbCore {
  readonly engine: EngineKind;

  addService(config: ServiceConfig): number;
  /** Changes scheduler and timeouts; tracked flows keep their backends. */
  configureService(service: number, settings: ServiceSettings): void;
  /** Removes the service and its backends; its tracked flows become stale. */
  removeService(service: number): void;

  addBackend(service: number, config: BackendConfig): number;
  setWeight(backend: number, weight: number): void;
  /** A draining backend takes no new flows; flows tracked to it keep it. */
  setDraining(backend: number, draining: boolean): void;
  /** Removes the backend; flows tracked to it get a new backend on their next lookup. */
  removeBackend(backend: number): void;
  /** The service a backend belongs to. */
  serviceOf(backend: number): number;

  /** Builds the service's tables now instead of at the next pick (they are rebuilt lazily after changes). */
  prepare(service: number): void;
  /** A copy of the service's sh/dh/mh table: backend slot per table entry (empty for other schedulers). */
  table(service: number): Int32Array;

  /** The scheduler's choice for a new flow, without tracking it. rr/wrr advance; lc/wlc read current counts. */
  pick(service: number, srcHash: number, dstHash: number, exclude?: ArrayLike<number>): number;
  /** `count` picks: input holds (srcHash, dstHash) pairs, output gets one result each. */
  pickBatch(service: number, input: Uint32Array, output: Int32Array, count: number): void;

  /** The flow's tracked backend, or a new choice (honouring affinity) that is then tracked. */
  lookup(service: number, flow: FlowKey, nowMs: number, exclude?: ArrayLike<number>): number;
  /** `count` lookups: input holds records of 5 words (keyLo, keyHi, srcHash, dstHash, client). */
  lookupBatch(service: number, input: Uint32Array, output: Int32Array, count: number, nowMs: number): void;
  /** Forgets a flow; true when it was tracked. */
  release(service: number, flow: FlowKey): boolean;
  /** The flow's tracked backend if still valid and not idle past its timeout, else NO_BACKEND. Changes nothing. */
  flowBackend(service: number, flow: FlowKey, nowMs: number): number;
  /** Drops stale and idle entries among the next `budget` table slots; returns how many were dropped. */
  sweep(nowMs: number, budget: number): number;
  flowCount(): number;
  backendCounts(backend: number): BackendCounts;

  /**
   * Input buffers sized for one batch call. With the wasm engine they are views of its memory, so a batch
   * written into them crosses no copy; memory can move on any call, so fetch them again before each batch.
   */
  batchBuffers(): BatchBuffers;
}

export interface BatchBuffers {
  /** capacity x (srcHash, dstHash). */
  pickInput: Uint32Array;
  /** capacity x (keyLo, keyHi, srcHash, dstHash, client). */
  lookupInput: Uint32Array;
  capacity: number;
}
