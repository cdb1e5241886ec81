import type { LbCore, LbCoreOptions } from './core.js';
import { LbError } from './errors.js';
import { TsCore } from './ts/ts-core.js';
import { WasmCore } from './wasm.js';

/** The load-balancing core, WASM by default. Both engines give identical results. */
export function createLbCore(opts: LbCoreOptions = {}): LbCore {
  const engine = opts.engine ?? 'wasm';
  if (engine === 'wasm') return new WasmCore(opts);
  if (engine === 'ts') return new TsCore(opts);
  throw new LbError('InvalidArgument', `engine must be "wasm" or "ts", got ${String(engine)}`);
}
