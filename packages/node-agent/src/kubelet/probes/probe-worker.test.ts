import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProbeWorker, type ProbeKind, type ProbeResult } from './probe-worker.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs a worker over a sequence of outcomes (one per period; the last repeats) and returns what it reported. */
async function drive(kind: ProbeKind, spec: object, outcomes: boolean[], gate = () => true) {
  let i = 0;
  const results: ProbeResult[] = [];
  const failures: string[] = [];
  const runs: number[] = [];
  const worker = new ProbeWorker({
    kind,
    spec: { periodSeconds: 1, ...spec },
    startedAtMs: Date.now(),
    run: async () => {
      runs.push(Date.now());
      const ok = outcomes[Math.min(i++, outcomes.length - 1)]!;
      return { ok, message: ok ? '' : `fail ${i}` };
    },
    gate,
    onFailedRun: (m) => failures.push(m),
    onResult: (r) => results.push(r),
  });
  worker.start();
  for (let t = 0; t < outcomes.length + 3; t++) await vi.advanceTimersByTimeAsync(1000);
  worker.stop();
  return { results, failures, runs: runs.length, final: worker.result };
}

describe('ProbeWorker', () => {
  it.each([
    ['readiness flips after failureThreshold failures and back on a success', 'readiness', { failureThreshold: 2 }, [true, false, false, true], ['success', 'failure', 'success']],
    ['readiness needs successThreshold successes in a row', 'readiness', { successThreshold: 3, failureThreshold: 10 }, [true, true, false, true, true, false], []],
    ['a single failure under the threshold changes nothing', 'liveness', { failureThreshold: 3 }, [true, false, true, false, true], ['success']],
    ['liveness reports failure once and stops', 'liveness', { failureThreshold: 1 }, [true, false, true], ['success', 'failure']],
    ['startup stops probing once it succeeded', 'startup', {}, [false, true, false, false], ['success']],
  ] as const)('%s', async (_what, kind, spec, outcomes, want) => {
    const r = await drive(kind, spec, [...outcomes]);
    expect(r.results).toEqual(want);
  });

  it('reports every failed run, not only threshold crossings (the Unhealthy events)', async () => {
    const r = await drive('readiness', { failureThreshold: 5 }, [false, false, true]);
    expect(r.failures).toEqual(['fail 1', 'fail 2']);
    expect(r.results).toEqual(['success']);
  });

  it('waits initialDelaySeconds before the first run', async () => {
    let ran = 0;
    const worker = new ProbeWorker({
      kind: 'readiness',
      spec: { initialDelaySeconds: 5, periodSeconds: 1 },
      startedAtMs: Date.now(),
      run: async () => {
        ran++;
        return { ok: true, message: '' };
      },
      gate: () => true,
      onFailedRun: () => undefined,
      onResult: () => undefined,
    });
    worker.start();
    await vi.advanceTimersByTimeAsync(4900);
    expect(ran).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(ran).toBe(1);
    worker.stop();
  });

  it('does not run while its gate is closed (liveness before the startup probe passed)', async () => {
    const r = await drive('liveness', {}, [false, false, false, false], () => false);
    expect(r.runs).toBe(0);
    expect(r.final).toBe('unknown');
  });
});
