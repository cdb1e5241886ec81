// One sync of the proxy rules: for each changed Service (or all), translate it with its EndpointSlices into
// virtual services and apply them to the ServiceProxy scoped to that Service, so the others are not touched and
// established connections survive (the ServiceProxy drains backends that leave). A Service whose virtual
// services are what was last applied is skipped, so periodic full syncs cost a translation each, nothing more.
// A Service that fails (its port taken, say) is put back and retried with backoff (1 s doubling to 60 s);
// its EndpointSlice changes are timed when they finally serve.
import { performance } from 'node:perf_hooks';
import type { EndpointSlice, Service } from '@skiff/api';
import type { Indexer } from '@skiff/client';
import type { Logger } from 'pino';
import { translateService, type TranslateOptions } from '../k8s/translate.js';
import type { ServiceProxy } from '../proxy/service-proxy.js';
import type { VirtualServiceSpec } from '../proxy/virtual-service.js';
import type { ChangeTracker, EndpointChange } from './change-tracker.js';
import type { ProxyMetrics } from './proxy-metrics.js';

/** Index of EndpointSlices by the `namespace/name` of their Service. */
export const SERVICE_INDEX = 'skiff.dev/service';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

export interface RulesSyncerOptions {
  proxy: ServiceProxy;
  services: Indexer<Service>;
  /** Must carry the SERVICE_INDEX index. */
  slices: Indexer<EndpointSlice>;
  tracker: ChangeTracker;
  translateOptions(): TranslateOptions;
  /** Addresses of other nodes running a proxy: load-balancer ingress naming them is theirs to serve. */
  otherNodesAddresses(): Set<string>;
  metrics: ProxyMetrics;
  log: Logger;
  /** Asks for another sync after `delayMs` (failed Services). */
  retry(delayMs: number): void;
}

interface Applied {
  json: string;
  listeners: number;
}

export class RulesSyncer {
  private readonly applied = new Map<string, Applied>();
  private readonly backoff = new Map<string, number>();
  private syncs = 0;
  private lastEnd = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: RulesSyncerOptions) {}

  /** Syncs finished so far, and when the last one finished (monotonic ms). */
  get stats(): { syncs: number; lastEndMs: number } {
    return { syncs: this.syncs, lastEndMs: this.lastEnd };
  }

  async sync(): Promise<void> {
    const { tracker, metrics } = this.opts;
    const start = performance.now();
    const { keys, endpointChanges } = tracker.take();
    const full = keys === 'all';
    const todo = full ? new Set([...this.opts.services.keys(), ...this.applied.keys()]) : keys;
    let failures = 0;
    let retryIn = Number.POSITIVE_INFINITY;
    for (const key of todo) {
      const changes = endpointChanges.get(key);
      if (await this.syncService(key)) {
        this.backoff.delete(key);
        this.observe(changes);
        continue;
      }
      failures++;
      tracker.putBack(key, changes);
      const delay = this.backoff.get(key) ?? FIRST_RETRY_MS;
      this.backoff.set(key, Math.min(delay * 2, MAX_RETRY_MS));
      retryIn = Math.min(retryIn, delay);
    }
    this.lastEnd = performance.now();
    this.syncs++;
    metrics.syncs.inc(1, { scope: full ? 'full' : 'partial' });
    metrics.syncDuration.observe((this.lastEnd - start) / 1000);
    metrics.lastSync.set(Date.now() / 1000);
    if (failures) metrics.syncFailures.inc(failures);
    metrics.services.set(this.applied.size);
    let listeners = 0;
    for (const a of this.applied.values()) listeners += a.listeners;
    metrics.virtualServices.set(listeners);
    this.opts.log.debug({ scope: full ? 'full' : 'partial', services: todo.size, failures, ms: this.lastEnd - start }, 'proxy rules synced');
    if (retryIn !== Number.POSITIVE_INFINITY) this.opts.retry(retryIn);
  }

  /** The virtual services this node serves for `svc`, and what the translation had to leave out. */
  specsFor(svc: Service, slices: EndpointSlice[]): { specs: VirtualServiceSpec[]; warnings: string[] } {
    const t = translateService(svc, slices, this.opts.translateOptions());
    const others = this.opts.otherNodesAddresses();
    return { specs: t.specs.filter((s) => !(others.has(s.address) && s.name.includes('/load-balancer/'))), warnings: t.warnings };
  }

  private async syncService(key: string): Promise<boolean> {
    const svc = this.opts.services.get(key);
    const { specs, warnings } = svc ? this.specsFor(svc, this.opts.slices.byIndex(SERVICE_INDEX, key)) : { specs: [], warnings: [] };
    const json = JSON.stringify(specs);
    if (this.applied.get(key)?.json === json) return true;
    if (warnings.length) this.opts.log.warn({ service: key, warnings }, 'service partly proxied');
    const { failed } = await this.opts.proxy.apply(specs, { scope: `${key}:` });
    if (failed.length) {
      // Forget what was applied so the retry applies again even if nothing changes meanwhile.
      this.applied.delete(key);
      return false;
    }
    if (specs.length) this.applied.set(key, { json, listeners: specs.length });
    else this.applied.delete(key);
    return true;
  }

  private observe(changes: EndpointChange[] | undefined): void {
    if (!changes) return;
    const now = performance.now();
    const wall = Date.now();
    for (const c of changes) {
      this.opts.metrics.endpointChangeLatency.observe((now - c.seenAt) / 1000);
      if (c.triggeredAt !== undefined) this.opts.metrics.networkProgramming.observe(Math.max(0, wall - c.triggeredAt) / 1000);
    }
  }
}
