/**
 * The ways a shared test helper fails. Each message carries what a failing test's reader needs (the command, the
 * output so far, what was awaited), so a failure explains itself without a rerun.
 */
import type { KubectlResult } from './kubectl-result.js';

/** A bounded wait reached its bound. `lastError` is the last error a check threw, if any (also the `cause`). */
export class WaitTimeoutError extends Error {
  readonly what: string;
  readonly timeoutMs: number;
  readonly lastError: unknown;

  constructor(what: string, timeoutMs: number, lastError: unknown) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}${lastError === undefined ? '' : `: ${messageOf(lastError)}`}`, { cause: lastError });
    this.name = 'WaitTimeoutError';
    this.what = what;
    this.timeoutMs = timeoutMs;
    this.lastError = lastError;
  }
}

/** kubectl exited with a code other than 0 where the caller required success. */
export class KubectlError extends Error {
  readonly args: string[];
  readonly result: KubectlResult;

  constructor(args: string[], result: KubectlResult) {
    super(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
    this.name = 'KubectlError';
    this.args = args;
    this.result = result;
  }
}

/**
 * A long-running kubectl never printed what a test waited for: `ending` says whether the bound passed first
 * ('timeout') or the process ended first ('exited').
 */
export class KubectlOutputError extends Error {
  readonly args: string[];
  readonly pattern: RegExp;
  readonly output: string;
  readonly ending: 'timeout' | 'exited';

  constructor(args: string[], pattern: RegExp, output: string, ending: 'timeout' | 'exited', timeoutMs: number) {
    const why = ending === 'timeout' ? `no ${pattern} within ${timeoutMs} ms` : `exited without ${pattern}`;
    super(`kubectl ${args.join(' ')}: ${why}; output:\n${output}`);
    this.name = 'KubectlOutputError';
    this.args = args;
    this.pattern = pattern;
    this.output = output;
    this.ending = ending;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
