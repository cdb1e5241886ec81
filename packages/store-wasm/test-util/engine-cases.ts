import type { EngineOptions, MvccEngine } from '../src/engine.js';
import { createEngine } from '../src/engine-factory.js';
import { engineAvailability } from './engines.js';
import { ReferenceModel } from './reference-model.js';

/**
 * The engines the semantics tests hold to etcd's behaviour: the TS twin, the reference model (so the oracle is
 * checked against etcd too, not only against the engines), and the wasm engine when it can start here.
 */
export interface EngineCase {
  name: string;
  make: (opts?: EngineOptions) => MvccEngine;
  /** Why this engine cannot run here; tests skip with it. */
  unavailable?: string;
}

export function engineCases(): EngineCase[] {
  const wasm = engineAvailability().find((a) => a.kind === 'wasm');
  return [
    { name: 'ts', make: (opts) => createEngine('ts', opts) },
    { name: 'reference model', make: (opts) => new ReferenceModel(opts) },
    {
      name: 'wasm',
      make: (opts) => createEngine('wasm', opts),
      ...(wasm?.available ? {} : { unavailable: `the wasm engine is not available here: ${wasm?.reason ?? 'not probed'}` }),
    },
  ];
}
