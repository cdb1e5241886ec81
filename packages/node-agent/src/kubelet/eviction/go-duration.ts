/**
 * Durations as the kubelet's flags write them (Go's time.ParseDuration): a sequence of decimal numbers, each with a
 * unit, "1m30s", "90s", "1.5h", "300ms". A bare "0" is zero. Returns milliseconds; throws InvalidArgument.
 */
import { NodeAgentError } from '../../errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

export function parseGoDuration(text: string, what: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  let total = 0;
  let at = 0;
  PART.lastIndex = 0;
  while (at < s.length) {
    PART.lastIndex = at;
    const m = PART.exec(s);
    if (!m) break;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = PART.lastIndex;
  }
  if (s.length === 0 || at !== s.length) throw new NodeAgentError('InvalidArgument', `${what}: "${text}" is not a duration (like 90s, 1m30s or 5m)`);
  return Math.round(total);
}
