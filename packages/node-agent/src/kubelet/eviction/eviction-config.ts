/**
 * The eviction manager's settings: startNodeAgent's `eviction` option (the kubelet's --eviction-* flags) and what
 * it resolves to. Resolving validates the thresholds, so a bad flag stops the agent before it starts.
 */
import { NodeAgentError } from '../../errors.js';
import type { EvictionStatsSource } from './stats-source.js';
import { DEFAULT_EVICTION_HARD, parseThresholds, softThresholds, withMinimumReclaims, type Threshold } from './thresholds.js';

export interface EvictionOptions {
  /** --eviction-hard; default the kubelet's (see thresholds.ts). An empty string sets no hard thresholds. */
  hard?: string;
  /** --eviction-soft; every signal in it needs a grace period in `softGracePeriod`. */
  soft?: string;
  /** --eviction-soft-grace-period, e.g. "memory.available=1m30s". */
  softGracePeriod?: string;
  /** --eviction-minimum-reclaim, e.g. "memory.available=0Mi,nodefs.available=500Mi" (default: none). */
  minimumReclaim?: string;
  /** --eviction-max-pod-grace-period: the most a soft eviction gives a pod to stop (default 0: none). */
  maxPodGracePeriodSeconds?: number;
  /** --eviction-pressure-transition-period: how long a pressure condition stays after its signal recovers (5 min). */
  pressureTransitionPeriodMs?: number;
  /** How often signals are observed and at most one pod is evicted (10 s, the kubelet's housekeeping period). */
  monitoringIntervalMs?: number;
  /** Replaces parts of what the manager measures: tests put the node under pressure on demand this way. */
  stats?: Partial<EvictionStatsSource>;
}

export interface EvictionConfig {
  thresholds: Threshold[];
  maxPodGracePeriodSeconds: number;
  pressureTransitionPeriodMs: number;
  monitoringIntervalMs: number;
}

export function resolveEvictionConfig(o: EvictionOptions = {}): EvictionConfig {
  const hard = parseThresholds(o.hard ?? DEFAULT_EVICTION_HARD, true);
  const soft = softThresholds(o.soft ?? '', o.softGracePeriod ?? '');
  const max = o.maxPodGracePeriodSeconds ?? 0;
  if (!Number.isInteger(max) || max < 0) throw new NodeAgentError('InvalidArgument', `--eviction-max-pod-grace-period must be a non-negative number of seconds, not ${max}`);
  const transition = o.pressureTransitionPeriodMs ?? 5 * 60_000;
  if (!(transition >= 0)) throw new NodeAgentError('InvalidArgument', `--eviction-pressure-transition-period must not be negative`);
  const interval = o.monitoringIntervalMs ?? 10_000;
  if (!(interval > 0)) throw new NodeAgentError('InvalidArgument', `the eviction monitoring interval must be positive, not ${interval}`);
  const thresholds = withMinimumReclaims([...hard, ...soft], o.minimumReclaim ?? '');
  return { thresholds, maxPodGracePeriodSeconds: max, pressureTransitionPeriodMs: transition, monitoringIntervalMs: interval };
}
