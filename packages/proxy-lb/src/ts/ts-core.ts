// The pure-TypeScript engine. Same results as the WASM engine for every call (the property tests check it).
import {
  checkBudget, checkCount, checkExclude, checkId, checkNow, checkWeight, resolveBackend, resolveLimits, resolveService,
  resolveSettings,
} from '../config.js';
import type {
  BackendConfig, BackendCounts, BatchBuffers, FlowKey, LbCore, LbCoreOptions, ServiceConfig, ServiceSettings,
} from '../core.js';
import { errorFromStatus } from '../errors.js';
import { BATCH_CAPACITY } from '../status.js';
import { TsConntrack } from './conntrack.js';
import { B_ACTIVE, B_INACTIVE, B_PERSIST, B_SVC, BK_INTS, S_PROTO, S_TABLE_LEN, SVC_INTS, TsRegistry } from './registry.js';
import { TsScheduler } from './schedule.js';
import { TsTables } from './tables.js';

const NONE = new Int32Array(0);

function ok(status: number, what: string): number {
  if (status < 0) throw errorFromStatus(status, what);
  return status;
}

export class TsCore implements LbCore {
  readonly engine = 'ts' as const;
  private readonly reg: TsRegistry;
  private readonly tables: TsTables;
  private readonly sched: TsScheduler;
  private readonly ct: TsConntrack;
  private readonly buffers: BatchBuffers = {
    pickInput: new Uint32Array(BATCH_CAPACITY * 2),
    lookupInput: new Uint32Array(BATCH_CAPACITY * 5),
    capacity: BATCH_CAPACITY,
  };

  constructor(opts: LbCoreOptions = {}) {
    const limits = resolveLimits(opts);
    this.reg = new TsRegistry(limits.maxServices, limits.maxBackends);
    this.tables = new TsTables(this.reg);
    this.sched = new TsScheduler(this.reg, this.tables);
    this.ct = new TsConntrack(this.reg, this.sched, limits.maxFlows);
  }

  private live(service: number): void {
    if (!this.reg.serviceLive(checkId('service', service))) throw errorFromStatus(-10, `service ${service}`);
  }

  private backend(b: number): number {
    return checkId('backend', b);
  }

  addService(config: ServiceConfig): number {
    const c = resolveService(config);
    return ok(this.reg.addService(c.sched, c.proto, c.tableSize, c.flowTimeoutMs, c.affinityTimeoutMs), 'addService');
  }

  configureService(service: number, settings: ServiceSettings): void {
    this.live(service);
    const c = resolveSettings(settings, this.reg.svc[service * SVC_INTS + S_PROTO]);
    ok(this.reg.configureService(service, c.sched, c.tableSize, c.flowTimeoutMs, c.affinityTimeoutMs), `service ${service}`);
  }

  removeService(service: number): void {
    this.live(service);
    ok(this.reg.removeService(service), `service ${service}`);
  }

  addBackend(service: number, config: BackendConfig): number {
    const c = resolveBackend(config);
    this.live(service);
    return ok(this.reg.addBackend(service, c.id1, c.id2, c.weight), `service ${service}`);
  }

  setWeight(backend: number, weight: number): void {
    ok(this.reg.setWeight(this.backend(backend), checkWeight(weight)), `backend ${backend}`);
  }

  setDraining(backend: number, draining: boolean): void {
    ok(this.reg.setDraining(this.backend(backend), draining), `backend ${backend}`);
  }

  removeBackend(backend: number): void {
    ok(this.reg.removeBackend(this.backend(backend)), `backend ${backend}`);
  }

  serviceOf(backend: number): number {
    if (!this.reg.backendLive(this.backend(backend))) throw errorFromStatus(-11, `backend ${backend}`);
    return this.reg.bk[backend * BK_INTS + B_SVC];
  }

  prepare(service: number): void {
    this.live(service);
    this.tables.prepare(service);
  }

  table(service: number): Int32Array {
    this.prepare(service);
    return this.reg.tables[service].slice(0, this.reg.svc[service * SVC_INTS + S_TABLE_LEN]);
  }

  pick(service: number, srcHash: number, dstHash: number, exclude?: ArrayLike<number>): number {
    this.live(service);
    checkExclude(exclude);
    return this.sched.schedule(service, srcHash >>> 0, dstHash >>> 0, exclude ?? NONE);
  }

  pickBatch(service: number, input: Uint32Array, output: Int32Array, count: number): void {
    this.live(service);
    checkCount('pickBatch', count, { length: input.length, stride: 2 }, { length: output.length, stride: 1 });
    this.sched.scheduleBatch(service, input, output, count);
  }

  lookup(service: number, flow: FlowKey, nowMs: number, exclude?: ArrayLike<number>): number {
    this.live(service);
    checkNow(nowMs);
    checkExclude(exclude);
    return this.ct.lookup(
      service, flow.keyLo >>> 0, flow.keyHi >>> 0, flow.srcHash >>> 0, flow.dstHash >>> 0, flow.client >>> 0, nowMs,
      exclude ?? NONE,
    );
  }

  lookupBatch(service: number, input: Uint32Array, output: Int32Array, count: number, nowMs: number): void {
    this.live(service);
    checkCount('lookupBatch', count, { length: input.length, stride: 5 }, { length: output.length, stride: 1 });
    checkNow(nowMs);
    for (let i = 0; i < count; i++) {
      const p = i * 5;
      output[i] = this.ct.lookup(service, input[p], input[p + 1], input[p + 2], input[p + 3], input[p + 4], nowMs, NONE);
    }
  }

  release(service: number, flow: FlowKey): boolean {
    this.live(service);
    return this.ct.release(service, flow.keyLo >>> 0, flow.keyHi >>> 0);
  }

  flowBackend(service: number, flow: FlowKey, nowMs: number): number {
    this.live(service);
    checkNow(nowMs);
    return this.ct.flowBackend(service, flow.keyLo >>> 0, flow.keyHi >>> 0, nowMs);
  }

  sweep(nowMs: number, budget: number): number {
    checkNow(nowMs);
    checkBudget(budget);
    return this.ct.sweep(nowMs, budget);
  }

  flowCount(): number {
    return this.ct.count;
  }

  backendCounts(backend: number): BackendCounts {
    if (!this.reg.backendLive(this.backend(backend))) throw errorFromStatus(-11, `backend ${backend}`);
    const o = backend * BK_INTS;
    const bk = this.reg.bk;
    return { active: bk[o + B_ACTIVE], inactive: bk[o + B_INACTIVE], persistent: bk[o + B_PERSIST] };
  }

  batchBuffers(): BatchBuffers {
    return this.buffers;
  }
}

