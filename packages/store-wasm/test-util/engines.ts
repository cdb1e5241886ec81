import { createEngine } from '../src/engine-factory.js';
import type { EngineKind } from '../src/engine.js';

/**
 * The engines that can run here. The wasm engine needs its module built (`pnpm build`); when it cannot start, tests
 * parametrized over engines report it as skipped with the reason, never silently.
 */
export function engineAvailability(): { kind: EngineKind; available: boolean; reason?: string }[] {
  return (['wasm', 'ts'] as const).map((kind) => {
    try {
      createEngine(kind).close();
      return { kind, available: true };
    } catch (e) {
      return { kind, available: false, reason: (e as Error).message };
    }
  });
}
