import { ManualClock } from '@skiff/client';
import { describe, expect, it } from 'vitest';
import { SyncRunner } from './sync-runner.js';

/** Lets the runner's promise callbacks run (the clock fires timers synchronously, runs finish a tick later). */
const settle = () => new Promise<void>((r) => setImmediate(r));

interface Step {
  /** Advance the clock to this time... */
  at: number;
  /** ...then make these requests (delays in ms). */
  requests?: number[];
}

function harness(minIntervalMs: number, maxIntervalMs = 0) {
  const clock = new ManualClock(0);
  const starts: number[] = [];
  let release: (() => void) | undefined;
  let blocking = false;
  const runner = new SyncRunner(
    async () => {
      starts.push(clock.now());
      if (blocking) await new Promise<void>((r) => (release = r));
    },
    { minIntervalMs, maxIntervalMs, clock },
  );
  const play = async (steps: Step[]) => {
    for (const step of steps) {
      clock.advance(step.at - clock.now());
      await settle();
      for (const d of step.requests ?? []) runner.request(d);
    }
  };
  return {
    clock,
    runner,
    starts,
    play,
    block: () => (blocking = true),
    finish: () => {
      blocking = false;
      release?.();
    },
  };
}

describe('SyncRunner', () => {
  it.each<[string, number, Step[], number[]]>([
    ['runs a lone request at once', 1000, [{ at: 0, requests: [0] }, { at: 1 }], [0]],
    [
      'coalesces the requests made within the minimum interval into one run at its end',
      1000,
      [{ at: 0, requests: [0] }, { at: 10, requests: [0] }, { at: 500, requests: [0, 0, 0] }, { at: 1200, requests: [0] }, { at: 5000 }],
      [0, 1000, 2000],
    ],
    ['runs a burst made in one moment once', 0, [{ at: 0, requests: [0, 0, 0, 0] }, { at: 1 }], [0]],
    ['honours a request delay', 0, [{ at: 0, requests: [250] }, { at: 249 }, { at: 300 }], [250]],
    ['takes the earliest of two delays', 0, [{ at: 0, requests: [500, 100] }, { at: 1000 }], [100]],
  ])('%s', async (_name, min, steps, expected) => {
    const h = harness(min);
    await h.play(steps);
    expect(h.starts).toEqual(expected);
    await h.runner.stop();
  });

  it('runs periodically without requests when given a maximum interval', async () => {
    const h = harness(100, 1000);
    await h.play([{ at: 0, requests: [0] }, { at: 1000 }, { at: 2000 }, { at: 2500, requests: [0] }, { at: 3000 }]);
    expect(h.starts).toEqual([0, 1000, 2000, 2500]);
    await h.play([{ at: 3500 }]);
    expect(h.starts).toEqual([0, 1000, 2000, 2500, 3500]);
    await h.runner.stop();
  });

  it('never runs twice at once: requests made during a run give one run as soon as it ends', async () => {
    const h = harness(0);
    h.block();
    await h.play([{ at: 0, requests: [0] }, { at: 5, requests: [0, 0] }, { at: 50, requests: [0] }]);
    expect(h.starts).toEqual([0]);
    h.finish();
    await settle();
    await h.play([{ at: 60 }]);
    expect(h.starts).toEqual([0, 50]);
    await h.runner.stop();
  });

  it('reports a failing run and keeps serving requests', async () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    let calls = 0;
    const runner = new SyncRunner(
      async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
      { minIntervalMs: 0, clock, onError: (e) => errors.push(e) },
    );
    runner.request();
    clock.advance(0);
    await settle();
    runner.request();
    clock.advance(0);
    await settle();
    expect(calls).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    await runner.stop();
  });

  it('runs nothing after stop', async () => {
    const h = harness(0);
    h.runner.request(100);
    await h.runner.stop();
    h.runner.request();
    await h.play([{ at: 1000 }]);
    expect(h.starts).toEqual([]);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('rejects negative intervals', () => {
    expect(() => new SyncRunner(async () => {}, { minIntervalMs: -1 })).toThrow(RangeError);
  });
});
