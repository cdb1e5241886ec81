import { describe, expect, it } from 'vitest';
import { WaitTimeoutError } from './errors.js';
import { eventually, waitFor } from './eventually.js';

/** A check that answers `answers` in turn (an Error is thrown), then keeps answering the last one. */
function scripted<T>(...answers: (T | undefined | false | Error)[]) {
  let calls = 0;
  const check = () => {
    const answer = answers[Math.min(calls++, answers.length - 1)];
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { check, calls: () => calls };
}

describe('waitFor', () => {
  it('keeps checking while the check says undefined or false, and resolves with the first other value', async () => {
    const s = scripted<string>(undefined, false, 'ready');
    expect(await waitFor('ready', s.check, { intervalMs: 1 })).toBe('ready');
    expect(s.calls()).toBe(3);
  });

  it('takes 0, the empty string and null as values, not as "not yet"', async () => {
    for (const value of [0, '', null]) expect(await waitFor('a falsy value', () => value, { intervalMs: 1 })).toBe(value);
  });

  it('treats a check that throws as "not yet"', async () => {
    const s = scripted<number>(new Error('not found'), new Error('not found'), 7);
    expect(await waitFor('seven', async () => s.check(), { intervalMs: 1 })).toBe(7);
    expect(s.calls()).toBe(3);
  });

  it('fails at its bound with what it waited for and the last error a check threw', async () => {
    const s = scripted<number>(new Error('connection refused'), undefined);
    const err = await waitFor('the server', s.check, { timeoutMs: 30, intervalMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).message).toBe('timed out after 30 ms waiting for the server: connection refused');
    expect((err as WaitTimeoutError).lastError).toEqual(new Error('connection refused'));
  });
});

describe('eventually', () => {
  it('takes the check first and resolves with its first value', async () => {
    const s = scripted<string>(undefined, 'done');
    expect(await eventually(s.check, 'done', { intervalMs: 1 })).toBe('done');
  });

  it('takes a bare number as its bound', async () => {
    const err = await eventually(() => false, 'something that never holds', 20).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).message).toBe('timed out after 20 ms waiting for something that never holds');
  });
});
