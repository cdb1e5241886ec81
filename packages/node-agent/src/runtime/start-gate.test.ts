import { describe, expect, it } from 'vitest';
import { StartGate, type StartStage } from './start-gate.js';

/** A piece of work the test finishes by hand, recording when it began. */
function manual(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return {
    work: async () => {
      log.push(`begin ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('StartGate', () => {
  it('runs at most `parallel` operations at once', async () => {
    const gate = new StartGate(2);
    const log: string[] = [];
    const ops = ['a', 'b', 'c'].map((n) => manual(log, n));
    const results = ops.map((op) => gate.run('run-sandbox', op.work));
    await tick();
    expect(log).toEqual(['begin a', 'begin b']);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
    ops[0]!.finish();
    await tick();
    expect(log).toEqual(['begin a', 'begin b', 'end a', 'begin c']);
    ops[1]!.finish();
    ops[2]!.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('finishes pods already begun before beginning new ones: start, then create, then sandbox', async () => {
    const gate = new StartGate(1);
    const log: string[] = [];
    const first = manual(log, 'sandbox-1');
    const queued: Array<[StartStage, ReturnType<typeof manual>]> = [
      ['run-sandbox', manual(log, 'sandbox-2')],
      ['create-container', manual(log, 'create-1')],
      ['start-container', manual(log, 'start-0')],
      ['run-sandbox', manual(log, 'sandbox-3')],
    ];
    const all = [gate.run('run-sandbox', first.work), ...queued.map(([stage, op]) => gate.run(stage, op.work))];
    await tick();
    first.finish();
    for (const [, op] of queued) op.finish();
    await Promise.all(all);
    expect(log.filter((l) => l.startsWith('begin'))).toEqual(['begin sandbox-1', 'begin start-0', 'begin create-1', 'begin sandbox-2', 'begin sandbox-3']);
  });

  it('frees the slot when an operation fails', async () => {
    const gate = new StartGate(1);
    await expect(gate.run('create-container', async () => Promise.reject(new Error('no image')))).rejects.toThrow('no image');
    expect(await gate.run('create-container', async () => 'next')).toBe('next');
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('lets an operation that overruns its hold time go on uncounted, so others start', async () => {
    const gate = new StartGate(1, 20);
    const log: string[] = [];
    const stuck = manual(log, 'stuck');
    const stuckRun = gate.run('run-sandbox', stuck.work);
    const next = gate.run('run-sandbox', async () => 'next');
    expect(await next).toBe('next');
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
    stuck.finish();
    expect(await stuckRun).toBe('stuck');
    // The late finish must not free a slot a second time.
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses a bound that is not a whole number of at least 1', () => {
    expect(() => new StartGate(0)).toThrow(/at least 1/);
    expect(() => new StartGate(1.5)).toThrow(/whole number/);
  });
});
