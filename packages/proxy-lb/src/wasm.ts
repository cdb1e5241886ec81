// The only file that instantiates the WebAssembly core and converts values across the boundary. Everything
// else sees the LbCore interface, exactly as with the TypeScript engine.
import { readFileSync } from 'node:fs';
import {
  checkBudget, checkCount, checkExclude, checkId, checkNow, checkWeight, resolveBackend, resolveLimits, resolveService,
  resolveSettings,
} from './config.js';
import type {
  BackendConfig, BackendCounts, BatchBuffers, FlowKey, LbCore, LbCoreOptions, ServiceConfig, ServiceSettings,
} from './core.js';
import { errorFromStatus, LbError } from './errors.js';
import { BATCH_CAPACITY, EXCLUDE_CAPACITY } from './status.js';

interface Exports {
  memory: WebAssembly.Memory;
  init(maxServices: number, maxBackends: number, maxFlows: number): number;
  scratchInput(): number;
  scratchOutput(): number;
  scratchExclude(): number;
  batchCapacity(): number;
  excludeCapacity(): number;
  addService(sched: number, proto: number, tableSize: number, flowMs: number, affMs: number): number;
  configureService(svc: number, sched: number, tableSize: number, flowMs: number, affMs: number): number;
  removeService(svc: number): number;
  serviceProtocol(svc: number): number;
  addBackend(svc: number, id1: number, id2: number, weight: number): number;
  setWeight(b: number, w: number): number;
  setDraining(b: number, draining: number): number;
  removeBackend(b: number): number;
  backendService(b: number): number;
  prepareService(svc: number): number;
  tableLength(svc: number): number;
  tablePtr(svc: number): number;
  pick(svc: number, src: number, dst: number, nExcl: number): number;
  pickBatch(svc: number, n: number): number;
  benchPick(svc: number, n: number, seed: number): number;
  lookup(svc: number, lo: number, hi: number, src: number, dst: number, client: number, now: number, nExcl: number): number;
  lookupBatch(svc: number, n: number, now: number): number;
  release(svc: number, lo: number, hi: number): number;
  flowBackend(svc: number, lo: number, hi: number, now: number): number;
  sweep(now: number, budget: number): number;
  flowCount(): number;
  backendCount(b: number, which: number): number;
}

let compiled: WebAssembly.Module | undefined;

function wasmModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const url = new URL('../build/lb.wasm', import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(url);
  } catch (e) {
    throw new LbError('WasmUnavailable', `${url.pathname} is missing; run the package build`, { cause: e });
  }
  compiled = new WebAssembly.Module(bytes);
  return compiled;
}

/** A status from the core: values (>= 0, NO_BACKEND, TABLE_FULL) pass, the rest become errors. */
function ok(status: number, what: string): number {
  if (status < 0) throw errorFromStatus(status, what);
  return status;
}

export class WasmCore implements LbCore {
  readonly engine = 'wasm' as const;
  private readonly x: Exports;
  private broken: LbError | undefined;
  private mem: ArrayBuffer;
  private u32!: Uint32Array;
  private views!: { pickInput: Uint32Array; lookupInput: Uint32Array; output: Int32Array; exclude: Int32Array };

  constructor(opts: LbCoreOptions = {}) {
    const limits = resolveLimits(opts);
    const instance = new WebAssembly.Instance(wasmModule(), {
      env: {
        abort: () => {
          // TLSF aborts when memory cannot grow; the core's state is then half-updated, so stop using it.
          this.broken = new LbError('OutOfMemory', 'the core can no longer be used');
          throw this.broken;
        },
      },
    });
    this.x = instance.exports as unknown as Exports;
    ok(this.x.init(limits.maxServices, limits.maxBackends, limits.maxFlows), 'init');
    if (this.x.batchCapacity() !== BATCH_CAPACITY || this.x.excludeCapacity() !== EXCLUDE_CAPACITY) {
      throw new LbError('WasmUnavailable', 'build/lb.wasm does not match this version of the package');
    }
    this.mem = this.x.memory.buffer;
    this.remap();
  }

  /** Typed-array views detach when memory grows: re-create them whenever the buffer changed. */
  private remap(): void {
    const buf = (this.mem = this.x.memory.buffer);
    this.u32 = new Uint32Array(buf);
    this.views = {
      pickInput: new Uint32Array(buf, this.x.scratchInput(), BATCH_CAPACITY * 2),
      lookupInput: new Uint32Array(buf, this.x.scratchInput(), BATCH_CAPACITY * 5),
      output: new Int32Array(buf, this.x.scratchOutput(), BATCH_CAPACITY),
      exclude: new Int32Array(buf, this.x.scratchExclude(), EXCLUDE_CAPACITY),
    };
  }

  private fresh(): void {
    if (this.broken) throw this.broken;
    if (this.x.memory.buffer !== this.mem) this.remap();
  }

  private writeExclude(exclude: ArrayLike<number> | undefined): number {
    const n = checkExclude(exclude);
    if (n > 0) {
      this.fresh();
      this.views.exclude.set(exclude!);
    }
    return n;
  }

  addService(config: ServiceConfig): number {
    const c = resolveService(config);
    this.fresh();
    return ok(this.x.addService(c.sched, c.proto, c.tableSize, c.flowTimeoutMs, c.affinityTimeoutMs), 'addService');
  }

  configureService(service: number, settings: ServiceSettings): void {
    this.fresh();
    const proto = ok(this.x.serviceProtocol(checkId('service', service)), `service ${service}`);
    const c = resolveSettings(settings, proto);
    ok(this.x.configureService(service, c.sched, c.tableSize, c.flowTimeoutMs, c.affinityTimeoutMs), `service ${service}`);
  }

  removeService(service: number): void {
    this.fresh();
    ok(this.x.removeService(checkId('service', service)), `service ${service}`);
  }

  addBackend(service: number, config: BackendConfig): number {
    const c = resolveBackend(config);
    this.fresh();
    return ok(this.x.addBackend(checkId('service', service), c.id1, c.id2, c.weight), `service ${service}`);
  }

  setWeight(backend: number, weight: number): void {
    this.fresh();
    ok(this.x.setWeight(checkId('backend', backend), checkWeight(weight)), `backend ${backend}`);
  }

  setDraining(backend: number, draining: boolean): void {
    this.fresh();
    ok(this.x.setDraining(checkId('backend', backend), draining ? 1 : 0), `backend ${backend}`);
  }

  removeBackend(backend: number): void {
    this.fresh();
    ok(this.x.removeBackend(checkId('backend', backend)), `backend ${backend}`);
  }

  serviceOf(backend: number): number {
    this.fresh();
    return ok(this.x.backendService(checkId('backend', backend)), `backend ${backend}`);
  }

  prepare(service: number): void {
    this.fresh();
    ok(this.x.prepareService(checkId('service', service)), `service ${service}`);
  }

  table(service: number): Int32Array {
    this.fresh();
    const len = ok(this.x.tableLength(checkId('service', service)), `service ${service}`);
    this.fresh();
    const ptr = this.x.tablePtr(service);
    return new Int32Array(this.u32.buffer, ptr, len).slice();
  }

  pick(service: number, srcHash: number, dstHash: number, exclude?: ArrayLike<number>): number {
    // The single-call paths touch no views unless there are exclusions: no memory check per call.
    if (this.broken) throw this.broken;
    const n = exclude === undefined ? 0 : this.writeExclude(exclude);
    const r = this.x.pick(checkId('service', service), srcHash, dstHash, n);
    return r >= -2 ? r : ok(r, `service ${service}`);
  }

  pickBatch(service: number, input: Uint32Array, output: Int32Array, count: number): void {
    checkCount('pickBatch', count, { length: input.length, stride: 2 }, { length: output.length, stride: 1 });
    this.fresh();
    // Builds the tables first, so that any memory growth happens before the batch and not inside it.
    ok(this.x.prepareService(checkId('service', service)), `service ${service}`);
    this.fresh();
    // Zero-copy when the caller wrote into our own scratch view (batchBuffers()).
    const inPlace = input.buffer === this.views.pickInput.buffer && input.byteOffset === this.views.pickInput.byteOffset;
    for (let done = 0; done < count; done += BATCH_CAPACITY) {
      const k = Math.min(BATCH_CAPACITY, count - done);
      if (!inPlace) this.views.pickInput.set(input.subarray(done * 2, (done + k) * 2));
      this.x.pickBatch(service, k);
      output.set(this.views.output.subarray(0, k), done);
    }
  }

  lookup(service: number, flow: FlowKey, nowMs: number, exclude?: ArrayLike<number>): number {
    if (this.broken) throw this.broken;
    checkNow(nowMs);
    const n = exclude === undefined ? 0 : this.writeExclude(exclude);
    const r = this.x.lookup(checkId('service', service), flow.keyLo, flow.keyHi, flow.srcHash, flow.dstHash, flow.client, nowMs, n);
    return r >= -2 ? r : ok(r, `service ${service}`);
  }

  lookupBatch(service: number, input: Uint32Array, output: Int32Array, count: number, nowMs: number): void {
    checkCount('lookupBatch', count, { length: input.length, stride: 5 }, { length: output.length, stride: 1 });
    checkNow(nowMs);
    this.fresh();
    ok(this.x.serviceProtocol(checkId('service', service)), `service ${service}`);
    const inPlace = input.buffer === this.views.lookupInput.buffer && input.byteOffset === this.views.lookupInput.byteOffset;
    for (let done = 0; done < count; done += BATCH_CAPACITY) {
      const k = Math.min(BATCH_CAPACITY, count - done);
      if (!inPlace) this.views.lookupInput.set(input.subarray(done * 5, (done + k) * 5));
      this.x.lookupBatch(service, k, nowMs);
      // Lookups may grow the connection table, and with it memory.
      this.fresh();
      output.set(this.views.output.subarray(0, k), done);
    }
  }

  release(service: number, flow: FlowKey): boolean {
    this.fresh();
    return ok(this.x.release(checkId('service', service), flow.keyLo, flow.keyHi), `service ${service}`) === 1;
  }

  flowBackend(service: number, flow: FlowKey, nowMs: number): number {
    checkNow(nowMs);
    this.fresh();
    const r = this.x.flowBackend(checkId('service', service), flow.keyLo, flow.keyHi, nowMs);
    return r >= -1 ? r : ok(r, `service ${service}`);
  }

  sweep(nowMs: number, budget: number): number {
    checkNow(nowMs);
    checkBudget(budget);
    this.fresh();
    return this.x.sweep(nowMs, budget);
  }

  flowCount(): number {
    this.fresh();
    return this.x.flowCount();
  }

  backendCounts(backend: number): BackendCounts {
    this.fresh();
    return {
      active: ok(this.x.backendCount(checkId('backend', backend), 0), `backend ${backend}`),
      inactive: this.x.backendCount(backend, 1),
      persistent: this.x.backendCount(backend, 2),
    };
  }

  batchBuffers(): BatchBuffers {
    this.fresh();
    return { pickInput: this.views.pickInput, lookupInput: this.views.lookupInput, capacity: BATCH_CAPACITY };
  }

  /** The kernel alone (no boundary crossing per batch): `n` hashed picks, for benchmarks. */
  benchKernel(service: number, n: number, seed: number): number {
    this.fresh();
    return this.x.benchPick(service, n, seed);
  }
}

export function createWasmCore(opts: LbCoreOptions = {}): WasmCore {
  return new WasmCore(opts);
}
