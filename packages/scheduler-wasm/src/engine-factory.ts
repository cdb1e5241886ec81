import { Core } from './core/core.js';
import type { EngineOptions, SchedulingCore } from './core/engine.js';
import { HeapMemory } from './core/memory-host.js';
import { SchedulerError } from './errors.js';
import { CoreModel } from './model/core-model.js';
import { TsKernel } from './ts/ts-kernel.js';
import { createWasmCore } from './wasm.js';

/** A scheduling core with the chosen kernel, WASM by default. Both give identical decisions. */
export function createCore(opts: EngineOptions = {}): SchedulingCore {
  const kind = opts.engine ?? 'wasm';
  if (kind === 'wasm') return createWasmCore();
  if (kind === 'ts') {
    const model = new CoreModel(new HeapMemory());
    return new Core('ts', model, new TsKernel(model.table));
  }
  throw new SchedulerError('EngineUnavailable', `unknown engine "${String(kind)}": expected "wasm" or "ts"`);
}
