// Writes status.loadBalancer.ingress of LoadBalancer Services (lb-status.ts says what), from one proxy only: the
// holder of the kube-system Lease skiff-proxy-load-balancer, elected through @skiff/client's LeaderElector.
// The others stand by; when the leader stops (or loses the lease) another takes over at its next retry.
//
// While leading, it reconciles every Service on any Service or presence change, and again whenever a presence
// lease could have expired unseen (every quarter of the lease duration).
import type { Service } from '@skiff/api';
import { LeaderElector, type Client, type SharedInformer } from '@skiff/client';
import type { Logger } from 'pino';
import { desiredIngress, ingressDiffers, ownsLoadBalancerStatus } from './lb-status.js';
import type { ProxyMetrics } from './proxy-metrics.js';
import type { ProxyPresence } from './proxy-presence.js';
import { SyncRunner } from './sync-runner.js';

export const LB_STATUS_LEASE = 'skiff-proxy-load-balancer';

export interface LeaderElectionTiming {
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface LbStatusWriterOptions {
  client: Client;
  services: SharedInformer<Service>;
  presence: ProxyPresence;
  identity: string;
  metrics: ProxyMetrics;
  log: Logger;
  election?: LeaderElectionTiming;
}

export class LbStatusWriter {
  private elector: LeaderElector | undefined;
  private campaign: Promise<void> | undefined;
  private runner: SyncRunner | undefined;
  private stopped = false;

  constructor(private readonly opts: LbStatusWriterOptions) {
    opts.services.addEventHandler({
      onAdd: () => this.kick(),
      onUpdate: (a, b) => {
        if (a !== b) this.kick();
      },
    });
  }

  /** Asks the leader (if this is it) to reconcile. */
  kick(): void {
    this.runner?.request();
  }

  isLeader(): boolean {
    return this.elector?.isLeader() ?? false;
  }

  /** Campaigns in the background; a lost leadership starts a new campaign (an elector campaigns once). */
  start(): void {
    const loop = async () => {
      while (!this.stopped) {
        this.elector = new LeaderElector({
          client: this.opts.client,
          namespace: 'kube-system',
          name: LB_STATUS_LEASE,
          identity: this.opts.identity,
          ...this.opts.election,
          logger: this.opts.log,
          onStartedLeading: (signal) => this.lead(signal),
        });
        await this.elector.run().catch((err: unknown) => this.opts.log.error({ err }, 'load-balancer status election failed'));
        if (!this.stopped) await new Promise((r) => setTimeout(r, 1000));
      }
    };
    this.campaign = loop();
  }

  private async lead(signal: AbortSignal): Promise<void> {
    this.opts.metrics.leader.set(1);
    this.opts.log.info({ identity: this.opts.identity }, 'writing load-balancer status as leader');
    const runner = new SyncRunner(() => this.reconcile(signal), {
      minIntervalMs: 0,
      maxIntervalMs: Math.max(1000, this.opts.presence.leaseDurationMs / 4),
      onError: (err) => this.opts.log.error({ err }, 'load-balancer status reconcile failed'),
    });
    this.runner = runner;
    runner.request();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.runner = undefined;
    await runner.stop();
    this.opts.metrics.leader.set(0);
  }

  private async reconcile(signal: AbortSignal): Promise<void> {
    const addresses = [...this.opts.presence.live().values()].flat();
    let failed = false;
    for (const svc of this.opts.services.indexer.list()) {
      if (signal.aborted) return;
      if (!ownsLoadBalancerStatus(svc)) continue;
      const want = desiredIngress(svc, addresses);
      if (!ingressDiffers(svc, want)) continue;
      const ns = svc.metadata?.namespace ?? 'default';
      const name = svc.metadata?.name ?? '';
      try {
        // A merge patch replaces the list whole; null removes the field.
        await this.opts.client
          .resource<Service>('v1/services')
          .namespace(ns)
          .patch(name, { status: { loadBalancer: { ingress: want.length ? want : null } } }, 'merge', { subresource: 'status' });
        this.opts.metrics.lbStatusUpdates.inc();
        this.opts.log.info({ service: `${ns}/${name}`, ingress: want.map((i) => i.ip) }, 'load-balancer ingress updated');
      } catch (err) {
        failed = true;
        this.opts.log.warn({ err, service: `${ns}/${name}` }, 'could not update load-balancer status');
      }
    }
    if (failed) this.runner?.request(1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.elector?.stop();
    await this.campaign;
  }
}
