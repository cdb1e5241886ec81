import type { EngineKind, EngineOptions, MvccEngine } from './engine.js';
import { TsEngine } from './ts/ts-engine.js';
import { createWasmEngine } from './wasm.js';

/** The in-memory MVCC core, WASM by default. Both engines give identical results. */
export function createEngine(kind: EngineKind = 'wasm', opts: EngineOptions = {}): MvccEngine {
  if (kind === 'ts') return new TsEngine(opts);
  if (kind === 'wasm') return createWasmEngine(opts);
  throw new TypeError(`unknown engine "${String(kind)}": expected "wasm" or "ts"`);
}
