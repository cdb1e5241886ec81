/**
 * Go's time.Duration text (metav1.Duration in configuration files, duration flags): one or more decimal numbers
 * each with a unit, such as "15s", "1m30s", "1.5h" or "300ms". Units: ns, us (or µs), ms, s, m, h. A bare "0" is
 * zero; any other number needs a unit, as in Go.
 */
import { SchedulerError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds (possibly fractional below 1 ms); throws InvalidConfig naming `field` for anything else. */
export function parseGoDuration(text: string, field: string, code: 'InvalidConfig' | 'InvalidFlag' = 'InvalidConfig'): number {
  const bad = () => new SchedulerError(code, `${field}: "${text}" is not a duration (examples: 500ms, 15s, 1m30s)`, { field });
  let s = text.trim();
  if (s === '0') return 0;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (!s) throw bad();
  let total = 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/;
  while (s.length > 0) {
    const m = part.exec(s);
    if (!m) throw bad();
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return sign * total;
}

/** Milliseconds back to Go's shortest form for whole seconds or milliseconds ("15s", "500ms"), for messages. */
export function formatDuration(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
