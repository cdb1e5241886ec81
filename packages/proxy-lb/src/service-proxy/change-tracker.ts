// What changed since the last sync: the Services to recompute (or all of them), and for each the EndpointSlice
// changes not yet in the rules, with when this proxy saw them and their trigger times, so the sync that makes
// them live can observe both latencies (proxy-metrics.ts). A sync takes everything; what failed goes back.

/** EndpointSlice annotation the EndpointSlice controller sets to when the change that caused it happened. */
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

/** Changes kept per Service between syncs; more are counted in the rules but not timed. */
const MAX_TIMED_CHANGES = 256;

export interface EndpointChange {
  /** When this proxy saw it, monotonic ms. */
  seenAt: number;
  /** The trigger time, wall-clock ms, when the slice carried one that had not been seen before. */
  triggeredAt?: number;
}

export interface PendingChanges {
  /** Every Service (a full sync), or those named (`namespace/name`). */
  keys: Set<string> | 'all';
  endpointChanges: Map<string, EndpointChange[]>;
}

export class ChangeTracker {
  private dirty = new Set<string>();
  private all = false;
  private changes = new Map<string, EndpointChange[]>();
  /** Last trigger time seen per slice (`namespace/name`), so a slice rewritten for another reason is not timed twice. */
  private readonly lastTrigger = new Map<string, string>();

  serviceChanged(key: string): void {
    this.dirty.add(key);
  }

  /**
   * An EndpointSlice of Service `key` changed (or was deleted: `trigger` undefined and `sliceKey` forgotten via
   * sliceDeleted). `trigger` is the slice's trigger-time annotation, if any.
   */
  endpointsChanged(key: string, seenAt: number, sliceKey: string, trigger?: string): void {
    this.dirty.add(key);
    const change: EndpointChange = { seenAt };
    if (trigger !== undefined && this.lastTrigger.get(sliceKey) !== trigger) {
      this.lastTrigger.set(sliceKey, trigger);
      const ms = Date.parse(trigger);
      if (Number.isFinite(ms)) change.triggeredAt = ms;
    }
    const list = this.changes.get(key);
    if (!list) this.changes.set(key, [change]);
    else if (list.length < MAX_TIMED_CHANGES) list.push(change);
  }

  sliceDeleted(sliceKey: string): void {
    this.lastTrigger.delete(sliceKey);
  }

  /** Asks for a full sync (node labels changed, periodic resync). */
  everything(): void {
    this.all = true;
  }

  hasPending(): boolean {
    return this.all || this.dirty.size > 0;
  }

  take(): PendingChanges {
    const out: PendingChanges = { keys: this.all ? 'all' : this.dirty, endpointChanges: this.changes };
    this.dirty = new Set();
    this.all = false;
    this.changes = new Map();
    return out;
  }

  /** Puts back a Service whose sync failed, with its untimed changes, for the next attempt. */
  putBack(key: string, changes: EndpointChange[] | undefined): void {
    this.dirty.add(key);
    if (!changes?.length) return;
    const list = this.changes.get(key) ?? [];
    this.changes.set(key, [...changes, ...list].slice(0, MAX_TIMED_CHANGES));
  }
}
