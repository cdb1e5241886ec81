// Keeps one virtual service's backends in the core in step with its spec. A backend that leaves the spec while
// TCP connections still use it stays in the core as draining ("leaving") until they end, as kube-proxy's IPVS
// graceful termination does; UDP backends go at once, so their clients move on their next datagram.
import type { LbCore } from '../core.js';
import { backendIdentity } from '../hash.js';
import { backendKey, type BackendSpec, type BackendStatus } from './virtual-service.js';

export interface BackendEntry {
  slot: number;
  address: string;
  port: number;
  weight: number;
  draining: boolean;
  leaving: boolean;
}

export class BackendSet {
  private readonly byKey = new Map<string, BackendEntry>();
  /** Backend slot -> entry: what the data path needs for each choice the core makes. */
  private readonly bySlot = new Map<number, BackendEntry>();
  private leavingCount = 0;

  constructor(
    private readonly core: LbCore,
    private readonly svc: number,
    private readonly tracksConnections: boolean,
  ) {}

  entry(slot: number): BackendEntry | undefined {
    return this.bySlot.get(slot);
  }

  /** Brings the core to `specs`: adds, re-weights, drains, and removes or retires what is gone. */
  apply(specs: BackendSpec[]): void {
    const wanted = new Map<string, BackendSpec>();
    for (const s of specs) wanted.set(backendKey(s), s);
    for (const [key, e] of this.byKey) {
      if (!wanted.has(key) && !e.leaving) this.retire(key, e);
    }
    for (const [key, s] of wanted) {
      const weight = s.weight ?? 1;
      const draining = s.draining ?? false;
      const e = this.byKey.get(key);
      if (!e) {
        const slot = this.core.addBackend(this.svc, { ...backendIdentity(s.address, s.port), weight });
        if (draining) this.core.setDraining(slot, true);
        const entry: BackendEntry = { slot, address: s.address, port: s.port, weight, draining, leaving: false };
        this.byKey.set(key, entry);
        this.bySlot.set(slot, entry);
        continue;
      }
      if (e.weight !== weight) this.core.setWeight(e.slot, weight);
      if (e.draining !== draining || e.leaving) this.core.setDraining(e.slot, draining);
      if (e.leaving) this.leavingCount--;
      e.weight = weight;
      e.draining = draining;
      e.leaving = false;
    }
    this.core.prepare(this.svc);
  }

  private retire(key: string, e: BackendEntry): void {
    if (this.tracksConnections && this.core.backendCounts(e.slot).active > 0) {
      e.leaving = true;
      this.leavingCount++;
      this.core.setDraining(e.slot, true);
      return;
    }
    this.drop(key, e);
  }

  private drop(key: string, e: BackendEntry): void {
    this.core.removeBackend(e.slot);
    this.byKey.delete(key);
    this.bySlot.delete(e.slot);
  }

  /** Removes leaving backends whose last connection has ended. Cheap when none is leaving. */
  reap(): void {
    if (this.leavingCount === 0) return;
    for (const [key, e] of this.byKey) {
      if (e.leaving && this.core.backendCounts(e.slot).active === 0) {
        this.leavingCount--;
        this.drop(key, e);
      }
    }
  }

  status(): BackendStatus[] {
    return [...this.byKey.values()].map((e) => {
      const c = this.core.backendCounts(e.slot);
      return {
        address: e.address,
        port: e.port,
        weight: e.weight,
        draining: e.draining || e.leaving,
        leaving: e.leaving,
        activeFlows: c.active,
        inactiveFlows: c.inactive,
      };
    });
  }
}
