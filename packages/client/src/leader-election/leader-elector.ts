/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it.
 *
 *   - Acquire: every retryPeriod, read the lease. It is free when absent, released (no holder), or expired: its
 *     record has not changed for leaseDuration as observed by this process's own clock (so clock skew between
 *     machines does not matter). Taking it is an update guarded by resourceVersion; of two candidates racing,
 *     one gets 409 and keeps waiting. A new holder increments leaseTransitions.
 *   - Renew: the leader writes renewTime every retryPeriod. If no renewal succeeds for renewDeadline it stops
 *     leading (onStoppedLeading, and the signal given to onStartedLeading aborts) before the lease can expire
 *     under it: renewDeadline < leaseDuration is what keeps two leaders from overlapping.
 *   - stop(): a leader releases the lease (empty holder, 1 s duration) so a standby takes over at its next retry
 *     instead of waiting out the lease.
 *
 * Defaults are kube-controller-manager's: 15 s lease, 10 s renew deadline, 2 s retry.
 */
import type { Lease } from '@skiff/api';
import { isAlreadyExists, isConflict, isNotFound } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import type { Client } from '../rest/client.js';
import type { ResourceClient } from '../rest/resource-client.js';
import { sleep } from '../rest/transport.js';

export interface LeaderElectionOptions {
  client: Client;
  namespace: string;
  /** The lease's name, e.g. 'kube-controller-manager'. */
  name: string;
  /** This candidate, unique among candidates (host name plus a random suffix is usual). */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Called when this candidate becomes leader; `signal` aborts when it stops leading. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading?(): void;
  /** Called whenever the observed holder changes (including to this candidate). */
  onNewLeader?(identity: string): void;
  logger?: Logger;
}

/** RFC 3339 with microseconds, the MicroTime format of Lease times. */
export function microTime(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly leases: ResourceClient<Lease>;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly log: Logger;
  private readonly stopCtl = new AbortController();
  private leading = false;
  private observed?: { raw: string; at: number; holder: string };
  private current?: Lease;
  private reportedLeader = '';

  constructor(private readonly opts: LeaderElectionOptions) {
    this.leases = opts.client.resource<Lease>('coordination.k8s.io/v1/leases').namespace(opts.namespace);
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseMs) throw new RangeError('leader election: renewDeadline must be shorter than leaseDuration');
    if (this.retryMs >= this.renewDeadlineMs) throw new RangeError('leader election: retryPeriod must be shorter than renewDeadline');
    this.log = opts.logger ?? silentLogger;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder this candidate last observed ('' when none). */
  get leader(): string {
    return this.observed?.holder ?? '';
  }

  /**
   * Campaigns until elected, leads until leadership is lost or stop() is called, then resolves. A candidate that
   * lost leadership does not campaign again: start a new elector (or a new process) for that.
   */
  async run(): Promise<void> {
    const stop = this.stopCtl.signal;
    while (!stop.aborted) {
      if (await this.tryAcquireOrRenew()) break;
      await sleep(jitter(this.retryMs), stop);
    }
    if (stop.aborted) return;
    this.leading = true;
    this.log.info({ lease: `${this.opts.namespace}/${this.opts.name}`, identity: this.opts.identity }, 'became leader');
    const leadCtl = new AbortController();
    const onStop = () => leadCtl.abort();
    stop.addEventListener('abort', onStop, { once: true });
    const work = Promise.resolve()
      .then(() => this.opts.onStartedLeading(leadCtl.signal))
      .catch((e) => this.log.error({ err: (e as Error).message }, 'onStartedLeading failed'));
    await this.renewLoop(stop);
    this.leading = false;
    leadCtl.abort();
    stop.removeEventListener('abort', onStop);
    if (stop.aborted) await this.release();
    else this.log.warn({ lease: `${this.opts.namespace}/${this.opts.name}`, identity: this.opts.identity }, 'lost leadership');
    try {
      this.opts.onStoppedLeading?.();
    } finally {
      await work;
    }
  }

  /** Stops campaigning or leading; a leader releases its lease. Resolve run() to know when it is done. */
  stop(): void {
    this.stopCtl.abort();
  }

  private async renewLoop(stop: AbortSignal): Promise<void> {
    let lastRenew = performance.now();
    while (!stop.aborted) {
      await sleep(this.retryMs, stop);
      if (stop.aborted) return;
      if (await this.tryAcquireOrRenew()) {
        lastRenew = performance.now();
        continue;
      }
      if (performance.now() - lastRenew >= this.renewDeadlineMs) return;
    }
  }

  private spec(prev: Lease['spec'] | undefined, now: number): Lease['spec'] {
    const mine = prev?.holderIdentity === this.opts.identity;
    return {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.leaseMs / 1000)),
      acquireTime: mine && prev?.acquireTime ? prev.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: mine ? (prev?.leaseTransitions ?? 0) : (prev?.leaseTransitions ?? -1) + 1,
    };
  }

  private observe(lease: Lease): void {
    const raw = JSON.stringify(lease.spec ?? {});
    const holder = lease.spec?.holderIdentity ?? '';
    if (this.observed?.raw !== raw) this.observed = { raw, at: performance.now(), holder };
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder) this.opts.onNewLeader?.(holder);
    }
  }

  /** One attempt; true when this candidate holds the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = Date.now();
    try {
      let lease: Lease;
      try {
        lease = await this.leases.get(this.opts.name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        const created = await this.leases.create({ metadata: { name: this.opts.name, namespace: this.opts.namespace }, spec: this.spec(undefined, now) });
        this.current = created;
        this.observe(created);
        return true;
      }
      this.observe(lease);
      const holder = lease.spec?.holderIdentity ?? '';
      const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
      const expired = performance.now() - this.observed!.at >= durationMs;
      if (holder && holder !== this.opts.identity && !expired) return false;
      const updated = await this.leases.update({ ...lease, spec: this.spec(lease.spec, now) });
      this.current = updated;
      this.observe(updated);
      return true;
    } catch (e) {
      if (!isConflict(e) && !isAlreadyExists(e)) this.log.warn({ lease: this.opts.name, err: (e as Error).message }, 'lease acquire/renew failed');
      return false;
    }
  }

  private async release(): Promise<void> {
    const lease = this.current;
    if (!lease || lease.spec?.holderIdentity !== this.opts.identity) return;
    try {
      await this.leases.update({
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() },
      });
      this.log.info({ lease: `${this.opts.namespace}/${this.opts.name}`, identity: this.opts.identity }, 'released leadership');
    } catch (e) {
      this.log.warn({ lease: this.opts.name, err: (e as Error).message }, 'lease release failed; it will expire instead');
    }
  }
}

/** Up to 20% later, so candidates started together do not stay in lockstep. */
function jitter(ms: number): number {
  return ms * (1 + Math.random() * 0.2);
}
