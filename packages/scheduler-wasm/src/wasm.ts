import { readFileSync } from 'node:fs';
import { CallStatus } from './core/codes.js';
import { Core } from './core/core.js';
import type { Kernel, SchedulingCore } from './core/engine.js';
import type { MemoryHost } from './core/memory-host.js';
import { SchedulerError } from './errors.js';
import { CoreModel } from './model/core-model.js';

/** The module's exports (assembly/index.ts). */
interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  configure(desc: number): number;
  schedule(slot: number, profile: number, assume: number): number;
  batch(count: number, profile: number): number;
  filterOne(slot: number, profile: number, node: number): number;
  preempt(slot: number, profile: number, count: number, wanted: number): number;
}

let compiled: WebAssembly.Module | undefined;

function module(): WebAssembly.Module {
  if (!compiled) {
    const url = new URL('../build/scheduler.wasm', import.meta.url);
    let bytes: Buffer;
    try {
      bytes = readFileSync(url);
    } catch (e) {
      throw new SchedulerError('EngineUnavailable', `cannot read ${url.pathname} (run the package build): ${(e as Error).message}`);
    }
    compiled = new WebAssembly.Module(new Uint8Array(bytes));
  }
  return compiled;
}

/** Linear memory from the module's heap base up, grown in 64 KiB pages. */
class WasmMemory implements MemoryHost {
  readonly base: number;
  constructor(private readonly memory: WebAssembly.Memory, heapBase: number) {
    this.base = (heapBase + 15) & ~15;
  }
  get buffer(): ArrayBuffer {
    return this.memory.buffer as ArrayBuffer;
  }
  ensure(bytes: number): void {
    const need = this.base + bytes;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
  }
}

function check(status: number, call: string): void {
  if (status === CallStatus.Ok) return;
  const what = status === CallStatus.BadProfile ? 'profile index out of range' : status === CallStatus.BadNode ? 'node slot out of range' : `status ${status}`;
  throw new SchedulerError('CoreFailure', `${call}: ${what}`);
}

/** The only place the module is instantiated; everything else sees SchedulingCore. */
export function createWasmCore(): SchedulingCore {
  const instance = new WebAssembly.Instance(module(), {});
  const x = instance.exports as unknown as Exports;
  const model = new CoreModel(new WasmMemory(x.memory, x.heapBase() >>> 0));
  const table = model.table;
  const desc = table.layout.base;
  check(x.configure(desc), 'configure');
  table.onRelayout(() => check(x.configure(desc), 'configure'));
  const kernel: Kernel = {
    schedule: (slot, profile, assume) => check(x.schedule(slot, profile, assume ? 1 : 0), 'schedule'),
    batch: (count, profile) => check(x.batch(count, profile), 'batch'),
    preempt: (slot, profile, count, wanted) => check(x.preempt(slot, profile, count, wanted), 'preempt'),
    filterOne: (slot, profile, node) => {
      const r = x.filterOne(slot, profile, node);
      if (r < 0) check(-r, 'filterOne');
      return r;
    },
  };
  return new Core('wasm', model, kernel);
}
