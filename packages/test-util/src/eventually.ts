/**
 * Bounded polling: a test waits for a condition something else makes true (a pod Running, a watcher closed, a log
 * line written), never for a fixed time. The bound only stops a stuck test with a message saying what it waited
 * for; nothing asserts on how long a wait took.
 *
 * Two argument orders, because the packages' tests were written against both and read naturally that way:
 * `waitFor(what, check)` and `eventually(check, what)`. They differ only in their defaults (see each).
 */
import { WaitTimeoutError } from './errors.js';

/** A condition to poll: undefined or false mean "not yet"; any other value ends the wait and is returned. */
export type Check<T> = () => T | undefined | false | Promise<T | undefined | false>;

export interface PollOptions {
  /** How long to keep checking before failing, in ms. */
  timeoutMs?: number;
  /** The pause between one check's end and the next check, in ms. */
  intervalMs?: number;
}

/**
 * Polls `check` until it returns a value (neither undefined nor false). A check that throws counts as "not yet":
 * what it threw is kept for the timeout's message. Defaults suit waits on this process or a server on loopback
 * (cheap checks): 15 s bound, a check every 20 ms.
 */
export function waitFor<T>(what: string, check: Check<T>, options: PollOptions = {}): Promise<T> {
  return poll(check, what, options.timeoutMs ?? 15_000, options.intervalMs ?? 20);
}

/**
 * As waitFor, check first. `bound` is the timeout in ms or the options. Defaults suit waits on other processes
 * (a runtime starting a container, a kubelet reporting status), whose checks cost more: 30 s bound, a check every
 * 50 ms.
 */
export function eventually<T>(check: Check<T>, what: string, bound: number | PollOptions = {}): Promise<T> {
  const options = typeof bound === 'number' ? { timeoutMs: bound } : bound;
  return poll(check, what, options.timeoutMs ?? 30_000, options.intervalMs ?? 50);
}

async function poll<T>(check: Check<T>, what: string, timeoutMs: number, intervalMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new WaitTimeoutError(what, timeoutMs, lastError);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
