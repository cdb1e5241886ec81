import { describe, expect, it } from 'vitest';
import { createCore } from './engine-factory.js';
import { isSchedulerError } from './errors.js';
import { createScheduler } from './framework/scheduler.js';

describe('createCore', () => {
  it.each(['wasm', 'ts'] as const)('builds the %s engine on request', (engine) => {
    expect(createCore({ engine }).kind).toBe(engine);
  });

  it('uses the wasm engine by default', () => {
    expect(createCore().kind).toBe('wasm');
    expect(createScheduler().core.kind).toBe('wasm');
  });

  it('rejects an unknown engine with EngineUnavailable', () => {
    let err: unknown;
    try {
      createCore({ engine: 'gpu' as never });
    } catch (e) {
      err = e;
    }
    expect(isSchedulerError(err, 'EngineUnavailable')).toBe(true);
  });
});
