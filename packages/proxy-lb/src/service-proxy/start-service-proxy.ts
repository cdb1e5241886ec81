// The per-node service proxy (kube-proxy's role): informers on Services, EndpointSlices, this Node and the
// proxies' presence leases feed a change tracker; a bounded-frequency runner syncs the changed Services into the
// ServiceProxy (listeners on cluster IPs, node ports, load-balancer and external IPs); the elected proxy writes
// load-balancer ingress; /metrics and /healthz report. Nothing is synced before every informer has listed, so
// a starting proxy never serves a partial view.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EndpointSlice, Lease, Node, Service } from '@skiff/api';
import { createClient, InformerFactory, loadKubeconfig, objectKey, type Client } from '@skiff/client';
import pino from 'pino';
import { LbError } from '../errors.js';
import { sliceServiceKey, serviceKey } from '../k8s/translate.js';
import { ZONE_LABEL } from '../k8s/types.js';
import { ClusterDnsServer } from '../dns/dns-server.js';
import { parseUpstream, resolvConfUpstreams } from '../dns/dns-forwarder.js';
import { ServiceProxy } from '../proxy/service-proxy.js';
import { ensureIpv4Forwarding } from '../kernel/ip-forwarding.js';
import { DEFAULT_NFT_TABLE, removeKernelTable } from '../kernel/nft-data-path.js';
import { needsInterface } from '../proxy/vip-interface.js';
import { ChangeTracker, TRIGGER_TIME_ANNOTATION } from './change-tracker.js';
import { LbStatusWriter } from './lb-status-writer.js';
import { MetricsServer } from './metrics-server.js';
import { detectNodeAddresses, nodePortAddresses, NodeVipInterface } from './node-addresses.js';
import { isRoot, resolveOptions, type StartServiceProxyOptions } from './options.js';
import { ProxyMetrics } from './proxy-metrics.js';
import { PRESENCE_LABEL, ProxyPresence } from './proxy-presence.js';
import { RulesSyncer, SERVICE_INDEX } from './rules-syncer.js';
import { SyncRunner } from './sync-runner.js';

export interface RunningServiceProxy {
  readonly proxy: ServiceProxy;
  readonly metrics: ProxyMetrics;
  /** http://host:port of /metrics and /healthz, when serving them. */
  readonly metricsUrl: string | undefined;
  readonly nodeAddresses: string[];
  /** Resolves once every informer has listed and the first full sync is done; rejects (Closed) if closed first. */
  readonly ready: Promise<void>;
  /** Whether this proxy currently writes load-balancer status. */
  isLeader(): boolean;
  /** The port the cluster DNS serves on, once ready (with options.clusterDns). */
  clusterDnsPort(): number | undefined;
  /** Syncs of the rules finished so far. */
  syncCount(): number;
  /** Stops syncing, releases its addresses, presence and leadership. Established TCP connections may finish. */
  close(): Promise<void>;
}

export async function startServiceProxy(options: StartServiceProxyOptions): Promise<RunningServiceProxy> {
  const o = resolveOptions(options);
  const log = options.logger ?? pino({ name: 'skiff-proxy', level: options.logLevel ?? 'info' });
  const client: Client =
    options.client ?? createClient(loadKubeconfig(options.kubeconfig ? { path: options.kubeconfig } : {}), { userAgent: `skiff-proxy/${o.nodeName}` });
  const excluded = o.clusterIpInterface ? [o.clusterIpInterface] : [];
  const nodeAddresses = o.nodeAddresses ?? detectNodeAddresses(excluded);
  const ownAddresses = new Set(nodeAddresses);

  let vip: NodeVipInterface | undefined;
  if (o.clusterIpInterface) {
    vip = new NodeVipInterface({ name: o.clusterIpInterface }, (a) => ownAddresses.has(a) || detectNodeAddresses(excluded).includes(a));
    await vip.ensure();
    // Addresses left by an earlier run would answer for Services that may be gone.
    const { removed } = await vip.sync([]);
    if (removed.length) log.info({ interface: o.clusterIpInterface, removed }, 'removed stale service addresses');
  }

  if (o.proxyMode === 'nftables') ensureIpv4Forwarding(log);
  if (isRoot()) {
    const table = options.nftablesTable ?? DEFAULT_NFT_TABLE;
    // nft may be missing in userspace mode; nothing to clear then.
    if (await removeKernelTable(table).catch(() => false)) log.info({ table }, 'removed kernel rules left by an earlier proxy');
  }
  const metrics = new ProxyMetrics();
  const proxy = new ServiceProxy({
    engine: options.engine,
    logger: log,
    vipInterface: vip,
    ...(o.proxyMode === 'nftables' ? { kernelDataPath: { table: options.nftablesTable } } : {}),
    ...options.dataPath,
  });
  proxy.on('rejected', (i) => metrics.rejected.inc(1, { reason: i.reason }));
  proxy.on('backend-refused', () => metrics.backendRefused.inc());

  const factory = new InformerFactory(client, { logger: log });
  const services = factory.informer<Service>('v1/services');
  const slices = factory.informer<EndpointSlice>('discovery.k8s.io/v1/endpointslices', {
    indexers: { [SERVICE_INDEX]: (s) => [sliceServiceKey(s as EndpointSlice)].filter((k): k is string => k !== undefined) },
  });
  const nodes = factory.informer<Node>('v1/nodes', { fieldSelector: `metadata.name=${o.nodeName}` });
  const leases = factory.informer<Lease>('coordination.k8s.io/v1/leases', { labelSelector: PRESENCE_LABEL });

  const tracker = new ChangeTracker();
  let zone: string | undefined;
  let open = false;
  let closed = false;
  let runner: SyncRunner | undefined;
  const kick = () => {
    if (open) runner?.request();
  };

  const presence = new ProxyPresence({
    client,
    leases,
    nodeName: o.nodeName,
    addresses: nodeAddresses,
    leaseDurationSeconds: options.presenceLeaseSeconds,
    renewIntervalMs: options.presenceRenewMs,
    log,
    onChange: () => {
      // Whose load-balancer ingress addresses are whose may have changed.
      tracker.everything();
      kick();
      writer?.kick();
    },
  });

  const syncer = new RulesSyncer({
    proxy,
    services: services.indexer,
    slices: slices.indexer,
    tracker,
    translateOptions: () => ({
      nodeName: o.nodeName,
      defaultScheduler: o.defaultScheduler,
      nodePortAddresses: nodePortAddresses(nodeAddresses),
      zone,
      ...(options.clusterDns ? { servedLocally: [options.clusterDns.address] } : {}),
    }),
    otherNodesAddresses: () => presence.otherNodesAddresses(),
    metrics,
    log,
    retry: (ms) => runner?.request(ms),
  });

  services.addEventHandler({
    onAdd: (svc) => serviceChanged(svc),
    onUpdate: (a, b) => a !== b && serviceChanged(b),
    onDelete: (svc) => serviceChanged(svc),
  });
  function serviceChanged(svc: Service): void {
    metrics.serviceChanges.inc();
    tracker.serviceChanged(serviceKey(svc));
    kick();
  }

  slices.addEventHandler({
    onAdd: (s, initial) => sliceChanged(s, !initial),
    onUpdate: (a, b) => {
      if (a === b) return;
      const before = sliceServiceKey(a);
      if (before && before !== sliceServiceKey(b)) tracker.serviceChanged(before);
      sliceChanged(b, true);
    },
    onDelete: (s) => {
      sliceChanged(s, true);
      tracker.sliceDeleted(objectKey(s));
    },
  });
  function sliceChanged(s: EndpointSlice, timed: boolean): void {
    const key = sliceServiceKey(s);
    if (!key) return;
    metrics.endpointChanges.inc();
    // The first list is the starting state, not a change to time.
    if (timed) tracker.endpointsChanged(key, performance.now(), objectKey(s), s.metadata?.annotations?.[TRIGGER_TIME_ANNOTATION]);
    else tracker.serviceChanged(key);
    kick();
  }

  const nodeSeen = (n: Node) => {
    const next = n.metadata?.labels?.[ZONE_LABEL] || undefined;
    if (next === zone) return;
    log.info({ node: o.nodeName, zone: next }, 'node zone changed; resyncing every service');
    zone = next;
    tracker.everything();
    kick();
  };
  nodes.addEventHandler({ onAdd: nodeSeen, onUpdate: (_, n) => nodeSeen(n), onDelete: () => nodeSeen({ metadata: {} }) });

  const writer =
    options.loadBalancerStatus === false
      ? undefined
      : new LbStatusWriter({ client, services, presence, identity: `${o.nodeName}_${randomUUID().slice(0, 8)}`, metrics, log, election: options.election });

  let firstSync: () => void = () => {};
  const firstSynced = new Promise<void>((r) => (firstSync = r));
  let lastFull = Number.NEGATIVE_INFINITY;
  let firstDone = false;
  runner = new SyncRunner(
    async () => {
      if (performance.now() - lastFull >= o.syncPeriodMs) {
        tracker.everything();
        lastFull = performance.now();
      }
      await syncer.sync();
      if (!firstDone) {
        firstDone = true;
        firstSync();
      }
    },
    { minIntervalMs: o.minSyncPeriodMs, maxIntervalMs: o.syncPeriodMs, onError: (err) => log.error({ err }, 'proxy rules sync failed') },
  );

  let metricsServer: MetricsServer | undefined;
  // Before anything is started, so a taken port leaves nothing running behind it.
  if (options.metricsBindAddress) {
    const staleAfterMs = 2 * o.syncPeriodMs + 10_000;
    metricsServer = await MetricsServer.start({
      bindAddress: options.metricsBindAddress,
      render: () => metrics.render(),
      healthy: () => firstDone && !closed && performance.now() - syncer.stats.lastEndMs < staleAfterMs,
    }).catch(async (e: unknown) => {
      await proxy.close();
      if (!options.client) client.close();
      throw e;
    });
  }

  let dns: ClusterDnsServer | undefined;
  /** Starts the cluster DNS once the informers have listed, so it never answers from a partial view. */
  const startDns = async (): Promise<void> => {
    const d = options.clusterDns;
    if (!d) return;
    const upstreams = d.upstreams?.map(parseUpstream) ?? resolvConfUpstreams('/etc/resolv.conf', [d.address]);
    // A DNS that cannot start must not stop the proxy from serving Services: it is reported, and pods on this node
    // then fail to resolve cluster names rather than reach nothing at all.
    try {
      if (vip && needsInterface(d.address)) await vip.add(d.address);
      dns = await ClusterDnsServer.start({
        address: d.address,
        port: d.port ?? 53,
        zone: d.domain ?? 'cluster.local',
        upstreams,
        log,
        view: {
          service: (ns, name) => services.indexer.get(`${ns}/${name}`),
          slices: (ns, name) => slices.indexer.byIndex(SERVICE_INDEX, `${ns}/${name}`),
        },
      });
    } catch (err) {
      log.error({ err, address: d.address }, 'cluster DNS not served on this node: pods here cannot resolve cluster names');
    }
  };

  let closedReject: (e: Error) => void = () => {};
  const closedSignal = new Promise<never>((_, reject) => (closedReject = reject));
  closedSignal.catch(() => {});
  const ready = Promise.race([
    (async () => {
      factory.start();
      presence.start();
      await factory.waitForSync();
      if (closed) return;
      await startDns();
      if (closed) return;
      open = true;
      lastFull = performance.now();
      tracker.everything();
      runner.request();
      writer?.start();
      await firstSynced;
      log.info({ node: o.nodeName, addresses: nodeAddresses, interface: o.clusterIpInterface ?? null, zone: zone ?? null }, 'service proxy synced');
    })(),
    closedSignal,
  ]);
  ready.catch(() => {});

  return {
    proxy,
    metrics,
    metricsUrl: metricsServer?.url,
    nodeAddresses,
    ready,
    isLeader: () => writer?.isLeader() ?? false,
    syncCount: () => syncer.stats.syncs,
    clusterDnsPort: () => dns?.port,
    async close() {
      if (closed) return;
      closed = true;
      open = false;
      closedReject(new LbError('Closed', 'the service proxy closed before its first sync'));
      await runner.stop();
      await writer?.stop();
      await presence.stop();
      await factory.stop();
      await proxy.close();
      await dns?.close();
      const dnsAddress = options.clusterDns?.address;
      if (dns && vip && dnsAddress && needsInterface(dnsAddress)) await vip.remove(dnsAddress).catch((err: unknown) => log.warn({ err }, 'could not remove the cluster DNS address'));
      await metricsServer?.close();
      if (!options.client) client.close();
      log.info({ node: o.nodeName }, 'service proxy stopped');
    },
  };
}
