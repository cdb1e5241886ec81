/**
 * What the autoscaler remembers about one HPA between syncs (in memory, as upstream: a restarted controller
 * starts afresh): the replica counts it recommended, for the stabilization windows, and the scale changes it
 * made, for the per-period policy limits. Entries too old to matter under any window or period are dropped.
 */

export interface Recommendation {
  replicas: number;
  atMs: number;
}

export interface ScaleEvent {
  /** Replicas added (scale-up list) or removed (scale-down list): always positive. */
  change: number;
  atMs: number;
}

export interface ScalingHistory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export class ScalingHistories {
  private readonly byKey = new Map<string, ScalingHistory>();

  /**
   * The HPA's history; the first time, its only recommendation is the target's current count, so a scale-down is
   * held for a stabilization window after the controller starts (as upstream's recordInitialRecommendation).
   */
  get(key: string, currentReplicas: number, nowMs: number): ScalingHistory {
    let h = this.byKey.get(key);
    if (!h) {
      h = { recommendations: [{ replicas: currentReplicas, atMs: nowMs }], scaleUpEvents: [], scaleDownEvents: [] };
      this.byKey.set(key, h);
    }
    return h;
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }
}

/** Records a change from `from` to `to` replicas; events older than `keepMs` go. */
export function recordScaleEvent(h: ScalingHistory, from: number, to: number, nowMs: number, keepMs: number): void {
  if (from === to) return;
  const fresh = (e: ScaleEvent) => e.atMs >= nowMs - keepMs;
  h.scaleUpEvents = h.scaleUpEvents.filter(fresh);
  h.scaleDownEvents = h.scaleDownEvents.filter(fresh);
  if (to > from) h.scaleUpEvents.push({ change: to - from, atMs: nowMs });
  else h.scaleDownEvents.push({ change: from - to, atMs: nowMs });
}

/** Replicas changed by the events strictly within the last `periodSeconds`. */
export function changeWithinPeriod(events: ScaleEvent[], periodSeconds: number, nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  let n = 0;
  for (const e of events) if (e.atMs > cutoff) n += e.change;
  return n;
}
