/**
 * The shared bounded wait with the cluster tests' bounds: a wait here spans process starts, image imports and
 * scheduling on two shared cores, and a check usually runs kubectl, so the bound is long and the polling gentle.
 * The bound is a limit for a stuck test, not an assertion on how long anything takes.
 */
import { eventually as poll, type Check } from '@skiff/test-util';

export function eventually<T>(check: Check<T>, what: string, timeoutMs = 120_000): Promise<T> {
  return poll(check, what, { timeoutMs, intervalMs: 250 });
}
