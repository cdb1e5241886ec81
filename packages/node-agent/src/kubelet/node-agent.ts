/**
 * startNodeAgent: the kubelet, assembled. In order: the CRI runtime must answer; the kubelet API starts (its port
 * goes into the Node); the Node is registered and its Lease heartbeat begins; the informers sync; what the runtime
 * already runs is adopted; pod workers take over. `close()` stops the agent and leaves containers running, so a
 * new agent on the same runtime carries on with them.
 */
import { mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { parseQuantity, quantityMilli } from '@skiff/api';
import type { ConfigMap, Secret } from '@skiff/api';
import { createClient, loadKubeconfig } from '@skiff/client';
import { createCriClient } from '../cri/cri-client.js';
import { NodeAgentError } from '../errors.js';
import { createLogger } from '../logger.js';
import { EvictionManager } from './eviction/eviction-manager.js';
import { HostStatsSource } from './eviction/host-stats-source.js';
import { instrumentCri } from './instrumented-cri.js';
import { KubeApi } from './kube-api.js';
import { machineInfo } from './node/host-stats.js';
import { NodeLease } from './node/node-lease.js';
import { nodeResources } from './node/node-object.js';
import { NodeStatusReporter } from './node/node-status.js';
import { resolveOptions, type NodeAgentOptions } from './node-agent-options.js';
import { Backoff } from './pods/backoff.js';
import { ImagePuller } from './pods/image-puller.js';
import type { PodContext } from './pods/pod-context.js';
import { PodManager } from './pods/pod-manager.js';
import { ProbeManager } from './probes/probe-manager.js';
import { KubeletMetrics } from './server/metrics.js';
import { startKubeletServer } from './server/kubelet-server.js';
import { MirrorPods } from './static-pods/mirror-pods.js';
import { podApiWithStaticPods } from './static-pods/static-pod-api.js';
import { isMirrorPod } from './static-pods/config-annotations.js';
import { StaticPodSource } from './static-pods/static-pod-source.js';
import { ResourceUsageSampler } from './stats/resource-usage-sampler.js';
import { statsSummary } from './stats/stats-summary.js';
import { VolumeManager } from './volumes/volume-manager.js';

export interface NodeAgent {
  readonly nodeName: string;
  /** The kubelet API's URL and port. */
  readonly url: string;
  readonly port: number;
  readonly metrics: KubeletMetrics;
  /** Pods with a worker (bound here and not yet removed). */
  podCount(): number;
  /** Stops the agent; containers keep running. */
  close(): Promise<void>;
}

function milli(q: string | undefined): number {
  return q ? Number(quantityMilli(parseQuantity(q))) : 0;
}

export async function startNodeAgent(input: NodeAgentOptions): Promise<NodeAgent> {
  const o = resolveOptions(input);
  const logger = (input.logger ?? createLogger({ name: 'skiff-node-agent' })).child({ node: o.nodeName });
  const cluster = input.cluster ?? (input.kubeconfig ? loadKubeconfig({ path: input.kubeconfig }) : undefined);
  if (!cluster) throw new NodeAgentError('InvalidArgument', 'the node agent needs the API server: pass a kubeconfig path or a cluster connection');
  await mkdir(join(o.root, 'pods'), { recursive: true });
  await mkdir(o.podLogsDir, { recursive: true });

  const metrics = new KubeletMetrics(o.nodeName);
  const rawCri = createCriClient(o.criSocket);
  const cri = instrumentCri(rawCri, (op, seconds) => metrics.runtimeOperation(op, seconds));
  const cleanup: (() => Promise<void> | void)[] = [() => rawCri.close()];
  const fail = async (err: unknown): Promise<never> => {
    for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
    throw err;
  };
  try {
    await cri.waitForReady(30_000);
  } catch (err) {
    return fail(err);
  }
  const version = await cri.version({ version: 'v1' });
  logger.info({ runtime: version.runtimeName, version: version.runtimeVersion }, 'CRI runtime connected');

  const client = createClient(cluster, { userAgent: `skiff-node-agent/${o.nodeName}`, qps: 50, burst: 100 });
  cleanup.push(() => client.close());
  const api = new KubeApi({ client, cluster, nodeName: o.nodeName, logger });
  const staticPods = o.staticPodPath
    ? new StaticPodSource(o.staticPodPath, o.nodeName, o.fileCheckFrequencyMs, {
        added: (p) => {
          manager.upsertStatic(p);
          mirrors.poke();
        },
        removed: (p) => {
          manager.delete(p);
          mirrors.poke();
        },
      }, logger.child({ component: 'static-pods' }))
    : undefined;
  /** The pods this node runs: the API server's bound here (less mirror pods) and the static ones. */
  const nodePods = (): any[] => {
    const fromApi = api.pods.indexer.list().filter((p) => !isMirrorPod(p));
    return staticPods ? [...fromApi, ...staticPods.list()] : fromApi;
  };
  const podByName = (ns: string, name: string): any => {
    const fromApi = api.pod(ns, name);
    return staticPods?.byName(ns, name) ?? (fromApi && !isMirrorPod(fromApi) ? fromApi : undefined);
  };

  const usage = new ResourceUsageSampler(cri, o.resourceSampleMs);
  usage.start();
  cleanup.push(() => usage.stop());
  const startedAt = new Date().toISOString();
  const server = await startKubeletServer({
    address: o.address,
    port: o.port,
    cri,
    pods: { pod: (ns, name) => podByName(ns, name), list: () => nodePods() },
    metrics,
    summary: async () => {
      // A request long after the last sample (the timer is late, or the agent just started) samples now.
      if (!usage.latest().length || Date.now() - usage.latest()[0]!.at > 2 * o.resourceSampleMs) await usage.sample();
      return statsSummary(o.nodeName, startedAt, nodePods(), usage.latest());
    },
    logger: logger.child({ component: 'kubelet-server' }),
    tls: input.tls,
  }).catch(fail);
  cleanup.push(() => server.close());

  // The eviction manager judges the pressure conditions the Node reports and admission goes by, so it looks once
  // before the Node is registered and before any pod arrives; it evicts only once the pod manager runs.
  const volumes = new VolumeManager(join(o.root, 'pods'), logger.child({ component: 'volumes' }));
  const hostStats = new HostStatsSource({ cri, nodefsPath: o.root, podLogsDir: o.podLogsDir, volumeDir: (uid, v) => volumes.volumeDir(uid, v), cgroupParent: o.cgroupParent });
  let nudgeStatus = (): void => undefined;
  const eviction: EvictionManager = new EvictionManager({
    config: o.eviction,
    stats: { node: () => hostStats.node(), pods: (pods) => hostStats.pods(pods), ...o.eviction.stats },
    activePods: (): any[] => manager.activePods(),
    evict: (pod, grace, status) => manager.evict(pod.metadata.uid, grace, status),
    event: (pod, type, reason, message) => podApi.event(pod, type, reason, message),
    onPressureChange: () => nudgeStatus(),
    logger: logger.child({ component: 'eviction-manager' }),
  });
  await eviction.observe().catch(fail);

  const machine = machineInfo();
  const disk = await statfs(o.root).catch(() => undefined);
  const resources = nodeResources(machine, disk ? disk.blocks * disk.bsize : 0, {
    cpu: o.capacity.cpu,
    memory: o.capacity.memory,
    ephemeralStorage: o.capacity.ephemeralStorage,
    maxPods: o.capacity.pods ?? 110,
    reserved: o.systemReserved,
  });
  const reporter = new NodeStatusReporter({
    client,
    cri,
    identity: { name: o.nodeName, addresses: [o.nodeIP], hostname: o.hostname, port: server.port, labels: o.labels, taints: o.taints, podCidr: o.podCidr },
    machine,
    resources,
    pressure: () => eviction.pressure(),
    updateMs: o.nodeStatusUpdateMs,
    reportMs: o.nodeStatusReportMs,
    logger: logger.child({ component: 'node-status' }),
  });
  await reporter.register().catch(fail);
  nudgeStatus = () => void reporter.report(false).catch((err: Error) => logger.warn({ err: err.message }, 'node status update failed'));
  const lease = new NodeLease({ client, nodeName: o.nodeName, durationSeconds: o.leaseDurationSeconds, renewMs: o.leaseRenewMs, logger, nodeUid: () => reporter.uid });
  lease.start();
  cleanup.push(() => lease.stop());

  const podApi = podApiWithStaticPods(api.podApi(), client, (uid) => staticPods?.has(uid) ?? false);
  const probes = new ProbeManager(cri, {
    unhealthy: (uid, _container, _kind, message) => {
      const pod = nodePods().find((p) => p.metadata?.uid === uid);
      if (pod) podApi.event(pod, 'Warning', 'Unhealthy', message);
    },
    changed: (uid) => manager.wakePod(uid),
  });
  cleanup.push(() => probes.stopAll());
  const ctx: PodContext = {
    cri,
    runtimeName: version.runtimeName,
    probes,
    volumes,
    images: new ImagePuller(cri, new Backoff(o.imagePullBackoff)),
    restartBackoff: new Backoff(o.crashLoopBackoff),
    api: podApi,
    metrics,
    logger: logger.child({ component: 'pods' }),
    node: {
      name: o.nodeName,
      hostIPs: [o.nodeIP],
      allocatable: {
        cpuMilli: milli(resources.allocatable.cpu),
        memoryBytes: Math.floor(milli(resources.allocatable.memory) / 1000),
        ephemeralStorageBytes: Math.floor(milli(resources.allocatable['ephemeral-storage']) / 1000),
      },
      memoryCapacityBytes: Math.floor(milli(resources.capacity.memory) / 1000),
    },
    settings: {
      podLogsDir: o.podLogsDir,
      dns: { clusterDns: o.clusterDns, clusterDomain: o.clusterDomain },
      cgroupParent: o.cgroupParent,
      podPidsLimit: o.podPidsLimit,
      resyncMs: o.resyncMs,
    },
  };
  const manager: PodManager = new PodManager(ctx, o.relistMs, logger.child({ component: 'pod-manager' }), eviction);
  cleanup.push(() => manager.stop());
  metrics.setGauges({ runningPods: () => manager.runningPods(), containers: () => manager.containerCounts() });

  // Mirror pods are the API server's copies of static pods: never run, only kept in line.
  const mirrors = new MirrorPods({
    client,
    nodeName: o.nodeName,
    nodeUid: () => reporter.uid,
    staticPods: () => staticPods?.list() ?? [],
    apiPods: () => api.pods.indexer.list(),
    created: (uid) => manager.statusLost(uid),
    resyncMs: Math.min(o.fileCheckFrequencyMs, 10_000),
    logger: logger.child({ component: 'mirror-pods' }),
  });
  cleanup.push(() => mirrors.stop());
  api.pods.addEventHandler({
    onAdd: (p) => (isMirrorPod(p) ? mirrors.poke() : manager.upsert(p)),
    onUpdate: (_o, p) => (isMirrorPod(p) ? mirrors.poke() : manager.upsert(p)),
    onDelete: (p) => (isMirrorPod(p) ? mirrors.poke() : manager.delete(p)),
  });
  const changed = (kind: 'configmap' | 'secret') => (obj: ConfigMap | Secret) =>
    manager.objectChanged(kind, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', nodePods());
  api.configMaps.addEventHandler({ onAdd: changed('configmap'), onUpdate: (_o, n) => changed('configmap')(n) });
  api.secrets.addEventHandler({ onAdd: changed('secret'), onUpdate: (_o, n) => changed('secret')(n) });
  api.node.addEventHandler({
    onAdd: (n) => void reporter.nodeUpdated(n).catch((err: Error) => logger.warn({ err: err.message }, 'acting on a change of the Node object failed')),
    onUpdate: (_o, n) => void reporter.nodeUpdated(n).catch((err: Error) => logger.warn({ err: err.message }, 'acting on a change of the Node object failed')),
  });
  api.start();
  cleanup.push(() => api.stop());
  await api.waitForSync(60_000).catch(fail);
  if (staticPods) {
    await staticPods.start().catch(fail);
    cleanup.push(() => staticPods.stop());
  }
  await manager.adopt(new Set(nodePods().map((p) => p.metadata!.uid!))).catch(fail);
  manager.start();
  mirrors.start();
  reporter.start();
  cleanup.push(() => reporter.stop());
  eviction.start();
  cleanup.push(() => eviction.stop());
  logger.info({ url: server.url, nodeIP: o.nodeIP }, 'node agent ready');

  let closed = false;
  return {
    nodeName: o.nodeName,
    url: server.url,
    port: server.port,
    metrics,
    podCount: () => manager.size,
    async close() {
      if (closed) return;
      closed = true;
      for (const c of cleanup.reverse()) await Promise.resolve(c()).catch((err: Error) => logger.warn({ err: err.message }, 'shutdown step failed'));
      logger.info('node agent stopped');
    },
  };
}
