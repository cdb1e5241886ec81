/**
 * Judges each observation of the signals against the thresholds, as the kubelet's eviction manager does:
 *
 *   met         thresholds whose signal is below them now (available < amount; equal is not met)
 *   reclaim     met thresholds that have held for their grace period (hard ones: at once); these drive evictions
 *   conditions  the pressure conditions of the met thresholds, kept True until `transitionPeriodMs` has passed
 *               since a threshold of theirs was last met, so a signal hovering around a threshold does not flap
 *
 * Worked example, a soft memory threshold with a 60 s grace period and a 5 min transition period:
 *
 *   t=0    below   met, MemoryPressure True, nothing to reclaim yet (the grace period runs from here)
 *   t=60   below   met for 60 s: reclaim -> evictions start
 *   t=70   above   not met; the grace period starts over next time; MemoryPressure stays True (last met at 60)
 *   t=360  above   MemoryPressure False (300 s since it was last met)
 *
 * With a minimum reclaim (--eviction-minimum-reclaim), a threshold that was met stays met until the signal is above
 * the threshold plus that amount, so the manager goes on evicting until it has reclaimed that much more than the
 * bare threshold, rather than stopping at its edge and crossing it again at once.
 *
 * A signal absent from an observation counts as not met.
 */
import { SIGNAL_CONDITION, type Observations, type PressureCondition } from './signals.js';
import { resolvedAmount, thresholdAmount, type Threshold } from './thresholds.js';

export interface PressureView {
  met: Threshold[];
  reclaim: Threshold[];
  conditions: Set<PressureCondition>;
}

function keyOf(t: Threshold): string {
  return `${t.signal}/${t.hard ? 'hard' : 'soft'}`;
}

export function isMet(t: Threshold, observations: Observations): boolean {
  const o = observations[t.signal];
  return o !== undefined && o.available < thresholdAmount(t, o.capacity);
}

/** For a threshold met at the last observation: whether it is still short of its minimum reclaim. */
function notYetResolved(t: Threshold, observations: Observations): boolean {
  const o = observations[t.signal];
  return o !== undefined && o.available < resolvedAmount(t, o.capacity);
}

export class PressureTracker {
  private readonly firstMetAt = new Map<string, number>();
  private readonly conditionLastMetAt = new Map<PressureCondition, number>();
  private lastMet = new Set<string>();

  constructor(
    private readonly thresholds: readonly Threshold[],
    private readonly transitionPeriodMs: number,
  ) {}

  update(observations: Observations, nowMs: number): PressureView {
    const met = this.thresholds.filter((t) => isMet(t, observations) || (this.lastMet.has(keyOf(t)) && notYetResolved(t, observations)));
    const metKeys = new Set(met.map(keyOf));
    this.lastMet = metKeys;
    for (const key of this.firstMetAt.keys()) if (!metKeys.has(key)) this.firstMetAt.delete(key);
    for (const t of met) {
      if (!this.firstMetAt.has(keyOf(t))) this.firstMetAt.set(keyOf(t), nowMs);
      this.conditionLastMetAt.set(SIGNAL_CONDITION[t.signal], nowMs);
    }
    const reclaim = met.filter((t) => nowMs - this.firstMetAt.get(keyOf(t))! >= t.gracePeriodMs);
    const conditions = new Set<PressureCondition>();
    for (const [condition, at] of this.conditionLastMetAt) {
      // met right now always counts, also with a transition period of 0
      if (at === nowMs || nowMs - at < this.transitionPeriodMs) conditions.add(condition);
      else this.conditionLastMetAt.delete(condition);
    }
    return { met, reclaim, conditions };
  }
}
