/**
 * Eviction thresholds in the kubelet's flag syntax: `signal<quantity` or `signal<percentage%`, comma-separated.
 *
 *   --eviction-hard "memory.available<500Mi,nodefs.available<10%"
 *   --eviction-soft "memory.available<1Gi" --eviction-soft-grace-period "memory.available=1m30s"
 *
 * As in the kubelet: `<` is the only operator; a quantity must be positive; a percentage lies in [0%, 100%] and 0%
 * switches the signal off; a signal may appear once per flag; every soft threshold needs a grace period (grace
 * periods for signals without a soft threshold are ignored). Passing --eviction-hard replaces all of the defaults
 * (memory.available<100Mi, nodefs.available<10%, nodefs.inodesFree<5%, imagefs.available<15%,
 * imagefs.inodesFree<5%): signals it leaves out have no hard threshold. An empty --eviction-hard means none at all.
 */
import { formatQuantity, isValidQuantity, parseQuantity } from '@skiff/api';
import { NodeAgentError } from '../../errors.js';
import { parseGoDuration } from './go-duration.js';
import { isSignal, signalInBytes, SIGNALS, type Signal } from './signals.js';

export interface Threshold {
  signal: Signal;
  /** An absolute amount in the signal's unit (bytes, inodes, pids), written back as `quantityText`... */
  quantity?: number;
  quantityText?: string;
  /** ...or a share of the signal's capacity, in (0, 1]. */
  percentage?: number;
  hard: boolean;
  /** How long a soft threshold must hold before it drives evictions; 0 for hard thresholds. */
  gracePeriodMs: number;
  /** --eviction-minimum-reclaim: once met, the threshold holds until this much more than it is available again. */
  minReclaim?: Amount;
}

/** An amount of a signal's unit, absolute or as a share of its capacity. */
export interface Amount {
  quantity?: number;
  percentage?: number;
}

export const DEFAULT_EVICTION_HARD = 'memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,imagefs.available<15%,imagefs.inodesFree<5%';

function invalid(message: string): NodeAgentError {
  return new NodeAgentError('InvalidArgument', message);
}

function parseStatement(statement: string, hard: boolean, flag: string): Threshold | undefined {
  const i = statement.indexOf('<');
  if (i <= 0) {
    const op = /[<>=!]+/.exec(statement)?.[0];
    throw invalid(`${flag}: "${statement}" is not a threshold${op ? ` (the only operator is "<", not "${op}")` : ''}; write it like memory.available<100Mi`);
  }
  const signal = statement.slice(0, i).trim();
  const value = statement.slice(i + 1).trim();
  if (!isSignal(signal)) throw invalid(`${flag}: unknown eviction signal "${signal}" (known: ${SIGNALS.join(', ')})`);
  const amount = readAmount(value, signal, flag);
  if (amount.percentage !== undefined) {
    if (amount.percentage === 0) return undefined;
    return { signal, percentage: amount.percentage, hard, gracePeriodMs: 0 };
  }
  if (amount.parsed.nanos <= 0n) throw invalid(`${flag}: eviction threshold ${signal} must be positive, not ${value}`);
  return { signal, quantity: amount.quantity, quantityText: formatQuantity(amount.parsed), hard, gracePeriodMs: 0 };
}

/**
 * A quantity or a percentage as the eviction flags write them; a percentage must lie in [0%, 100%]. The sign of a
 * quantity is left to the caller (`parsed`), since thresholds and minimum reclaims bound it differently.
 */
function readAmount(
  value: string,
  signal: Signal,
  flag: string,
): { percentage: number; quantity?: undefined; parsed?: undefined } | { percentage?: undefined; quantity: number; parsed: ReturnType<typeof parseQuantity> } {
  if (value.endsWith('%')) {
    const pct = Number(value.slice(0, -1));
    if (!Number.isFinite(pct) || value.length === 1) throw invalid(`${flag}: "${value}" is not a percentage for ${signal}`);
    if (pct < 0) throw invalid(`${flag}: percentage for ${signal} must be >= 0%, not ${value}`);
    if (pct > 100) throw invalid(`${flag}: percentage for ${signal} must be <= 100%, not ${value}`);
    return { percentage: pct / 100 };
  }
  if (!isValidQuantity(value)) throw invalid(`${flag}: "${value}" is not a quantity for ${signal}`);
  const parsed = parseQuantity(value);
  return { quantity: Math.ceil(Number(parsed.nanos) / 1e9), parsed };
}

/** The `signal=value` entries of a per-signal flag (--eviction-soft-grace-period, --eviction-minimum-reclaim). */
function signalAssignments(spec: string, flag: string, valueName: string): [Signal, string][] {
  const out: [Signal, string][] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw invalid(`${flag}: expected signal=${valueName}, got "${part}"`);
    const signal = part.slice(0, i).trim();
    if (!isSignal(signal)) throw invalid(`${flag}: unknown eviction signal "${signal}" (known: ${SIGNALS.join(', ')})`);
    if (out.some(([s]) => s === signal)) throw invalid(`${flag}: found duplicate ${valueName} for signal ${signal}`);
    out.push([signal, part.slice(i + 1).trim()]);
  }
  return out;
}

/** Parses one --eviction-hard or --eviction-soft value. */
export function parseThresholds(spec: string, hard: boolean): Threshold[] {
  const flag = hard ? '--eviction-hard' : '--eviction-soft';
  const out: Threshold[] = [];
  for (const statement of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const t = parseStatement(statement, hard, flag);
    const signal = t?.signal ?? statement.slice(0, statement.indexOf('<')).trim();
    if (out.some((o) => o.signal === signal)) throw invalid(`${flag}: found duplicate eviction threshold for signal ${signal}`);
    if (t) out.push(t);
  }
  return out;
}

/** Parses --eviction-soft-grace-period ("memory.available=1m30s,nodefs.available=2m"). */
export function parseGracePeriods(spec: string): Map<Signal, number> {
  const flag = '--eviction-soft-grace-period';
  const out = new Map<Signal, number>();
  for (const [signal, text] of signalAssignments(spec, flag, 'duration')) {
    const ms = parseGoDuration(text, `${flag} ${signal}`);
    if (ms < 0) throw invalid(`${flag}: ${signal} must not be negative`);
    out.set(signal, ms);
  }
  return out;
}

/** Soft thresholds with their grace periods; a soft threshold without one is an error. */
export function softThresholds(soft: string, gracePeriods: string): Threshold[] {
  const periods = parseGracePeriods(gracePeriods);
  return parseThresholds(soft, false).map((t) => {
    const ms = periods.get(t.signal);
    if (ms === undefined) throw invalid(`--eviction-soft-grace-period: grace period must be specified for the soft eviction threshold ${t.signal}`);
    return { ...t, gracePeriodMs: ms };
  });
}

/**
 * Parses --eviction-minimum-reclaim ("memory.available=0Mi,nodefs.available=500Mi,imagefs.available=2Gi"): per
 * signal a non-negative quantity or percentage, and gives it to that signal's thresholds, hard and soft.
 */
export function withMinimumReclaims(thresholds: Threshold[], spec: string): Threshold[] {
  const flag = '--eviction-minimum-reclaim';
  const reclaims = new Map<Signal, Amount>();
  for (const [signal, value] of signalAssignments(spec, flag, 'quantity')) {
    const amount = readAmount(value, signal, flag);
    if (amount.parsed !== undefined && amount.parsed.nanos < 0n) throw invalid(`${flag}: minimum reclaim for ${signal} must not be negative, not ${value}`);
    reclaims.set(signal, amount.percentage !== undefined ? { percentage: amount.percentage } : { quantity: amount.quantity });
  }
  return thresholds.map((t) => (reclaims.has(t.signal) ? { ...t, minReclaim: reclaims.get(t.signal) } : t));
}

function amountOf(a: Amount, capacity: number): number {
  return a.quantity ?? Math.floor(capacity * (a.percentage ?? 0));
}

/** The threshold as an amount of the signal's unit, given its capacity. */
export function thresholdAmount(t: Threshold, capacity: number): number {
  return amountOf(t, capacity);
}

/** What must be available again before a met threshold lets go: the threshold plus its minimum reclaim. */
export function resolvedAmount(t: Threshold, capacity: number): number {
  return thresholdAmount(t, capacity) + (t.minReclaim ? amountOf(t.minReclaim, capacity) : 0);
}

/** The threshold as the eviction message prints it: as written, or a percentage resolved against the capacity. */
export function thresholdText(t: Threshold, capacity: number): string {
  if (t.quantityText) return t.quantityText;
  return quantityText(thresholdAmount(t, capacity), t.signal);
}

/** An amount of a signal's unit, printed as the kubelet prints quantities ("51200Ki", "100Mi", "1k"). */
export function quantityText(amount: number, signal: Signal): string {
  const units = BigInt(Math.max(0, Math.floor(amount)));
  return formatQuantity({ nanos: units * 1_000_000_000n, format: signalInBytes(signal) ? 'BinarySI' : 'DecimalSI' });
}

/** The threshold in flag syntax, for logs ("memory.available<100Mi", "nodefs.available<10%"). */
export function describeThreshold(t: Threshold): string {
  const value = t.quantityText ?? `${Math.round((t.percentage ?? 0) * 10_000) / 100}%`;
  return `${t.signal}<${value}`;
}
