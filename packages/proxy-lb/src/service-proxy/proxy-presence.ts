// Which nodes run a proxy, and their addresses: each proxy keeps a Lease `skiff-proxy-<node>` in kube-system
// (label skiff.dev/service-proxy=<node>, annotation skiff.dev/node-addresses=ip,ip) and renews it; every proxy
// watches them all. The load-balancer status writer points ingress at the live ones (as k3s's ServiceLB points
// it at the nodes running its pods), and each proxy leaves alone the ingress addresses of other nodes.
//
// Liveness is judged by this process's own clock, as leader election does: a lease is live while it has changed
// within its duration as observed here, so clock skew between machines does not matter. A proxy that stops
// cleanly deletes its lease; one that dies drops out after the lease duration.
import type { Lease } from '@skiff/api';
import { isAlreadyExists, isNotFound, microTime, realClock, type Client, type Clock, type SharedInformer } from '@skiff/client';
import type { Logger } from 'pino';

export const PRESENCE_LABEL = 'skiff.dev/service-proxy';
export const ADDRESSES_ANNOTATION = 'skiff.dev/node-addresses';
export const PRESENCE_NAMESPACE = 'kube-system';

export interface ProxyPresenceOptions {
  client: Client;
  /** An informer on leases with the PRESENCE_LABEL selector. */
  leases: SharedInformer<Lease>;
  nodeName: string;
  addresses: string[];
  leaseDurationSeconds?: number;
  renewIntervalMs?: number;
  clock?: Clock;
  log: Logger;
  /** Called when the set of live nodes or their addresses may have changed. */
  onChange(): void;
}

export function presenceLeaseName(nodeName: string): string {
  return `skiff-proxy-${nodeName}`;
}

export class ProxyPresence {
  private readonly clock: Clock;
  private readonly durationMs: number;
  /** Lease name -> resourceVersion last seen and when it was seen changing. */
  private readonly observed = new Map<string, { rv: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private signature = '';
  private renewing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: ProxyPresenceOptions) {
    this.clock = opts.clock ?? realClock;
    this.durationMs = (opts.leaseDurationSeconds ?? 40) * 1000;
    opts.leases.addEventHandler({
      onAdd: (l) => this.see(l),
      onUpdate: (_, l) => this.see(l),
      onDelete: (l) => {
        this.observed.delete(l.metadata?.name ?? '');
        this.check();
      },
    });
  }

  /** Tells onChange only when the live nodes or their addresses changed, not at every renewal. */
  private check(): void {
    const live = [...this.live()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const signature = JSON.stringify(live);
    if (signature === this.signature) return;
    this.signature = signature;
    this.opts.onChange();
  }

  private see(lease: Lease): void {
    const name = lease.metadata?.name ?? '';
    const rv = lease.metadata?.resourceVersion ?? '';
    if (this.observed.get(name)?.rv === rv) return;
    this.observed.set(name, { rv, at: this.clock.now() });
    this.check();
  }

  /** Live proxies' addresses by node, this node's always included. */
  live(): Map<string, string[]> {
    const out = new Map<string, string[]>([[this.opts.nodeName, this.opts.addresses]]);
    const now = this.clock.now();
    for (const lease of this.opts.leases.indexer.list()) {
      const seen = this.observed.get(lease.metadata?.name ?? '');
      const node = lease.metadata?.labels?.[PRESENCE_LABEL];
      if (!seen || !node || node === this.opts.nodeName || now - seen.at > this.durationMs) continue;
      const addrs = (lease.metadata?.annotations?.[ADDRESSES_ANNOTATION] ?? '').split(',').filter(Boolean);
      out.set(node, addrs);
    }
    return out;
  }

  /** Addresses of other live proxies' nodes. */
  otherNodesAddresses(): Set<string> {
    const out = new Set<string>();
    for (const [node, addrs] of this.live()) if (node !== this.opts.nodeName) for (const a of addrs) out.add(a);
    return out;
  }

  /** When a lease seen now stops being live if it does not change: for re-checking expiry. */
  get leaseDurationMs(): number {
    return this.durationMs;
  }

  start(): void {
    // Leases expire without an event: look again a few times per lease duration.
    this.expiryTimer = setInterval(() => this.check(), Math.max(250, this.durationMs / 4));
    this.expiryTimer.unref();
    const tick = () => {
      this.renewing = this.renew().finally(() => {
        this.renewing = undefined;
        if (!this.stopped) this.timer = setTimeout(tick, this.opts.renewIntervalMs ?? 10_000);
      });
    };
    tick();
  }

  private lease(): Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: presenceLeaseName(this.opts.nodeName),
        namespace: PRESENCE_NAMESPACE,
        labels: { [PRESENCE_LABEL]: this.opts.nodeName },
        annotations: { [ADDRESSES_ANNOTATION]: this.opts.addresses.join(',') },
      },
      spec: {
        holderIdentity: this.opts.nodeName,
        leaseDurationSeconds: Math.round(this.durationMs / 1000),
        renewTime: microTime(),
      },
    };
  }

  private async renew(): Promise<void> {
    const leases = this.opts.client.resource<Lease>('coordination.k8s.io/v1/leases').namespace(PRESENCE_NAMESPACE);
    const want = this.lease();
    const name = presenceLeaseName(this.opts.nodeName);
    try {
      const have = await leases.get(name).catch((e: unknown) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
      if (!have) await leases.create(want);
      else await leases.update({ ...want, metadata: { ...want.metadata, name, resourceVersion: have.metadata?.resourceVersion } });
    } catch (err) {
      // A lost race (create vs. create, stale resourceVersion) is settled at the next renewal.
      if (!isAlreadyExists(err)) this.opts.log.warn({ err }, 'could not renew the proxy presence lease');
    }
  }

  /** Stops renewing and deletes this node's lease, so the ingress drops this node at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.expiryTimer);
    await this.renewing;
    await this.opts.client
      .resource<Lease>('coordination.k8s.io/v1/leases')
      .namespace(PRESENCE_NAMESPACE)
      .delete(presenceLeaseName(this.opts.nodeName))
      .catch((err: unknown) => {
        if (!isNotFound(err)) this.opts.log.warn({ err }, 'could not delete the proxy presence lease');
      });
  }
}
