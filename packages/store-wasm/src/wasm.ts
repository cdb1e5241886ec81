// TEMPORARY: the WASM engine replaces this file.
import type { EngineOptions, MvccEngine } from './engine.js';

export function createWasmEngine(_opts: EngineOptions = {}): MvccEngine {
  throw new Error('the wasm engine is not built yet');
}
