/**
 * One probe of one container instance, on its own timer: the first run `initialDelaySeconds` after the container
 * started, then every `periodSeconds`, each run bounded by `timeoutSeconds`. The result flips to success after
 * `successThreshold` consecutive successes and to failure after `failureThreshold` consecutive failures; each
 * failed run is reported (the Unhealthy event). Liveness and readiness wait for the startup probe (`gate`);
 * a startup probe stops once it has succeeded, and liveness or startup stop after failing (the container is
 * killed and its successor gets new workers).
 */
import type { ActionResult } from './handlers.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'unknown' | 'success' | 'failure';

export interface ProbeSpec {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface ProbeWorkerOptions {
  kind: ProbeKind;
  spec: ProbeSpec;
  /** When the container started (ms since the epoch). */
  startedAtMs: number;
  run: (timeoutMs: number) => Promise<ActionResult>;
  /** False while the run must be skipped (liveness and readiness before the startup probe succeeded). */
  gate: () => boolean;
  /** Every failed run, for the Unhealthy event. */
  onFailedRun: (message: string) => void;
  /** The result changed. */
  onResult: (result: ProbeResult, message: string) => void;
}

export class ProbeWorker {
  result: ProbeResult = 'unknown';
  lastMessage = '';
  private successes = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ProbeWorkerOptions) {}

  start(): void {
    const delayMs = Math.max(0, this.options.startedAtMs + (this.options.spec.initialDelaySeconds ?? 0) * 1000 - Date.now());
    this.schedule(delayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const spec = this.options.spec;
    const periodMs = Math.max(1, spec.periodSeconds ?? 10) * 1000;
    if (!this.options.gate()) {
      this.schedule(periodMs);
      return;
    }
    const timeoutMs = Math.max(1, spec.timeoutSeconds ?? 1) * 1000;
    let outcome: ActionResult;
    try {
      outcome = await this.options.run(timeoutMs);
    } catch (err) {
      outcome = { ok: false, message: (err as Error).message };
    }
    if (this.stopped) return;
    this.record(outcome);
    const done = (this.options.kind === 'startup' && this.result === 'success') || (this.options.kind !== 'readiness' && this.result === 'failure');
    if (!done) this.schedule(periodMs);
  }

  private record(outcome: ActionResult): void {
    const spec = this.options.spec;
    // liveness and startup need exactly one success (validation enforces it); readiness may ask for more
    const successThreshold = this.options.kind === 'readiness' ? Math.max(1, spec.successThreshold ?? 1) : 1;
    const failureThreshold = Math.max(1, spec.failureThreshold ?? 3);
    if (outcome.ok) {
      this.successes++;
      this.failures = 0;
      if (this.successes >= successThreshold) this.set('success', '');
    } else {
      this.failures++;
      this.successes = 0;
      this.lastMessage = outcome.message;
      this.options.onFailedRun(outcome.message);
      if (this.failures >= failureThreshold) this.set('failure', outcome.message);
    }
  }

  private set(result: ProbeResult, message: string): void {
    if (this.result === result) return;
    this.result = result;
    this.options.onResult(result, message);
  }
}
